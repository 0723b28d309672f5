#!/usr/bin/env python3
"""What running a node in a worker process costs, end to end, against the same plugin in process.

One graph, one node (`uppercase`, the bundled C plugin), fed by `manifold run --lines`:
the same input file is run with the node in process and with `--isolate all`, alternating,
in the same run, for small lines (12 bytes) and for 64 KiB lines. For each it prints wall
time and CPU time (user + sys of manifold and its worker, from wait4) per artifact, and the
isolated/in-process ratios per round and their median. Run from the repository root after

    swift build -c release --product manifold --product ManifoldUppercase

Usage: Benchmarks/isolation-cost.py [--small N] [--large N] [--runs R] [--binary PATH]
"""

import argparse
import json
import os
import statistics
import tempfile

from process_usage import measure

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def graph():
    return {
        "manifold": 1,
        "name": "isolation-cost",
        "plugins": [os.path.join(ROOT, "manifests", "plugins")],
        "hub": {"capacity": 256, "policy": "block"},
        "inputs": {"text": {"topic": "in", "types": ["text/plain"]}},
        "outputs": {"out": {"topic": "out", "types": ["text/plain"]}},
        "nodes": {"shout": {"plugin": "uppercase", "subscribe": ["in"], "output": "out"}},
    }


def scenario(name, binary, graph_path, line, count, runs):
    with tempfile.NamedTemporaryFile("wb", suffix=".txt", delete=False) as data:
        for _ in range(count):
            data.write(line)
        path = data.name
    try:
        rows = {"in process": [], "isolated": []}
        for _ in range(runs):
            for label, extra in (("in process", []), ("isolated", ["--isolate", "all"])):
                rows[label].append(measure([binary, "run", graph_path, "--lines"] + extra, path))
        print("\n%s: %d artifacts of %d bytes, %d rounds" % (name, count, len(line), runs))
        for label, samples in rows.items():
            wall = statistics.median(s[0] for s in samples)
            cpu = statistics.median(s[1] for s in samples)
            print("  %-10s  wall %8.2f µs/artifact   CPU %8.2f µs/artifact" % (label, wall / count * 1e6, cpu / count * 1e6))
        wall_ratios = [i[0] / p[0] for p, i in zip(rows["in process"], rows["isolated"])]
        cpu_ratios = [i[1] / p[1] for p, i in zip(rows["in process"], rows["isolated"])]
        print("  isolated / in process, wall: %s  median %.2fx" % (" ".join("%.2f" % r for r in wall_ratios), statistics.median(wall_ratios)))
        print("  isolated / in process, CPU:  %s  median %.2fx" % (" ".join("%.2f" % r for r in cpu_ratios), statistics.median(cpu_ratios)))
    finally:
        os.unlink(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=200_000, help="small artifacts per run")
    parser.add_argument("--large", type=int, default=5_000, help="64 KiB artifacts per run")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "manifold"))
    args = parser.parse_args()
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as manifest:
        json.dump(graph(), manifest)
        graph_path = manifest.name
    try:
        print("manifold: %s" % args.binary)
        scenario("small", args.binary, graph_path, b"hello world\n", args.small, args.runs)
        scenario("64 KiB", args.binary, graph_path, b"x" * (64 * 1024 - 1) + b"\n", args.large, args.runs)
    finally:
        os.unlink(graph_path)


if __name__ == "__main__":
    main()
