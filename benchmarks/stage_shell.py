#!/usr/bin/env python3
"""A shell for ``make`` that records what each recipe line costs (bench only).

``make test SHELL=benchmarks/stage_shell.py`` runs every recipe line with
``/bin/sh`` as usual and appends one JSON line to the file named by
``$STAGE_LOG``: the command, make's nesting level, when it started and ended
(seconds since the epoch) and the CPU seconds it and every process it waited for
used (``wait4``'s resource usage).  ``benchmarks/bench.py`` reads them to break
``make test`` down into its stages.  Standard library only: make runs it with
the system's Python before the book's venv exists.
"""

import json
import os
import sys
import time


def main() -> int:
    args = sys.argv[1:]  # make passes .SHELLFLAGS (-c) and the recipe line
    start = time.time()
    pid = os.fork()
    if pid == 0:
        os.execv("/bin/sh", ["/bin/sh", *args])
    _, status, usage = os.wait4(pid, 0)
    log = os.environ.get("STAGE_LOG")
    if log and args:
        record = {
            "cmd": args[-1],
            "level": int(os.environ.get("MAKELEVEL", "0")),
            "start": start,
            "end": time.time(),
            "cpu": usage.ru_utime + usage.ru_stime,
        }
        with open(log, "a", encoding="utf-8") as out:
            out.write(json.dumps(record) + "\n")
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())
