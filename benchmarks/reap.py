"""Run a command as a child subreaper and print its wall time and the CPU time of
its whole process tree.  A killed warm LibreOffice leaves ``soffice.bin``
orphaned; without a subreaper init reaps it and ``time`` never counts its CPU.

    python benchmarks/reap.py COMMAND ARGS...
"""
from __future__ import annotations

import ctypes
import os
import resource
import sys
import time

PR_SET_CHILD_SUBREAPER = 36


def main() -> None:
    ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    start = time.monotonic()
    if os.fork() == 0:
        os.execvp(sys.argv[1], sys.argv[1:])
    while True:  # the command, then every orphan handed to us
        try:
            os.wait()
        except ChildProcessError:
            break
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"wall {time.monotonic() - start:.2f} s, CPU {usage.ru_utime + usage.ru_stime:.2f} s "
          f"(user {usage.ru_utime:.2f}, sys {usage.ru_stime:.2f})", file=sys.stderr)


if __name__ == "__main__":
    main()
