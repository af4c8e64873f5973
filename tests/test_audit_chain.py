"""The audit log and task histories: no replacement, and a hash chain that names a forged row.

An attacker with the database file (or an owner's password) can drop the triggers; these tests
do just that, edit or remove a row, and expect ``compliance audit verify`` to name it.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from compliance import chain, db
from compliance.accounts import add_user
from compliance.cli import app as cli
from compliance.engine.evaluate import evaluate
from compliance.followup.manage import update_task
from compliance.followup.sync import RunOrder, record_and_sync
from compliance.registry.importer import import_folder
from compliance.rules.validate import load_rules
from compliance.settings import get_settings
from tests.registry.helpers import base_delivery

AS_OF = dt.date(2026, 10, 1)
PASSWORD = "mật-khẩu-đủ-dài"


def _history(engine: Engine, folder: Path) -> list[int]:
    """A registry with a recorded run (task events), an account and decisions (audit log)."""
    db.upgrade(engine)
    import_folder(engine, base_delivery(folder), effective_date=AS_OF)
    rules = load_rules()
    with engine.connect() as conn:
        findings = evaluate(conn, rules, AS_OF)
    record_and_sync(engine, rules, findings, RunOrder(as_of=AS_OF))
    add_user(engine, "kiểm tra :x: [bold]", "inspector", PASSWORD)
    with engine.connect() as conn:
        tasks = list(conn.execute(text("SELECT id FROM follow_up_tasks ORDER BY id")).scalars())
    assert tasks, "the base delivery must give the run something to open"
    for note in ("lần 1", "lần 2 :x:", "lần 3"):
        update_task(engine, tasks[0], actor="inspector", assignee=f"Nguyễn Văn A ({note})")
    return tasks


def _verify(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    monkeypatch.setenv("COMPLIANCE_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    result = CliRunner().invoke(cli, ["audit", "verify"])
    return result.exit_code, result.output


def test_every_writer_chains_its_rows_and_verify_says_intact(engine, tmp_path, monkeypatch):
    _history(engine, tmp_path / "d")
    with engine.connect() as conn:
        states = {s.table: s for s in chain.verify(conn)}
        first = conn.execute(text("SELECT prev_hash FROM audit_log ORDER BY id LIMIT 1")).scalar()
    assert first == chain.GENESIS
    assert states["audit_log"].rows == 4 and states["audit_log"].broken is None
    assert states["task_events"].rows >= 4 and states["task_events"].broken is None
    code, output = _verify(engine, monkeypatch)
    assert code == 0, output
    assert "audit_log: 4 dòng, chuỗi băm nguyên vẹn" in output  # "audit.chain_intact"
    assert states["audit_log"].last_hash in output


def _replacements(engine: Engine, table: str, row_id: int) -> list[str]:
    if engine.dialect.name == "postgresql":
        return [
            f"INSERT INTO {table} SELECT * FROM {table} WHERE id = {row_id} "
            "ON CONFLICT (id) DO UPDATE SET actor = 'kẻ giả mạo'",
        ]
    return [
        f"INSERT OR REPLACE INTO {table} SELECT * FROM {table} WHERE id = {row_id}",
        f"REPLACE INTO {table} SELECT * FROM {table} WHERE id = {row_id}",
        f"INSERT INTO {table} SELECT * FROM {table} WHERE id = {row_id} "
        "ON CONFLICT (id) DO UPDATE SET actor = 'kẻ giả mạo'",
    ]


@pytest.mark.parametrize("table", ["audit_log", "task_events"])
def test_replacing_a_row_is_refused_and_leaves_it_intact(engine, tmp_path, table):
    _history(engine, tmp_path / "d")
    with engine.connect() as conn:
        before = conn.execute(text(f"SELECT * FROM {table} ORDER BY id")).all()
    for statement in _replacements(engine, table, before[1].id):
        forged = statement.replace("SELECT *", "SELECT id, " + _forged_columns(engine, table))
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(forged))
    with engine.connect() as conn:
        assert conn.execute(text(f"SELECT * FROM {table} ORDER BY id")).all() == before
        assert all(s.broken is None for s in chain.verify(conn))


def _forged_columns(engine: Engine, table: str) -> str:
    """Every column after id as it is, but the actor."""
    with engine.connect() as conn:
        names = list(conn.execute(text(f"SELECT * FROM {table} LIMIT 1")).keys())
    return ", ".join("'kẻ giả mạo'" if n == "actor" else n for n in names if n != "id")


def _drop_triggers(engine: Engine, table: str) -> None:
    """What someone with the database file or the owner's password can do."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"DROP TRIGGER {table}_append_only ON {table}"))
        else:
            for kind in ("update", "delete", "replace"):
                conn.execute(text(f"DROP TRIGGER {table}_no_{kind}"))


