"""Property-based differential test: every evaluation path gives the contract's findings.

Hypothesis draws small registries whose dates cluster on the boundaries that matter (the day
judged, period ends, 30/45/90 days away), writes them as a real delivery — English or
Vietnamese headers, ISO or DD/MM/YYYY dates — imports them, and evaluates the eight contract
rules by SQL, durable-rules and the Python reference. All three must equal the plain-Python
oracle of the contract table (tests/engine/oracle.py).

Rule-defined facts are drawn too (tests/engine/defined_oracle.py): a random table, aggregate,
``where``, ``during`` and date column, judged by a random condition; every path must give what
the contract's sentences give for it.

Some rows are implausible (a part above its whole, dates out of order, a tax code on a union that
is not grassroots): the import accepts them with a warning, the contract rules read them exactly
as written, and the data-quality rules find each one.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from compliance import db
from compliance.engine.evaluate import Selection, evaluate, plans, unit_facts
from compliance.registry.contract import TABLES_BY_NAME
from compliance.registry.importer import import_folder
from compliance.registry.summary import STORED_TABLES
from compliance.rules.check_conditions import check_condition
from compliance.rules.check_facts import check_facts
from compliance.rules.loaded import LoadedRule
from compliance.rules.model import Rule
from compliance.rules.validate import load_rules
from tests.engine import defined_oracle, oracle

RULES = [r for r in load_rules() if r.id in (*oracle.CONTRACT_RULES, *oracle.DATA_QUALITY_RULES)]
METHODS = ("sql", "durable", "python")


@st.composite
def registries(draw: st.DrawFn) -> tuple[dt.date, dict[str, list[dict[str, Any]]]]:
    as_of = draw(st.dates(dt.date(2023, 1, 1), dt.date(2026, 12, 31)))
    y0, y1, _ = oracle.last_year(as_of)
    q0, q1, _ = oracle.last_quarter(as_of)
    boundaries = {
        y0,
        y1,
        q0,
        q1,
        y0 - dt.timedelta(days=1),
        y1 + dt.timedelta(days=1),
        q0 - dt.timedelta(days=1),
        q1 + dt.timedelta(days=1),
    }
    for offset in (0, 1, 30, 31, 45, 46, 90, 91):
        boundaries |= {as_of - dt.timedelta(days=offset), as_of + dt.timedelta(days=offset)}
    day = st.one_of(
        st.none(),
        st.sampled_from(sorted(boundaries)),
        st.dates(as_of - dt.timedelta(days=1100), as_of + dt.timedelta(days=200)),
    )

    def ordered(a: dt.date | None, b: dt.date | None) -> tuple[dt.date | None, dt.date | None]:
        if draw(st.integers(0, 4)) == 0:  # as delivered, implausible or not
            return a, b
        return (b, a) if a is not None and b is not None and b < a else (a, b)

    count = st.one_of(st.none(), st.sampled_from([0, 5, 24, 25, 300]))

    tax_codes = draw(
        st.lists(st.sampled_from([f"E{i}" for i in range(8)]), unique=True, max_size=6)
    )
    enterprises = [
        {
            "tax_code": code,
            "workers": draw(st.one_of(st.none(), st.sampled_from([0, 24, 25, 26, 300]))),
            "female_workers": draw(count),
            "status": draw(st.sampled_from(["active", "active", "suspended", "dissolved", None])),
            "registered_on": draw(day),
        }
        for code in tax_codes
    ]
    union_codes = draw(
        st.lists(st.sampled_from([f"U{i}" for i in range(8)]), unique=True, max_size=7)
    )
    unions = []
    for code in union_codes:
        kind = draw(
            st.sampled_from(
                [
                    "grassroots_union",
                    "grassroots_union",
                    "direct_superior_union",
                    "provincial_federation",
                    "guild",
                ]
            )
        )
        founded, dissolved = ordered(draw(day), draw(st.one_of(st.none(), day)))
        unions.append(
            {
                "code": code,
                "kind": kind,
                "enterprise_tax_code": draw(st.one_of(st.none(), st.sampled_from(tax_codes)))
                if tax_codes and (kind == "grassroots_union" or draw(st.integers(0, 5)) == 0)
                else None,
                "members": draw(count),
                "female_members": draw(count),
                "founded_on": founded,
                "dissolved_on": dissolved,
            }
        )
    registry: dict[str, list[dict[str, Any]]] = {"enterprises": enterprises, "unions": unions}
    if union_codes:
        union = st.sampled_from(union_codes)
        registry["inspections"] = [
            {
                "id": f"I{i}",
                "kind": draw(st.sampled_from(["finance", "charter"])),
                "inspector_code": (inspector := draw(union)),
                "target_code": draw(st.one_of(st.just(inspector), union)),
                "date": draw(day),
            }
            for i in range(draw(st.integers(0, 5)))
        ]
        registry["reviews"] = [
            {"id": f"R{i}", "union_code": draw(union), "date": draw(day)}
            for i in range(draw(st.integers(0, 6)))
        ]
        pairs = draw(
            st.lists(
                st.tuples(union, st.sampled_from([y1.year - 1, y1.year, y1.year + 1])),
                unique=True,
                max_size=5,
            )
        )
        registry["ratings"] = [{"union_code": u, "year": y, "grade": "good"} for u, y in pairs]
        complaints = []
        for i in range(draw(st.integers(0, 5))):
            received, resolved = ordered(draw(day), draw(day))
            complaints.append(
                {
                    "id": f"K{i}",
                    "union_code": draw(union),
                    "received_on": received,
                    "accepted_on": draw(day),
                    "complex": draw(st.sampled_from([True, False, None])),
                    "resolved_on": resolved,
                }
            )
        registry["complaints"] = complaints
    if tax_codes:
        enterprise = st.sampled_from(tax_codes)
        agreements = []
        for i in range(draw(st.integers(0, 5))):
            signed, expires = ordered(draw(day), draw(day))
            agreements.append(
                {
                    "id": f"A{i}",
                    "enterprise_tax_code": draw(enterprise),
                    "signed_on": signed,
                    "expires_on": expires,
                }
            )
        registry["agreements"] = agreements
        registry["conferences"] = [
            {
                "id": f"C{i}",
                "enterprise_tax_code": draw(enterprise),
                "kind": draw(st.sampled_from(["workers_conference", "dialogue"])),
                "date": draw(day),
            }
            for i in range(draw(st.integers(0, 5)))
        ]
        periods = draw(
            st.lists(
                st.tuples(enterprise, st.sampled_from(["2024-11", "2024-12", "2025-01"])),
                unique=True,
                max_size=5,
            )
        )
        registry["fee_payments"] = [
            {
                "enterprise_tax_code": e,
                "period": p,
                "due_on": draw(day),
                "amount_due": draw(st.sampled_from([None, 0, 1000, 1500000])),
                "amount_paid": draw(st.sampled_from([None, 0, 999, 1000, 1500000])),
            }
            for e, p in periods
        ]
    return as_of, registry


def write_delivery(
    folder: Path, registry: dict[str, list[dict[str, Any]]], vietnamese: bool
) -> None:
    """As an operator would send it: Vietnamese headers and DD/MM/YYYY dates, or not."""
    folder.mkdir(parents=True)
    for table, rows in registry.items():
        if not rows:
            continue
        spec = TABLES_BY_NAME[table]
        columns = [c for c in spec.column_names if any(c in r for r in rows)]
        header = [spec.column(c).label_vi if vietnamese else c for c in columns]
        name = spec.label_vi if vietnamese else table
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            for row in rows:
                writer.writerow([_cell(row.get(c), vietnamese) for c in columns])


def _cell(value: Any, vietnamese: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return ("có" if value else "không") if vietnamese else str(value).lower()
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y") if vietnamese else value.isoformat()
    return str(value)


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = db.make_engine(f"sqlite:///{path}")
    db.upgrade(engine)
    engine.dispose()
    return path


def check(engine: Any, folder: Path, as_of: dt.date, registry: dict[str, Any]) -> None:
    if any(folder.iterdir()):  # an empty delivery is refused (folder.no_tables), rightly
        import_folder(engine, folder, effective_date=as_of)
    else:
        db.upgrade(engine)
    expected = oracle.findings(registry, as_of) | oracle.data_quality(registry)
    with engine.connect() as conn:
        for method in METHODS:
            found = {
                (f.rule, f.unit, f.period, f.status)
                for f in evaluate(conn, RULES, as_of, Selection(), method=method)
            }
            assert found == expected, (method, sorted(found ^ expected))


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=registries(), vietnamese=st.booleans())
def test_every_path_equals_the_contract_on_sqlite(template_db, tmp_path_factory, case, vietnamese):
    as_of, registry = case
    work = tmp_path_factory.mktemp("case")
    shutil.copy(template_db, work / "registry.db")
    write_delivery(work / "delivery", registry, vietnamese)
    engine = db.make_engine(f"sqlite:///{work / 'registry.db'}")
    try:
        check(engine, work / "delivery", as_of, registry)
    finally:
        engine.dispose()
        shutil.rmtree(work)


@pytest.fixture(scope="module")
def postgres_registry() -> Any:
    from tests.conftest import _postgres_engine

    generator = _postgres_engine()
    engine = next(generator)
    db.upgrade(engine)
    yield engine
    generator.close()


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=registries(), vietnamese=st.booleans())
def test_every_path_equals_the_contract_on_postgresql(
    postgres_registry, tmp_path_factory, case, vietnamese
):
    as_of, registry = case
    engine = postgres_registry
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(STORED_TABLES)}, import_warnings, import_batches"))
    work = tmp_path_factory.mktemp("case")
    write_delivery(work / "delivery", registry, vietnamese)
    try:
        check(engine, work / "delivery", as_of, registry)
    finally:
        shutil.rmtree(work)


# Rule-defined facts ------------------------------------------------------------------------------


@st.composite
def registries_and_defined_rules(draw: st.DrawFn) -> tuple[Any, ...]:
    as_of, registry = draw(registries())
    return as_of, registry, draw(defined_oracle.defined_rules(as_of))


def check_defined(engine: Any, folder: Path, as_of: dt.date, registry: Any, raw: Any) -> None:
    """A random rule over a random rule-defined fact: valid, and every engine gives what the
    contract's sentences give (tests/engine/defined_oracle.py)."""
    rule = Rule.model_validate(raw)
    here = Path(__file__)
    assert check_facts(here, raw, rule) == []
    violation, problems = check_condition(here, raw, rule, "violation")
    assert problems == [] and violation is not None
    loaded = LoadedRule(rule, here, violation, None)
    if any(folder.iterdir()):
        import_folder(engine, folder, effective_date=as_of)
    else:
        db.upgrade(engine)
    expected = defined_oracle.findings(raw, registry, as_of)
    with engine.connect() as conn:
        [plan] = plans([loaded], as_of, Selection())
        values = {row[0]: row._mapping["own"] for row in unit_facts(conn, plan, Selection())}
        assert values == defined_oracle.values(raw, registry, as_of), raw["facts"]
        for method in METHODS:
            found = {
                (f.rule, f.unit, f.period, f.status)
                for f in evaluate(conn, [loaded], as_of, Selection(), method=method)
            }
            assert found == expected, (method, raw["facts"], sorted(found ^ expected))


