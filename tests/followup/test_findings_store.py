"""Findings stored as changes (issue 15): an unchanged whole run writes no finding row, a changed
finding gets a new row and closes the old one, and every reader still gets each run's findings
exactly — equal to what evaluation gives on that day."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from compliance.engine.evaluate import evaluate
from compliance.followup.findings_store import FINDINGS, of_run
from compliance.followup.sync import RunOrder, record_and_sync
from compliance.review.explain import explain
from compliance.review.queries import findings_page, trend
from compliance.review.scope import Scope
from compliance.rules.validate import load_rules
from tests.factories import deliver, generated_and_run, run

AS_OF = dt.date(2026, 10, 1)


def _rows(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(FINDINGS)).scalar_one()


def _of(engine: Engine, run_id: int, whole: bool = True) -> Counter[tuple[str, str, str, str]]:
    with engine.connect() as conn:
        return Counter(
            tuple(r)
            for r in conn.execute(
                select(FINDINGS.c.rule, FINDINGS.c.unit, FINDINGS.c.period_key, FINDINGS.c.status)
                .where(of_run(run_id, whole))
            )
        )  # fmt: skip


def _evaluated(engine: Engine, as_of: dt.date) -> Counter[tuple[str, str, str, str]]:
    with engine.connect() as conn:
        return Counter(
            (f.rule, f.unit, f.period or "", f.status) for f in evaluate(conn, load_rules(), as_of)
        )


def test_an_unchanged_rerun_writes_no_finding_and_readers_see_every_run_whole(
    engine: Engine, tmp_path: Path
) -> None:
    first = generated_and_run(engine, tmp_path / "gen", ("80",), 300, AS_OF)
    stored = _rows(engine)
    assert stored == sum(first.findings.values()) > 0
    second = run(engine, AS_OF)
    assert _rows(engine) == stored  # nothing changed, nothing written
    assert _of(engine, second.run_id) == _of(engine, first.run_id) == _evaluated(engine, AS_OF)
    # a partial run keeps rows of its own and changes no whole run's view
    with engine.connect() as conn:
        rules = load_rules()
        one = [r for r in rules if r.id == "union.establishment"]
        findings = evaluate(conn, one, AS_OF)
    partial = record_and_sync(engine, one, findings, RunOrder(as_of=AS_OF, scope=_only(one)))
    assert _rows(engine) == stored + len(findings)
    assert sum(_of(engine, partial.run_id, whole=False).values()) == len(findings)
    third = run(engine, AS_OF)
    assert _rows(engine) == stored + len(findings)
    assert _of(engine, third.run_id) == _evaluated(engine, AS_OF)
    with engine.connect() as conn:
        page = findings_page(conn, Scope("country"))
        runs = trend(conn, Scope("country"))
    assert page["total"] == sum(_evaluated(engine, AS_OF).values())
    violations = sum(n for k, n in _evaluated(engine, AS_OF).items() if k[3] == "violation")
    assert [r["violations"] for r in runs][-2:] == [violations, violations]


def test_a_changed_finding_gets_a_row_and_the_old_one_closes(engine: Engine, tmp_path: Path):
    first = generated_and_run(engine, tmp_path / "gen", ("80",), 300, AS_OF)
    before = _of(engine, first.run_id)
    with engine.connect() as conn:
        unit = conn.execute(
            select(FINDINGS.c.unit).where(FINDINGS.c.rule == "union.establishment").limit(1)
        ).scalar_one()
    stored = _rows(engine)
    # the enterprise grows: same finding key, new facts (workers) → a new row
    with engine.connect() as conn:
        from compliance.vocabulary.subjects import registry_table

        e = registry_table("enterprises")
        row = dict(conn.execute(select(e).where(e.c.tax_code == unit)).one()._mapping)
    row["workers"] = (row["workers"] or 0) + 7
    deliver(engine, tmp_path / "d2", {"enterprises": [_plain(row)]}, AS_OF)
    second = run(engine, AS_OF)
    assert _rows(engine) == stored + 1
    assert _of(engine, second.run_id) == _evaluated(engine, AS_OF)
    assert _of(engine, first.run_id) == before  # the first run's findings are still its own
    with engine.connect() as conn:
        spans = conn.execute(
            select(FINDINGS.c.run_id, FINDINGS.c.last_run_id)
            .where(FINDINGS.c.unit == unit, FINDINGS.c.rule == "union.establishment")
            .order_by(FINDINGS.c.id)
        ).all()  # fmt: skip
    # the old row closes at the first run; the new one is open (still the latest run's)
    assert [tuple(s) for s in spans] == [(first.run_id, first.run_id), (second.run_id, None)]


def _only(rules: list) -> object:
    from compliance.engine.evaluate import Selection

    return Selection.of(rules=[r.id for r in rules])


def _plain(row: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in row.items()
            if v is not None and k not in ("id",)}  # fmt: skip


def test_the_next_nights_run_writes_only_the_findings_that_changed(
    engine: Engine, tmp_path: Path
) -> None:
    """Explanations name the day ("đến ngày 01/10/2026 …"): were the day in the digest, every
    nightly run would store every finding again (a year: 365 copies of the country)."""
    first = generated_and_run(engine, tmp_path / "gen", ("80",), 300, AS_OF)
    stored = _rows(engine)
    nights = [AS_OF + dt.timedelta(days=n) for n in (1, 2, 3)]
    for night in nights:
        later = run(engine, night)
        assert _of(engine, later.run_id) == _evaluated(engine, night)
    written = _rows(engine) - stored
    assert written < stored / 10, (written, stored)  # only what the new days changed
    with engine.connect() as conn:
        rows = [
            dict(r)
            for r in conn.execute(
                select(FINDINGS).where(
                    FINDINGS.c.run_id == first.run_id, of_run(later.run_id, True)
                )
            ).mappings()
        ]
        explain(conn, rows)
    kept = [row["explanation"] for row in rows]
    # each kept row is the sentence of the day it was first seen, still true on the later days
    assert any("01/10/2026" in text for text in kept)
    assert not any("04/10/2026" in text for text in kept)


def test_a_finding_read_back_says_what_the_run_would_have_stored(
    engine: Engine, tmp_path: Path
) -> None:
    """Runs keep no sentence with a finding (a national run: 640 of a row's 890 bytes); read
    back, each finding's explanation is the one its run rendered, word for word."""
    generated_and_run(engine, tmp_path / "gen", ("80",), 300, AS_OF)
    with engine.connect() as conn:
        said = {(f.rule, f.unit, f.period or ""): f.explanation
                for f in evaluate(conn, load_rules(), AS_OF)}  # fmt: skip
        rows = [dict(r) for r in conn.execute(select(FINDINGS)).mappings()]
        assert all(row["explanation"] is None and row["texts"] for row in rows)
        explain(conn, rows)
    read = {(r["rule"], r["unit"], r["period_key"]): r["explanation"] for r in rows}
    assert len(read) > 50 and read == said


def test_the_trend_reads_each_runs_stored_counts_and_they_equal_its_findings(
    engine: Engine, tmp_path: Path
) -> None:
    """The overview's trend reads a dozen runs: from the counts each run stored (country and
    provinces) instead of counting a dozen runs' findings — the same figures either way."""
    from sqlalchemy import update

    from compliance.models.followup import ComplianceRun

    generated_and_run(engine, tmp_path / "gen", ("80", "66"), 300, AS_OF)
    run(engine, AS_OF + dt.timedelta(days=1))
    scopes = [Scope("country"), Scope("province", "80"), Scope("province", "66")]
    with engine.connect() as conn:
        stored = [trend(conn, s) for s in scopes]
    runs = ComplianceRun.__table__  # type: ignore[attr-defined]
    with engine.begin() as conn:
        conn.execute(update(runs).values(counts={}))  # as runs recorded before they kept them
    with engine.connect() as conn:
        counted = [trend(conn, s) for s in scopes]
    assert stored == counted
    assert all(t and t[-1]["violations"] > 0 for t in stored)
    assert stored[0][-1]["violations"] == stored[1][-1]["violations"] + stored[2][-1]["violations"]


def _stored(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every row a run writes, without the clock's columns (and the hashes that cover it)."""
    from sqlalchemy import MetaData

    clock = {"at", "created_at", "updated_at", "prev_hash", "row_hash"}
    tables = MetaData()
    tables.reflect(engine, only=["findings", "follow_up_tasks", "task_events"])
    with engine.connect() as conn:
        return {
            name: [
                tuple(row)
                for row in conn.execute(
                    select(*(c for c in table.c if c.name not in clock)).order_by(table.c.id)
                )
            ]
            for name, table in tables.tables.items()
            if name in {"findings", "follow_up_tasks", "task_events"}
        }


def test_a_run_written_in_small_chunks_stores_what_one_chunk_stores(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from compliance import chain, db
    from compliance.followup import findings_store, task_store
    from compliance.models.followup import TaskEvent

    whole = db.make_engine(f"sqlite:///{tmp_path / 'whole.db'}")
    generated_and_run(whole, tmp_path / "gen", ("80",), 200, AS_OF)
    monkeypatch.setattr(findings_store, "_CHUNK", 7)
    monkeypatch.setattr(task_store, "_CHUNK", 5)
    outcome = generated_and_run(engine, tmp_path / "gen2", ("80",), 200, AS_OF)
    assert outcome.summary["opened"] > 10  # several chunks of each
    assert _stored(engine) == _stored(whole)
    with engine.connect() as conn:
        assert chain.verify_table(conn, TaskEvent.__table__).broken is None  # type: ignore[attr-defined]
    whole.dispose()
