"""The web server's connections cache little: 50 of them at 256 MiB each were 8–12 GB of RSS
under 50 reviewers on the national database (issue 15); commands keep the large cache."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from compliance import db
from compliance.web.app import WEB_POOL


def _pragmas(engine) -> tuple[int, int]:  # noqa: ANN001 - an Engine
    with engine.connect() as conn:
        cache = conn.execute(text("PRAGMA cache_size")).scalar_one()
        temp = conn.execute(text("PRAGMA temp_store")).scalar_one()
    engine.dispose()
    return cache, temp


def test_the_servers_connections_cache_16_mib_and_commands_256(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    assert _pragmas(db.make_engine(url, **WEB_POOL)) == (-16 * 1024, 0)  # sorts may spill
    assert _pragmas(db.make_engine(url)) == (-256 * 1024, 2)  # in memory
