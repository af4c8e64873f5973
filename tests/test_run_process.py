"""``compliance run`` as a process: what happens after its commit, and when it is killed.

Real runs of the installed command on a small generated province, each with the temporary
Prefect server it starts itself (no PREFECT_API_URL): a notification target that cannot be
reached leaves the run a success with a warning, and a ``kill -9`` of the command leaves no
Prefect server behind.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil
import pytest

COMMAND = str(Path(sys.executable).parent / "compliance")
SOURCES = str(Path(__file__).resolve().parents[1] / "src")


@dataclass(frozen=True)
class Place:
    folder: Path
    env: dict[str, str]


@pytest.fixture(scope="module")
def place(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Place]:
    """A working directory with an imported province and its own Prefect home."""
    folder = tmp_path_factory.mktemp("run")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COMPLIANCE_", "PREFECT_"))}
    env |= {
        "PREFECT_HOME": str(folder / "prefect"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "COMPLIANCE_REPORTS_DIR": str(folder / "reports"),
        "PYTHONPATH": os.pathsep.join(filter(None, [SOURCES, env.get("PYTHONPATH")])),
        "COLUMNS": "200",
    }
    for args in (
        ["generate", "registry", "--province", "80", "--enterprises", "200", "--seed", "1"],
        ["import", "registry"],
    ):
        done = subprocess.run(
            [COMMAND, *args], cwd=folder, env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr
    yield Place(folder, env)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends: nobody listens


def _command(place: Place, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [COMMAND, *args], cwd=place.folder, env=place.env, capture_output=True, text=True,
        timeout=timeout,
    )  # fmt: off


def test_an_unreachable_target_leaves_the_run_committed_with_a_warning(place: Place) -> None:
    url = f"json://ops:bí-mật@127.0.0.1:{_closed_port()}/hook?token=abcdef"
    assert _command(place, "notify", "add", "*", url).returncode == 0
    listed = _command(place, "notify", "list")
    assert "json://***@127.0.0.1:" in listed.stdout
    assert "bí-mật" not in listed.stdout and "abcdef" not in listed.stdout
    try:
        result = _command(place, "run", "--as-of", "2026-10-01")
    finally:
        _command(place, "notify", "remove", "1")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Lần chạy #1" in result.stdout and "Traceback" not in result.stderr
    assert "Cảnh báo: Không gửi được" in result.stderr  # "notify.failed"
    assert "sau 3 lần thử" in result.stderr and "Lần chạy đã được ghi đầy đủ" in result.stderr
    assert "bí-mật" not in result.stderr and "abcdef" not in result.stderr
    verify = _command(place, "audit", "verify")
    assert verify.returncode == 0 and "task_events:" in verify.stdout, verify.stderr


def _server_of(cli: psutil.Process, deadline: float) -> tuple[psutil.Process, int]:
    """The temporary Prefect server the command started, once it answers /api/health."""
    while time.monotonic() < deadline:
        for child in cli.children(recursive=True):
            try:
                args = child.cmdline()
            except psutil.NoSuchProcess:
                continue
            if "prefect.server.api.server:create_app" in args:
                port = int(args[args.index("--port") + 1])
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/api/health").status_code == 200:
                        return child, port
                except httpx.TransportError:
                    pass
        time.sleep(0.2)
    raise AssertionError("the run's temporary Prefect server never came up")


def _gone(process: psutil.Process) -> bool:
    try:
        return process.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_kill_9_of_the_run_leaves_no_prefect_server_running(place: Place) -> None:
    cli = subprocess.Popen(
        [COMMAND, "run", "--as-of", "2026-10-02"], cwd=place.folder, env=place.env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: off
    descendants: list[psutil.Process] = []
    try:
        server, port = _server_of(psutil.Process(cli.pid), time.monotonic() + 180)
        descendants = psutil.Process(cli.pid).children(recursive=True)
        os.kill(cli.pid, signal.SIGKILL)
        cli.wait(timeout=10)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not all(_gone(p) for p in descendants):
            time.sleep(0.2)
        assert _gone(server), f"Prefect server {server.pid} still running on port {port}"
        assert [p.pid for p in descendants if not _gone(p)] == []
    finally:
        if cli.poll() is None:
            cli.kill()
        for orphan in descendants:  # when the test fails: leave nothing running
            if not _gone(orphan):
                orphan.kill()
