#!/usr/bin/env python3
"""What recording a run in a journal costs, end to end, against the same run unrecorded; and
what an `approval` middleware costs the inputs it lets through.

One graph of three nodes in a chain (`uppercase` → `echo` → `uppercase`, bundled plugins),
fed by `manifold run --lines`: the same input file is run without a journal, with
`--journal FILE` (a new file each time), and with a journal and an `approval` middleware on
every node whose rule matches none of the inputs (approvals need a journal or a terminal), in
turn, in the same run, for small lines (12 bytes) and for 4 KiB lines (stored once by digest).
For each it prints artifacts per second through the graph (each line makes 4 artifacts: the
input and one per node), CPU time per line (user + sys, from wait4), peak RSS, and the
journal/plain and approval/journal ratios per round and their median. Run from the
repository root after

    swift build -c release --product manifold
    swift build -c release --product ManifoldUppercase
    swift build -c release --product ManifoldEcho

Usage: Benchmarks/journal-cost.py [--small N] [--large N] [--runs R] [--binary PATH]
"""

import argparse
import json
import os
import shutil
import statistics
import tempfile

from process_usage import measure

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def graph(approval=False):
    middleware = [{"plugin": "approval", "config": {"rules": [{"types": ["application/x-never"]}]}}] if approval else []
    nodes = {
        "first": {"plugin": "uppercase", "subscribe": ["in"], "output": "a"},
        "second": {"plugin": "echo", "subscribe": ["a"], "output": "b"},
        "third": {"plugin": "uppercase", "subscribe": ["b"], "output": "out"},
    }
    for node in nodes.values():
        if middleware:
            node["middleware"] = middleware
    return {
        "manifold": 1,
        "name": "journal-cost",
        "plugins": [os.path.join(ROOT, "manifests", "plugins")],
        "hub": {"capacity": 256, "policy": "block"},
        "inputs": {"text": {"topic": "in", "types": ["text/plain"]}},
        "outputs": {"out": {"topic": "out", "types": ["text/plain"]}},
        "nodes": nodes,
    }


def ratios(label, rows, over, under):
    wall = [o[0] / u[0] for u, o in zip(rows[under], rows[over])]
    cpu = [o[1] / u[1] for u, o in zip(rows[under], rows[over])]
    print("  %s, wall: %s  median %.2fx" % (label, " ".join("%.2f" % r for r in wall), statistics.median(wall)))
    print("  %s, CPU:  %s  median %.2fx" % (label, " ".join("%.2f" % r for r in cpu), statistics.median(cpu)))


def scenario(name, binary, graphs, line, count, runs, folder):
    path = os.path.join(folder, "input.txt")
    with open(path, "wb") as data:
        for _ in range(count):
            data.write(line)
    rows = {"plain": [], "journal": [], "approval": []}
    sizes = []
    for round_number in range(runs):
        rows["plain"].append(measure([binary, "run", graphs["plain"], "--lines"], path))
        journal = os.path.join(folder, "runs-%s-%d.db" % (name.replace(" ", ""), round_number))
        rows["journal"].append(measure([binary, "run", graphs["plain"], "--lines", "--journal", journal], path))
        sizes.append(sum(os.path.getsize(journal + suffix) for suffix in ("", "-wal") if os.path.exists(journal + suffix)))
        approved = os.path.join(folder, "approval-%s-%d.db" % (name.replace(" ", ""), round_number))
        rows["approval"].append(measure([binary, "run", graphs["approval"], "--lines", "--journal", approved, "--no-prompt"], path))
    artifacts = count * 4
    print("\n%s: %d lines of %d bytes (%d artifacts), %d rounds" % (name, count, len(line), artifacts, runs))
    for label, samples in rows.items():
        wall = statistics.median(s[0] for s in samples)
        cpu = statistics.median(s[1] for s in samples)
        rss = statistics.median(s[2] for s in samples)
        print("  %-8s %10.0f artifacts/s   CPU %6.2f µs/line   peak RSS %6.1f MiB" % (label, artifacts / wall, cpu / count * 1e6, rss / 1024))
    ratios("journal / plain", rows, "journal", "plain")
    ratios("approval / journal", rows, "approval", "journal")
    print("  journal file: %.1f MiB (%.0f bytes per artifact)" % (statistics.median(sizes) / 2**20, statistics.median(sizes) / artifacts))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=200_000, help="small lines per run")
    parser.add_argument("--large", type=int, default=20_000, help="4 KiB lines per run")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "manifold"))
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="manifold-journal-cost-")
    try:
        graphs = {}
        for variant in ("plain", "approval"):
            graphs[variant] = os.path.join(folder, variant + ".json")
            with open(graphs[variant], "w") as manifest:
                json.dump(graph(approval=variant == "approval"), manifest)
        print("manifold: %s" % args.binary)
        scenario("small", args.binary, graphs, b"hello world\n", args.small, args.runs, folder)
        scenario("4 KiB", args.binary, graphs, b"x" * (4 * 1024 - 1) + b"\n", args.large, args.runs, folder)
    finally:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
