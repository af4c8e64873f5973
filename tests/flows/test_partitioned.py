"""A run partitioned by province on Dask (two local workers) equals the unpartitioned run."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from compliance.engine import partition
from compliance.engine.evaluate import Selection, evaluate
from compliance.flows.compliance_run import RunParameters, compliance_run
from compliance.followup.findings_store import of_run
from compliance.generate import GenerateOptions, generate_registry
from compliance.models.followup import FollowUpTask, RecordedFinding
from compliance.registry.importer import import_folder
from compliance.rules.validate import load_rules
from compliance.settings import get_settings

AS_OF = dt.date(2026, 10, 1)


@pytest.fixture
def registry(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """Three provinces, and one enterprise with no province: the last share must judge it."""
    folder = tmp_path / "delivery"
    generate_registry(folder, GenerateOptions(provinces=("01", "79", "80"), enterprises=600))
    with (folder / "enterprises.csv").open("a", encoding="utf-8") as out:
        out.write("0399999999,Công ty Không Tỉnh,non_state,,,40,10,active,2020-01-01\n")
    import_folder(engine, folder, effective_date=AS_OF)
    monkeypatch.setenv("COMPLIANCE_DATABASE_URL", engine.url.render_as_string(False))
    get_settings.cache_clear()
    yield engine


def recorded(engine: Engine, run_id: int) -> list[tuple[Any, ...]]:
    t = RecordedFinding.__table__  # type: ignore[attr-defined]
    columns = [c for c in t.c if c.name not in ("id", "run_id", "last_run_id")]
    with engine.connect() as conn:  # whole runs: the rows whose span covers the run
        rows = conn.execute(select(*columns).where(of_run(run_id, True, t))).all()
    return sorted(tuple(r) for r in rows)


def tasks(engine: Engine) -> list[tuple[Any, ...]]:
    t = FollowUpTask.__table__  # type: ignore[attr-defined]
    with engine.connect() as conn:
        return sorted(tuple(r) for r in conn.execute(select(t.c.rule, t.c.unit, t.c.period_key,
                                                            t.c.status, t.c.title)))  # fmt: off


def test_shares_cover_every_unit_once(registry):
    rules = load_rules()
    with registry.connect() as conn:
        whole = evaluate(conn, rules, AS_OF)
        shares = partition.scopes(conn, Selection(), 3)
        parts = [evaluate(conn, rules, AS_OF, share) for share in shares]
    assert len(shares) == 3 and shares[-1].partition.rest
    assert partition.merge(parts) == whole
    assert any(f.unit == "0399999999" for f in parts[-1])


def test_partitioned_run_records_the_same_findings_and_tasks(registry):
    first = compliance_run(RunParameters(as_of=AS_OF, partitions=3, workers=2))
    assert first["shares"] == 3 and first["opened"] > 0
    after_first = tasks(registry)

    second = compliance_run(RunParameters(as_of=AS_OF))  # unpartitioned, in process
    assert second["shares"] == 1
    assert [second[k] for k in ("opened", "reopened", "resolved", "updated")] == [0, 0, 0, 0]
    assert recorded(registry, second["run_id"]) == recorded(registry, first["run_id"])
    assert tasks(registry) == after_first
