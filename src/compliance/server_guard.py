"""``python -m compliance.server_guard PARENT_PID UVICORN_ARGS…``: uvicorn, ended with its parent.

A watchdog thread compares the parent pid with the one given; when the parent is gone (killed,
even with SIGKILL) it sends this process SIGTERM, which uvicorn handles as a graceful shutdown,
and exits hard if that has not finished in a few seconds.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

POLL_SECONDS = 0.5
GRACE_SECONDS = 5.0


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(POLL_SECONDS)
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(GRACE_SECONDS)
    os._exit(1)


def main() -> None:
    parent = int(sys.argv[1])
    threading.Thread(target=_watch, args=(parent,), name="parent-watchdog", daemon=True).start()
    import uvicorn.main

    sys.argv = ["uvicorn", *sys.argv[2:]]
    uvicorn.main.main()


if __name__ == "__main__":
    main()
