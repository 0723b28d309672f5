#!/usr/bin/env python3
"""Agent token streaming, end to end: `manifold run` of an agent graph against `curl -sN`.

Starts a loopback OpenAI-compatible server (POST /v1/chat/completions) that answers with an
SSE stream of N one-token `chat.completion.chunk`s, then, in the same run, measures:

  (a) `curl -sN` of that stream to /dev/null: the floor (reading the bytes, nothing else);
  (b) `manifold run` of a one-agent graph pointed at the server, standard output to /dev/null.

For each it prints the child's CPU time (user + sys, from wait4) per token, tokens per second
of wall time, peak RSS (ru_maxrss) and, with --strace, the write(2) calls (a separate run
under `strace -f -c`, whose overhead does not touch the timed runs). The ratio is
manifold's tokens/s over curl's. Run from the repository root after

    swift build -c release --product manifold --product ManifoldAgent

Usage: Benchmarks/agent-stream.py [--tokens N] [--runs R] [--binary PATH] [--strace]
"""

import argparse
import http.server
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def token(i):
    """One token's text: short words, with a line break (an escape in JSON) every 50th."""
    return "\n" if i % 50 == 49 else " w%d" % (i % 1000)


def chunk(delta, finish=None):
    body = {
        "id": "chatcmpl-bench",
        "object": "chat.completion.chunk",
        "created": 1764460800,
        "model": "bench",
        "system_fingerprint": "fp_bench",
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
    }
    return "data: " + json.dumps(body, separators=(",", ":")) + "\n\n"


def stream_body(tokens):
    parts = [chunk({"role": "assistant", "content": ""})]
    parts += [chunk({"content": token(i)}) for i in range(tokens)]
    parts.append(chunk({}, finish="stop"))
    usage = {"prompt_tokens": 12, "completion_tokens": tokens, "total_tokens": tokens + 12}
    parts.append("data: " + json.dumps({"id": "chatcmpl-bench", "object": "chat.completion.chunk", "choices": [], "usage": usage}) + "\n\n")
    parts.append("data: [DONE]\n\n")
    return "".join(parts).encode()


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


def make_handler(body):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    return Handler


def graph(port, tokens):
    return {
        "manifold": 1,
        "name": "agent-stream-bench",
        "plugins": [os.path.join(ROOT, "manifests", "plugins")],
        "inputs": {"prompt": {"topic": "prompt", "types": ["text/plain"]}},
        "outputs": {"answer": {"topic": "chat", "types": ["chat/delta", "chat/message"]}},
        "nodes": {
            "assistant": {
                "plugin": "agent",
                "config": {
                    "provider": {
                        "provider": "openai",
                        "model": "bench",
                        "baseURL": "http://127.0.0.1:%d/v1" % port,
                        "maxResponseBytes": 1 << 30,
                        "maxRetries": 0,
                    },
                    "maxTokens": tokens + 10,
                    "emitDeltas": True,
                },
                "subscribe": ["prompt"],
                "output": "chat",
            }
        },
    }


def measure(argv, stdout_path="/dev/null"):
    """Runs argv; returns (wall seconds, CPU seconds, peak RSS KiB).

    The CPU time is the child's (and its children's) user + sys from wait4. The peak RSS is
    read by GNU time, which forks the command from its own small process: Linux carries a
    process's high-water RSS across exec, so the child of this script would report this
    script's own size when larger than the command's.
    """
    with open(stdout_path, "wb") as out, tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        start = time.perf_counter()
        child = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", rss.name] + argv, stdout=out, stderr=subprocess.PIPE)
        err = child.stderr.read().decode(errors="replace")
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        child.stderr.close()
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            sys.exit("%s exited %d: %s" % (argv[0], code, err[-2000:]))
        peak = int(rss.read().split()[-1])
    return wall, usage.ru_utime + usage.ru_stime, peak


def count_writes(argv):
    """write(2) calls of argv and its threads, from `strace -f -c`."""
    with tempfile.NamedTemporaryFile("r", suffix=".strace") as summary:
        subprocess.run(["strace", "-f", "-c", "-e", "trace=write,writev", "-o", summary.name] + argv,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        calls = 0
        for line in summary.read().splitlines():
            fields = line.split()
            if fields and fields[-1] in ("write", "writev"):
                calls += int(fields[3])
        return calls


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3, help="runs of each; the best CPU time is reported")
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "manifold"))
    parser.add_argument("--strace", action="store_true", help="also count write(2) calls (one more run of each)")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        # The server runs in a process of its own, so that the stream it holds in memory does
        # not count in the measured processes' peak RSS (see measure).
        body = stream_body(args.tokens)
        server = Server(("127.0.0.1", 0), make_handler(body))
        print(server.server_address[1], len(body), flush=True)
        server.serve_forever()
    if not os.access(args.binary, os.X_OK):
        sys.exit("%s not found: build it first (swift build -c release --product manifold --product ManifoldAgent)" % args.binary)
    if not os.access("/usr/bin/time", os.X_OK):
        sys.exit("/usr/bin/time (GNU time) is needed for the peak RSS: apt-get install time")

    server = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--serve", "--tokens", str(args.tokens)], stdout=subprocess.PIPE)
    port, body_size = (int(field) for field in server.stdout.readline().split())
    url = "http://127.0.0.1:%d/v1/chat/completions" % port

    with tempfile.TemporaryDirectory() as folder:
        manifest = os.path.join(folder, "agent-stream.json")
        with open(manifest, "w") as file:
            json.dump(graph(port, args.tokens), file)
        curl = ["curl", "-sN", "-X", "POST", "-H", "Content-Type: application/json", "-d", "{}", url]
        run = [args.binary, "run", manifest, "--input", "hi"]

        # One run whose output is kept, to check the answer arrived whole.
        printed = os.path.join(folder, "out.txt")
        measure(run, printed)
        expected = "".join(token(i) for i in range(args.tokens))
        with open(printed, encoding="utf-8") as file:
            got = file.read()
        if got.rstrip("\n") != expected.rstrip("\n"):
            sys.exit("manifold printed %d characters, expected %d: the answer did not arrive whole" % (len(got), len(expected)))

        results = {}
        for name, argv in (("curl -sN", curl), ("manifold run", run)):
            best = min((measure(argv) for _ in range(args.runs)), key=lambda r: r[1])
            results[name] = best
        writes = {name: count_writes(argv) for name, argv in (("curl -sN", curl), ("manifold run", run))} if args.strace else {}
    server.kill()
    server.wait()

    print("%d one-token deltas, %d bytes of SSE; best of %d runs each (by CPU time)" % (args.tokens, body_size, args.runs))
    print("%-14s %12s %12s %12s %14s %s" % ("", "CPU µs/token", "tokens/s", "wall s", "peak RSS MiB", "write(2) calls" if writes else ""))
    for name, (wall, cpu, rss) in results.items():
        print("%-14s %12.3f %12.0f %12.3f %14.1f %s" % (
            name, cpu / args.tokens * 1e6, args.tokens / wall, wall, rss / 1024, writes.get(name, "")))
    (curl_wall, curl_cpu, _), (run_wall, run_cpu, _) = results["curl -sN"], results["manifold run"]
    print("manifold / curl: %.3f× the tokens/s, %.1f× the CPU per token" % (curl_wall / run_wall, run_cpu / max(curl_cpu, 1e-9)))


if __name__ == "__main__":
    main()
