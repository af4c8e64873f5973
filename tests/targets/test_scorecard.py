"""The scorecard's figures equal counts made independently in Python; waivers change them."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, insert

from compliance.models.followup import FollowUpTask
from compliance.rules.target_format import SUM_MEASURES
from compliance.targets.figures import gap_text
from compliance.targets.load import load_targets
from compliance.targets.scorecard import compute_scorecard, measure_target
from tests.targets.conftest import AS_OF, PROVINCES
from tests.targets.oracle import Oracle, read_registry

TARGETS = load_targets()
NOW = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)


def by_id(target_id: str):  # noqa: ANN201 - a LoadedTarget
    return next(t for t in TARGETS if t.id == target_id)


def test_every_actual_and_trend_value_equals_an_independent_count(registry: Engine):
    oracle = Oracle(read_registry(registry), AS_OF)
    checked = 0
    with registry.connect() as conn:
        for province in PROVINCES:
            card = compute_scorecard(conn, AS_OF, province, TARGETS)
            assert card.rows, province
            for row in card.rows:
                target = row.target
                if target.no_data:
                    assert row.status == "no_data" and row.figure is None
                    assert row.reason == target.no_data
                    continue
                for point in row.trend:
                    num, den, _ = oracle.figure(target, point.year)
                    expected = num if target.unit == "count" else (100 * num / den if den else None)
                    assert point.value == pytest.approx(expected), (target.id, point.year)
                    checked += 1
                assert row.figure is not None and row.year is not None
                num, den, groups = oracle.figure(target, row.year)
                assert (row.figure.num, row.figure.den) == (num, den), target.id
                if "direct_superior_union" in target.levels:
                    found = {g.code: (g.figure.num, g.figure.den) for g in row.groups}
                    assert found == {k: tuple(v) for k, v in groups.items()}, target.id
                short = (
                    row.figure.den - row.figure.num
                    if target.comparison in (">=", ">")
                    else (row.figure.num)
                )
                if target.measure not in SUM_MEASURES:  # amounts: no unit falls short
                    assert row.shortfall_total == short, target.id
    assert checked > 40


def _waive(engine: Engine, rule: str, unit: str, until: dt.date, period: str = "") -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(FollowUpTask.__table__),  # type: ignore[attr-defined]
            [{"rule": rule, "unit": unit, "period_key": period, "status": "waived",
              "severity": "medium", "title": "t", "body": "b",
              "responsible_kind": "direct_superior_union", "waived_until": until,
              "reason": "doanh nghiệp đang giải thể", "created_at": NOW, "updated_at": NOW}],
        )  # fmt: skip


def test_a_waiver_leaves_the_population_and_the_report_counts_it(registry: Engine):
    loaded = by_id("target.collective_agreements.tay_ninh.2025")
    with registry.connect() as conn:
        before = measure_target(conn, loaded, AS_OF, start=None)
    assert before.figure is not None and before.shortfall, "the generator leaves some short"
    waived_unit, lapsed_unit = before.shortfall[0].unit, before.shortfall[1].unit
    _waive(registry, "collective_agreement.in_force", waived_unit, AS_OF + dt.timedelta(days=30))
    _waive(registry, "collective_agreement.in_force", lapsed_unit, AS_OF - dt.timedelta(days=1))
    _waive(registry, "union.establishment", before.shortfall[2].unit, AS_OF)  # another rule
    with registry.connect() as conn:
        after = measure_target(conn, loaded, AS_OF, start=None)
    assert after.figure is not None
    # As documented: out of numerator and denominator; a waived unit was short, so only the
    # denominator moves, and the gap is recomputed on the smaller population.
    assert after.figure.num == before.figure.num
    assert after.figure.den == before.figure.den - 1
    assert after.figure.excluded == 1 and before.figure.excluded == 0
    assert after.shortfall_total == before.shortfall_total - 1
    assert waived_unit not in {s.unit for s in after.shortfall}
    assert lapsed_unit in {s.unit for s in after.shortfall}
    assert after.figure.value == pytest.approx(100 * after.figure.num / after.figure.den)


def test_a_yearly_waiver_counts_only_for_its_year(registry: Engine):
    loaded = by_id("target.workers_conference.tay_ninh.2025")
    with registry.connect() as conn:
        before = measure_target(conn, loaded, AS_OF, start=None)
    assert before.year == 2025 and before.shortfall
    unit = before.shortfall[0].unit
    _waive(registry, "workers_conference.annual", unit, dt.date(2027, 1, 31), period="2024")
    with registry.connect() as conn:
        other_year = measure_target(conn, loaded, AS_OF, start=None)
    assert other_year.figure == before.figure
    _waive(registry, "workers_conference.annual", unit, dt.date(2027, 1, 31), period="2025")
    with registry.connect() as conn:
        after = measure_target(conn, loaded, AS_OF, start=None)
    assert after.figure is not None and before.figure is not None
    assert (after.figure.den, after.figure.excluded) == (before.figure.den - 1, 1)


def test_gap_is_an_actionable_count(registry: Engine):
    with registry.connect() as conn:
        row = measure_target(conn, by_id("target.collective_agreements.tay_ninh.2025"), AS_OF,
                             start=None)  # fmt: skip
    fig = row.figure
    assert fig is not None and not fig.met
    import math

    assert fig.gap == math.ceil(0.85 * fig.den) - fig.num
    assert row.gap_text == f"còn thiếu {fig.gap} doanh nghiệp ký thỏa ước lao động tập thể"
    assert gap_text(row.target, fig) == row.gap_text
    assert row.status in ("missed", "met")  # 2025 is over on 1/10/2026: judged for good


def test_future_deadline_is_projected_and_past_years_are_final(registry: Engine):
    with registry.connect() as conn:
        card = compute_scorecard(conn, AS_OF, "80", TARGETS)
    rows = {r.target.id: r for r in card.rows}
    future = rows["target.collective_agreements.tay_ninh.2030"]
    assert future.year == 2026 and future.status in ("behind", "met")
    assert len(future.trend) >= 3
    assert future.projection is not None and 0 <= future.projection <= 100
    housing = [r for r in card.rows if r.target.no_data]
    assert all(r.status_vi == "chưa có dữ liệu" for r in housing)
    assert rows["target.union_coverage.tay_ninh.2023"].year == 2023
    assert rows["target.union_coverage.tay_ninh.2023"].status in ("met", "missed")
