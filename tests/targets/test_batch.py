"""The set-based scorecard equals one pass per province; a run's stored sums read back whole."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, insert

from compliance.models import ComplianceRun
from compliance.targets import batch, run_store
from compliance.targets.load import LoadedTarget
from compliance.targets.scorecard import compute_scorecard, history_start, target_provinces
from tests.targets.conftest import AS_OF
from tests.targets.test_scorecard import NOW, TARGETS, _waive, by_id


def _one_pass_per_province(conn, day: dt.date, provinces: list[str], limit: int) -> list:  # noqa: ANN001 - a Connection
    return [compute_scorecard(conn, day, p, TARGETS, limit=limit) for p in provinces]


@pytest.mark.parametrize(("day", "limit"), [(AS_OF, 50), (AS_OF, 3), (dt.date(2025, 7, 1), 5)])
def test_the_set_based_scorecard_equals_one_pass_per_province(
    registry: Engine, day: dt.date, limit: int
):
    with registry.connect() as conn:
        before = batch.compute_scorecards(conn, day, ["80"], TARGETS)
    short = next(r for r in before[0].rows if r.target.id.startswith("target.collective_agree"))
    assert short.shortfall, "the generator leaves some units short"
    # a waived unit leaves the population: the grouped pass must see it as the single one does
    _waive(registry, "collective_agreement.in_force", short.shortfall[0].unit, day)
    provinces = target_provinces(TARGETS)
    assert len(provinces) > 1
    with registry.connect() as conn:
        grouped = batch.compute_scorecards(conn, day, provinces, TARGETS, limit=limit)
        single = _one_pass_per_province(conn, day, provinces, limit)
    assert grouped == single
    measured = [r for card in grouped for r in card.rows if r.figure]
    assert measured and any(r.figure.excluded for r in measured)  # the waiver counted
    assert any(r.shortfall_total > len(r.shortfall) == limit for r in measured)


def _run(engine: Engine) -> int:
    with engine.begin() as conn:
        return int(
            conn.execute(
                insert(ComplianceRun.__table__).values(  # type: ignore[attr-defined]
                    as_of=AS_OF, started_at=NOW, finished_at=NOW, scope={}, rules={}, counts={}
                )
            ).inserted_primary_key[0]
        )


def test_a_runs_stored_sums_read_back_as_measured(registry: Engine):
    run_id = _run(registry)
    with registry.begin() as conn:
        measured = run_store.measure_and_store(conn, run_id, AS_OF, TARGETS)
    with registry.connect() as conn:
        stored = run_store.load(conn, run_id, TARGETS)
        assert stored == measured and len(stored) > 10
        live = batch.measure_all(conn, AS_OF, TARGETS, start=history_start(conn))
    assert stored == live
    # a target file edited since the run (another deadline) is not read back from it
    loaded = by_id("target.collective_agreements.tay_ninh.2025")
    edited = LoadedTarget(loaded.target.model_copy(update={"year": 2026}), loaded.path)
    with registry.connect() as conn:
        assert loaded.id not in run_store.load(conn, run_id, [edited])
        assert loaded.id in run_store.load(conn, run_id, [loaded])