def test_verify_names_the_row_an_attacker_edited(engine, tmp_path, monkeypatch):
    _history(engine, tmp_path / "d")
    _drop_triggers(engine, "audit_log")
    with engine.begin() as conn:
        target = conn.execute(
            text("SELECT id FROM audit_log WHERE action = 'updated' ORDER BY id LIMIT 1")
        ).scalar_one()
        conn.execute(text("UPDATE audit_log SET actor = 'ai đó' WHERE id = :id"), {"id": target})
    code, output = _verify(engine, monkeypatch)
    assert code == chain_broken_exit(), output
    assert f"Chuỗi băm của bảng audit_log bị đứt ở dòng id={target}" in output
    assert "[audit.chain_broken]" in output
    assert "nội dung dòng đã bị sửa" in output
    assert "task_events:" in output and "nguyên vẹn" in output  # the other chain still checked


def test_verify_names_the_row_after_one_an_attacker_removed(engine, tmp_path, monkeypatch):
    tasks = _history(engine, tmp_path / "d")
    _drop_triggers(engine, "task_events")
    with engine.begin() as conn:
        ids = list(
            conn.execute(
                text("SELECT id FROM task_events WHERE task_id = :t ORDER BY id"), {"t": tasks[0]}
            ).scalars()
        )
        conn.execute(text("DELETE FROM task_events WHERE id = :id"), {"id": ids[1]})
    code, output = _verify(engine, monkeypatch)
    assert code == chain_broken_exit(), output
    assert f"Chuỗi băm của bảng task_events bị đứt ở dòng id={ids[2]}" in output
    assert "mã băm trước (prev_hash) không khớp" in output


def chain_broken_exit() -> int:
    from compliance.cli_audit import CHAIN_BROKEN

    return CHAIN_BROKEN


def test_concurrent_writers_never_fork_the_chain(engine, tmp_path):
    tasks = _history(engine, tmp_path / "d")
    errors: list[BaseException] = []

    def decide(worker: int) -> None:
        try:
            for n in range(5):
                if worker % 2:
                    add_user(engine, f"người {worker}-{n}", "viewer", PASSWORD)
                else:
                    task = tasks[n % len(tasks)]
                    update_task(engine, task, actor=f"w{worker}", assignee=f"{worker}-{n}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=decide, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with engine.connect() as conn:
        states = {s.table: s for s in chain.verify(conn)}
        forks = conn.execute(
            text("SELECT count(*) FROM audit_log GROUP BY prev_hash HAVING count(*) > 1")
        ).all()
    assert forks == []
    assert states["audit_log"].broken is None and states["audit_log"].rows == 4 + 20
    assert states["task_events"].broken is None


def test_the_migration_chains_rows_written_before_it(engine, tmp_path, monkeypatch):
    config = db.alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0005")
    with engine.begin() as conn:
        for n in range(3):
            conn.execute(
                text(
                    "INSERT INTO audit_log (at, actor, action, before, after, note) "
                    "VALUES (:at, :actor, 'user_added', :before, :after, NULL)"
                ),
                {"at": dt.datetime(2026, 11, 1, 8, n, tzinfo=dt.UTC), "actor": f"cũ {n}",
                 "before": "{}", "after": json.dumps({"name": "a", "n": n})},
            )  # fmt: off
    db.upgrade(engine)
    with engine.connect() as conn:
        states = {s.table: s for s in chain.verify(conn)}
    assert states["audit_log"].rows == 3 and states["audit_log"].broken is None
    add_user(engine, "mới", "viewer", PASSWORD)  # appends after the backfilled rows
    code, output = _verify(engine, monkeypatch)
    assert code == 0 and "audit_log: 4 dòng" in output, output
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'x' WHERE id = 1"))