# Found by this test: a where test on a yes/no column (SQLAlchemy refuses >= True, so only the
# asked comparison may be built).
BOOLEAN_WHERE = defined_oracle.example_rule(
    "union", {"count": "complaints", "match": {"union_code": "code"},
              "where": {"complex": {"ne": True}}}, {"fact": "own", "lt": 0}
)  # fmt: skip

# The edges of during, always tried: a row dated the day judged (as_of keeps it) and rows on the
# first and last day of the judged year (period keeps both), beside rows a day outside.
_DAY = dt.date(2025, 3, 1)
EDGES = (
    _DAY,
    {
        "enterprises": [],
        "unions": [{"code": "U0"}],
        "reviews": [
            {"id": "R0", "union_code": "U0", "date": _DAY},
            {"id": "R1", "union_code": "U0", "date": dt.date(2024, 1, 1)},
            {"id": "R2", "union_code": "U0", "date": dt.date(2024, 12, 31)},
            {"id": "R3", "union_code": "U0", "date": dt.date(2023, 12, 31)},
            {"id": "R4", "union_code": "U0", "date": _DAY + dt.timedelta(days=1)},
        ],
    },
    defined_oracle.example_rule(
        "union",
        {"count": "reviews", "match": {"union_code": "code"}, "during": "as_of",
         "where": {"date": {"gte": "$period_start"}}},
        {"fact": "own", "lt": 3},
        period="year",
    ),
)  # fmt: skip
EDGES_PERIOD = (
    EDGES[0],
    EDGES[1],
    defined_oracle.example_rule(
        "union",
        {"count": "reviews", "match": {"union_code": "code"}, "during": "period"},
        {"fact": "own", "lt": 2},
        period="year",
    ),
)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=registries_and_defined_rules(), vietnamese=st.booleans())
@example(
    case=(dt.date(2023, 1, 1), {"enterprises": [], "unions": [{"code": "U0"}]}, BOOLEAN_WHERE),
    vietnamese=False,
)
@example(case=EDGES, vietnamese=True)
@example(case=EDGES_PERIOD, vietnamese=False)
def test_rule_defined_facts_agree_with_the_contract_on_sqlite(
    template_db, tmp_path_factory, case, vietnamese
):
    as_of, registry, raw = case
    work = tmp_path_factory.mktemp("case")
    shutil.copy(template_db, work / "registry.db")
    write_delivery(work / "delivery", registry, vietnamese)
    engine = db.make_engine(f"sqlite:///{work / 'registry.db'}")
    try:
        check_defined(engine, work / "delivery", as_of, registry, raw)
    finally:
        engine.dispose()
        shutil.rmtree(work)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=registries_and_defined_rules(), vietnamese=st.booleans())
def test_rule_defined_facts_agree_with_the_contract_on_postgresql(
    postgres_registry, tmp_path_factory, case, vietnamese
):
    as_of, registry, raw = case
    engine = postgres_registry
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(STORED_TABLES)}, import_warnings, import_batches"))
    work = tmp_path_factory.mktemp("case")
    write_delivery(work / "delivery", registry, vietnamese)
    try:
        check_defined(engine, work / "delivery", as_of, registry, raw)
    finally:
        shutil.rmtree(work)
