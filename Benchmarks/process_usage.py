"""Runs a command with standard input from a file and measures it as the benchmark scripts
need: wall time, and CPU time and peak RSS of it and its children (wait4)."""

import os
import subprocess
import sys
import time


def measure(argv, stdin_path):
    """Runs argv; returns (wall seconds, CPU seconds, peak RSS KiB), or exits with its stderr."""
    with open(stdin_path, "rb") as source:
        start = time.perf_counter()
        child = subprocess.Popen(argv, stdin=source, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        err = child.stderr.read().decode(errors="replace")
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit("%s exited %d: %s" % (" ".join(argv), code, err[-2000:]))
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss
