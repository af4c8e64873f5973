"""Prefect's temporary server dies with the process that started it.

Without ``PREFECT_API_URL`` each ``compliance run`` starts a temporary Prefect server (uvicorn in
a child process) and stops it at exit (``atexit``). A ``kill -9`` of the run skips that, and the
server lived on, holding a port and Prefect's database. Here the server is started through
``compliance.server_guard``, whose watchdog thread ends the server when its parent process is
gone (Linux and macOS: the orphan is re-parented, so its parent pid changes).

Measured against the alternatives: ``PR_SET_PDEATHSIG`` (prctl in a ``preexec_fn``) fires when
the *thread* that forked the child ends, and Prefect may start the server from a short-lived
worker thread; an in-process server would put Prefect's API and its scheduler loops in the
run's own process. The watchdog costs one thread waking twice a second, and nothing at start-up.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from prefect.server.api.server import SubprocessASGIServer

GUARD_MODULE = "compliance.server_guard"


def bind_temporary_server() -> None:
    """Make the temporary server Prefect will start (if any) one that dies with this process.

    Nothing to do when an API URL is set (a real server, or the test harness's), or when a
    temporary server is registered already. Registering under Prefect's ``None`` key is what
    ``prefect.testing.utilities.prefect_test_harness`` does so that Prefect's own code finds it.
    """
    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value() or None in SubprocessASGIServer._instances:
        return
    SubprocessASGIServer._instances[None] = _ParentBoundServer()


class _ParentBoundServer(SubprocessASGIServer):
    """Prefect's ``SubprocessASGIServer``, its uvicorn command run under the guard."""

    def _run_uvicorn_command(self) -> subprocess.Popen[Any]:
        import prefect
        from prefect.settings import get_current_settings

        # The same command and environment as Prefect 3.8's own, behind the guard.
        return subprocess.Popen(  # noqa: S603 - our interpreter, arguments we built
            [
                sys.executable, "-m", GUARD_MODULE, str(os.getpid()),
                "--app-dir", str(prefect.__module_path__.parent),
                "--factory", "prefect.server.api.server:create_app",
                "--host", "127.0.0.1", "--port", str(self.port),
                "--log-level", "error", "--lifespan", "on",
            ],
            env={
                **os.environ,
                "PREFECT_UI_ENABLED": "0",
                "PREFECT__SERVER_EPHEMERAL": "1",
                "PREFECT__SERVER_FINAL": "1",
                **get_current_settings().to_environment_variables(exclude_unset=True),
            },
        )  # fmt: off
