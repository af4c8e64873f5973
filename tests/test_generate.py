"""The demo-registry generator: contract shape, integrity, realism, reproducibility.

The eight per-unit rules of ../shared/registry-format.md and the two extension rules
(``party.introduction``, ``training.new_chair``, see rules/) are re-derived here in plain Python
from the CSV rows, so the check does not depend on the product's engine.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest

from compliance.generate import (
    DISTRICT_DISSOLVED_ON,
    GENERATED_TABLES,
    REFORM,
    GenerateOptions,
    generate_registry,
    province_codes,
)
from compliance.generate.open_events import OpenEvents
from compliance.registry.contract import TABLES as CONTRACT_TABLES
from compliance.registry.contract import TABLES_BY_NAME
from tests.engine.oracle import CONTRACT_RULES

Rows = list[dict[str, str]]
TABLES = [TABLES_BY_NAME[name] for name in GENERATED_TABLES]
AS_OF = GenerateOptions().until
SMALL = GenerateOptions(enterprises=2_000)


def _read(folder: Path, table: str) -> Rows:
    with (folder / f"{table}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("registry")
    generate_registry(out, SMALL)
    return out


@pytest.fixture(scope="module")
def data(folder: Path) -> dict[str, Rows]:
    return {t.name: _read(folder, t.name) for t in TABLES}


def _union_active(union: dict[str, str], day: str) -> bool:
    """Active on ``day`` (ISO): founded by then and not dissolved on or before it."""
    return union["founded_on"] <= day and (not union["dissolved_on"] or union["dissolved_on"] > day)


def _enterprise_active(enterprise: dict[str, str], day: str) -> bool:
    return enterprise["status"] == "active" and enterprise["registered_on"] <= day


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


# --- reproducibility and shape ---------------------------------------------------------------


def test_same_options_give_identical_bytes_and_another_seed_differs(folder: Path, tmp_path: Path):
    again, other = tmp_path / "again", tmp_path / "other"
    generate_registry(again, SMALL)
    generate_registry(other, GenerateOptions(enterprises=2_000, seed=2))
    assert _files(again) == _files(folder)
    assert _files(other)["enterprises.csv"] != _files(folder)["enterprises.csv"]


# Progress on the rule folder's programmes, not registry data: a synthetic registry has no
# programme of its own to report on (tests/engine/test_programmes.py writes its own reports).
NOT_GENERATED = {"programme_reports"}


def test_every_contract_table_is_generated():
    assert GENERATED_TABLES == tuple(t.name for t in CONTRACT_TABLES if t.name not in NOT_GENERATED)
    assert len(GENERATED_TABLES) == 13
    assert {"party_introductions", "chair_elections", "events"} <= set(GENERATED_TABLES)


def test_every_table_has_exactly_the_contract_columns(folder: Path, tmp_path: Path):
    generate_registry(tmp_path, GenerateOptions(enterprises=300, provinces=("80",), headers="vi"))
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{t}.csv" for t in GENERATED_TABLES)
    for table in TABLES:
        with (folder / f"{table.name}.csv").open(encoding="utf-8") as f:
            assert next(csv.reader(f)) == list(table.column_names)
        with (tmp_path / f"{table.name}.csv").open(encoding="utf-8") as f:
            assert next(csv.reader(f)) == [c.label_vi for c in table.columns]


def test_vietnamese_headers_keep_english_values_but_vietnamese_booleans(tmp_path: Path):
    generate_registry(tmp_path, GenerateOptions(enterprises=500, provinces=("80",), headers="vi"))
    with (tmp_path / "unions.csv").open(encoding="utf-8") as f:
        unions = list(csv.DictReader(f))
    assert {u["Loại công đoàn"] for u in unions} <= set(
        TABLES_BY_NAME["unions"].column("kind").choices or {}
    )
    assert {u["Có Ban Nữ công"] for u in unions} == {"có", "không", ""}


def test_vn_dates_are_day_month_year(tmp_path: Path):
    generate_registry(tmp_path, GenerateOptions(enterprises=300, provinces=("80",), dates="vn"))
    dates = [r["registered_on"] for r in _read(tmp_path, "enterprises") if r["registered_on"]]
    assert dates and all(re.fullmatch(r"\d\d/\d\d/\d{4}", d) for d in dates)
    assert any(int(d[:2]) > 12 for d in dates)  # the day comes first


def test_xlsx_has_one_sheet_named_like_the_table_with_real_dates(tmp_path: Path):
    options = GenerateOptions(enterprises=300, provinces=("80",), fmt="xlsx", dates="vn")
    result = generate_registry(tmp_path / "a", options)
    generate_registry(tmp_path / "b", options)
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    for table in TABLES:
        book = openpyxl.load_workbook(tmp_path / "a" / f"{table.name}.xlsx", read_only=True)
        assert book.sheetnames == [table.name]
        rows = list(book[table.name].iter_rows(values_only=True))
        assert list(rows[0]) == list(table.column_names)
        assert len(rows) - 1 == result.rows[table.name]
        if table.name == "enterprises":
            assert any(isinstance(r[-1], date) for r in rows[1:])
        book.close()


def test_unknown_province_is_refused_with_the_valid_codes(tmp_path: Path):
    with pytest.raises(ValueError, match="không có mã tỉnh.*99.*các mã hợp lệ: 01, 04"):
        generate_registry(tmp_path, GenerateOptions(enterprises=10, provinces=("99",)))


def test_progress_reports_every_table_and_its_total(tmp_path: Path):
    calls: list[tuple[str, int]] = []
    result = generate_registry(
        tmp_path,
        GenerateOptions(enterprises=12_000, provinces=("79",)),
        lambda t, n: calls.append((t, n)),
    )
    assert ("enterprises", 10_000) in calls
    for table, count in result.rows.items():
        assert (table, count) in calls


def test_one_province_uses_only_its_wards(tmp_path: Path):
    generate_registry(tmp_path, GenerateOptions(enterprises=400, provinces=("80",)))
    enterprises = _read(tmp_path, "enterprises")
    assert len(enterprises) == 400
    assert {e["province_code"] for e in enterprises} == {"80"}
    assert {u["province_code"] for u in _read(tmp_path, "unions")} == {"80"}
    assert {
        u["code"] for u in _read(tmp_path, "unions") if u["kind"] == "provincial_federation"
    } == {"LDLD-80"}


# --- integrity --------------------------------------------------------------------------------


def test_keys_are_unique(data: dict[str, Rows]):
    for table in TABLES:
        keys = [tuple(row[k] for k in table.key) for row in data[table.name]]
        assert len(keys) == len(set(keys)), table.name


def test_every_reference_resolves(data: dict[str, Rows]):
    tax_codes = {e["tax_code"] for e in data["enterprises"]}
    unions = {u["code"] for u in data["unions"]}
    checked = set()
    for table in TABLES:
        for column in table.columns:
            if not column.references:
                continue
            known = set().union(
                *(tax_codes if ref == "enterprises" else unions for ref in column.references)
            )
            values = {row[column.name] for row in data[table.name]} - {""}
            assert values, (table.name, column.name)
            assert values <= known, (table.name, column.name, sorted(values - known)[:5])
            checked.add(table.name)
    assert {"party_introductions", "chair_elections", "events"} <= checked


def test_events_of_a_union_fall_while_it_is_active(data: dict[str, Rows]):
    """Introductions, elections and inspections happen while the union (or inspector) exists."""
    unions = {u["code"]: u for u in data["unions"]}
    for p in data["party_introductions"]:
        assert unions[p["union_code"]]["kind"] == "grassroots_union"
        assert _union_active(unions[p["union_code"]], p["date"]), p
    for c in data["chair_elections"]:
        assert unions[c["union_code"]]["kind"] == "grassroots_union"
        assert _union_active(unions[c["union_code"]], c["elected_on"]), c
        assert not c["trained_on"] or c["elected_on"] < c["trained_on"]
    for i in data["inspections"]:
        assert _union_active(unions[i["inspector_code"]], i["date"]), i
        assert _union_active(unions[i["target_code"]], i["date"]), i


def test_superiors_are_active_for_every_day_of_a_hierarchy_row(data: dict[str, Rows]):
    """No gap at the reform: the district is active on 30/6/2025, the region from 1/7/2025."""
    unions = {u["code"]: u for u in data["unions"]}
    districts = [
        u for u in unions.values() if u["dissolved_on"] == DISTRICT_DISSOLVED_ON.isoformat()
    ]
    assert districts and DISTRICT_DISSOLVED_ON == REFORM
    last_day = (REFORM - timedelta(days=1)).isoformat()
    assert all(
        _union_active(d, last_day) and not _union_active(d, REFORM.isoformat()) for d in districts
    )
    for row in data["union_hierarchy"]:
        superior = unions[row["superior_code"]]
        assert _union_active(superior, row["valid_from"]), row
        if row["valid_until"]:
            day_before = date.fromisoformat(row["valid_until"]) - timedelta(days=1)
            assert _union_active(superior, day_before.isoformat()), row
            assert row["valid_until"] == REFORM.isoformat()
        else:
            assert _union_active(superior, (AS_OF - timedelta(days=1)).isoformat()), row


def test_rows_respect_the_contracts_value_rules(data: dict[str, Rows]):
    for e in data["enterprises"]:
        assert re.fullmatch(r"\d{10}", e["tax_code"])
        assert e["name"] == unicodedata.normalize("NFC", e["name"])
        assert re.fullmatch(r"\d{5}", e["ward_code"]) and e["province_code"] in province_codes()
    firms = [e["name"] for e in data["enterprises"] if e["sector"] != "public_unit"]
    assert len(set(firms)) == len(firms)  # nationwide, as the business registry requires
    public = [
        (e["ward_code"], e["name"]) for e in data["enterprises"] if e["sector"] == "public_unit"
    ]
    assert len(set(public)) == len(public)  # a "Trường Tiểu học Nguyễn Du" per ward at most
    for u in data["unions"]:
        if u["founded_on"] and u["dissolved_on"]:
            assert u["founded_on"] < u["dissolved_on"]
        assert (u["enterprise_tax_code"] != "") == (u["kind"] == "grassroots_union")
    for c in data["complaints"]:
        assert not c["resolved_on"] or c["received_on"] <= c["resolved_on"]
    for p in data["fee_payments"]:
        assert re.fullmatch(r"\d{4}-\d\d", p["period"]) and p["due_on"].startswith(p["period"])
    last_day = (AS_OF - timedelta(days=1)).isoformat()
    for table in TABLES:  # history ends the day before `until` (agreements run on, of course)
        for column in table.columns:
            if column.kind == "date" and column.name not in ("expires_on", "valid_until"):
                assert max(r[column.name] for r in data[table.name]) <= last_day


def test_a_few_rows_are_implausible_as_in_real_deliveries(tmp_path: Path):
    """registry-format.md, "Implausible is not broken": the product must meet such rows."""
    generate_registry(tmp_path, GenerateOptions(enterprises=1_000, implausible=0.05))
    data = {t: _read(tmp_path, t) for t in ("enterprises", "unions", "agreements", "complaints")}

    def above(rows: Rows, part: str, whole: str) -> int:
        return sum(1 for r in rows if r[part] and r[whole] and int(r[part]) > int(r[whole]))

    def before(rows: Rows, earlier: str, later: str) -> int:
        return sum(1 for r in rows if r[earlier] and r[later] and r[later] < r[earlier])

    counts = {
        "enterprises": above(data["enterprises"], "female_workers", "workers"),
        "unions": above(data["unions"], "female_members", "members"),
        "agreements": before(data["agreements"], "signed_on", "expires_on"),
        "complaints": before(data["complaints"], "accepted_on", "resolved_on"),
    }
    for table, count in counts.items():
        assert 0 < count <= 0.1 * len(data[table]), (table, count, len(data[table]))


def test_no_implausible_rows_when_asked_for_none(tmp_path: Path):
    generate_registry(tmp_path, GenerateOptions(enterprises=300, implausible=0.0))
    unions = _read(tmp_path, "unions")
    assert all(
        not u["female_members"] or int(u["female_members"]) <= int(u["members"]) for u in unions
    )
    assert all(a["signed_on"] <= a["expires_on"] for a in _read(tmp_path, "agreements"))


def test_hierarchy_history_is_consistent_and_never_overlaps(data: dict[str, Rows]):
    unions = {u["code"]: u for u in data["unions"]}
    history: dict[str, Rows] = defaultdict(list)
    for row in data["union_hierarchy"]:
        history[row["union_code"]].append(row)
    assert history, "the window includes 1/7/2025, so superiors changed"
    for code, rows in history.items():
        rows.sort(key=lambda r: r["valid_from"])
        for before, after in zip(rows, rows[1:], strict=False):
            assert before["valid_until"] and before["valid_until"] <= after["valid_from"]
        assert rows[-1]["superior_code"] == unions[code]["superior_code"]
        assert rows[-1]["valid_from"] == unions[code]["superior_since"] == REFORM.isoformat()
        assert rows[0]["valid_from"] == unions[code]["founded_on"]
        old = unions[rows[0]["superior_code"]]
        assert old["dissolved_on"] == DISTRICT_DISSOLVED_ON.isoformat()
        assert unions[rows[-1]["superior_code"]]["name"].startswith("Công đoàn khu vực")


def test_no_history_when_the_window_ends_before_the_reform(tmp_path: Path):
    generate_registry(tmp_path, GenerateOptions(enterprises=300, until=date(2025, 1, 1)))
    assert _read(tmp_path, "union_hierarchy") == []
    unions = _read(tmp_path, "unions")
    assert not any(u["name"].startswith("Công đoàn khu vực") for u in unions)
    assert not any(u["dissolved_on"] == DISTRICT_DISSOLVED_ON.isoformat() for u in unions)


# --- realism ------------------------------------------------------------------------------------


def test_sizes_are_heavy_tailed_and_straddle_the_threshold(data: dict[str, Rows]):
    workers = [int(e["workers"]) for e in data["enterprises"]]
    assert 0.08 <= sum(w >= 25 for w in workers) / len(workers) <= 0.13
    assert sum(w < 10 for w in workers) / len(workers) > 0.6
    assert max(workers) >= 400  # ~1,000 enterprises of 1,000+ workers per million
    assert 24 in workers and 25 in workers


def test_most_large_enterprises_have_a_union_but_not_all(data: dict[str, Rows]):
    unionised = {
        u["enterprise_tax_code"]
        for u in data["unions"]
        if u["kind"] == "grassroots_union" and _union_active(u, AS_OF.isoformat())
    }
    large = [
        e
        for e in data["enterprises"]
        if int(e["workers"]) >= 25 and _enterprise_active(e, AS_OF.isoformat())
    ]
    # ~0.76 at scale; ~180 large enterprises here, so allow for sampling spread
    assert 0.65 <= sum(e["tax_code"] in unionised for e in large) / len(large) <= 0.9
    small = [e for e in data["enterprises"] if int(e["workers"]) < 25]
    assert any(e["tax_code"] in unionised for e in small)


def _whole_year(union: dict[str, str], year: int) -> bool:
    return _union_active(union, f"{year}-01-01") and _union_active(union, f"{year}-12-31")


def test_party_introductions_are_about_one_a_year_and_some_unions_have_none(
    data: dict[str, Rows],
):
    per_union_year: dict[tuple[str, int], int] = defaultdict(int)
    for p in data["party_introductions"]:
        per_union_year[p["union_code"], int(p["date"][:4])] += 1
    years = range(AS_OF.year - 2, AS_OF.year)  # the history's whole calendar years
    counts = [
        per_union_year[u["code"], year]
        for u in data["unions"]
        for year in years
        if u["kind"] == "grassroots_union" and _whole_year(u, year)
    ]
    assert len(counts) > 300
    mean = sum(counts) / len(counts)
    zero = counts.count(0) / len(counts)
    assert 0.95 <= mean <= 1.25  # Poisson-like, mean ~1.1 (a little lower for careless unions)
    assert 0.25 <= zero <= 0.45  # e^-1.1 = 0.33
    assert max(counts) >= 4
    dates = {p["date"][5:] for p in data["party_introductions"]}
    assert {"01-01", "12-31"} <= dates  # the edges of the judged year


def test_most_unionised_enterprises_hold_a_dialogue_a_year_and_some_miss(data: dict[str, Rows]):
    """events: the yearly dialogue (000 II.1, 001 II.2.1) at enterprises whose union exists."""
    unions = {u["code"]: u for u in data["unions"]}
    per_year: dict[tuple[str, int], int] = defaultdict(int)
    for e in data["events"]:
        if e["kind"] == "dialogue":
            per_year[e["unit_code"], int(e["date"][:4])] += 1
    year = AS_OF.year - 1
    owing = {
        u["enterprise_tax_code"]
        for u in unions.values()
        if u["kind"] == "grassroots_union" and _whole_year(u, year)
    }
    counts = [per_year[tax, year] for tax in owing]
    assert len(counts) > 150
    assert 0.7 <= sum(c > 0 for c in counts) / len(counts) <= 0.92
    assert 2 in counts and 0 in counts
    unionised = {u["enterprise_tax_code"] for u in unions.values() if u["enterprise_tax_code"]}
    assert {tax for tax, _ in per_year} <= unionised


def test_open_events_are_realistic_kinds_of_units_that_exist_on_the_day(data: dict[str, Rows]):
    unions = {u["code"]: u for u in data["unions"]}
    by_kind: dict[str, Rows] = defaultdict(list)
    for e in data["events"]:
        by_kind[e["kind"]].append(e)
        assert re.fullmatch(r"[a-z][a-z0-9_]*", e["kind"]) and e["date"]
        if e["unit_code"] in unions:
            assert _union_active(unions[e["unit_code"]], e["date"]), e
    assert set(by_kind) == {
        "dialogue",
        "charter_supervision",
        "finance_inspection_by_superior",
        "housing_handover",
        "training_course",
    }
    for kind in ("charter_supervision", "finance_inspection_by_superior"):
        for e in by_kind[kind]:
            assert unions[e["unit_code"]]["kind"] == "grassroots_union"
            if e["note"]:  # the superior that supervised, active that day
                superior = unions[e["note"].rsplit(": ", 1)[1]]
                assert superior["kind"] == "direct_superior_union", e
                assert _union_active(superior, e["date"]), e
    superiors = {"direct_superior_union", "provincial_federation"}
    assert all(unions[e["unit_code"]]["kind"] in superiors for e in by_kind["training_course"])
    assert len(by_kind["housing_handover"]) < 0.1 * len(data["events"])  # rare
    assert any(not e["note"] for e in data["events"])


def test_the_events_table_draws_from_its_own_stream(tmp_path: Path, monkeypatch):
    """Adding the events table left every other table of a seeded registry as it was."""
    options = GenerateOptions(enterprises=600, provinces=("80", "01"))
    generate_registry(tmp_path / "with", options)
    monkeypatch.setattr(OpenEvents, "grassroots", lambda *a, **k: None)
    monkeypatch.setattr(OpenEvents, "superior", lambda *a, **k: None)
    generate_registry(tmp_path / "without", options)
    with_events, without = _files(tmp_path / "with"), _files(tmp_path / "without")
    assert with_events.pop("events.csv") != without.pop("events.csv")
    assert with_events == without


def _is_person_name(name: str) -> bool:
    words = name.split(" ")
    return (
        name == unicodedata.normalize("NFC", name)
        and 3 <= len(words) <= 4
        and all(w[:1].isupper() and w[1:].islower() for w in words)
    )


def test_people_have_vietnamese_full_names(data: dict[str, Rows]):
    people = [p["member_name"] for p in data["party_introductions"]]
    people += [c["chair_name"] for c in data["chair_elections"]]
    assert all(_is_person_name(n) for n in people), [n for n in people if not _is_person_name(n)]
    surnames = [n.split()[0] for n in people]
    assert 0.25 <= surnames.count("Nguyễn") / len(surnames) <= 0.5
    assert any(" Thị " in n for n in people) and any(" Văn " in n for n in people)
    assert any(len(n.split()) == 4 for n in people)  # "Nguyễn Thị Thu Hà"
    assert any(unicodedata.normalize("NFD", n) != n for n in people)  # diacritics, composed
    assert len(set(people)) > 0.8 * len(people)


def _anniversary(day: str, years: int) -> str:
    d = date.fromisoformat(day)
    try:
        return d.replace(year=d.year + years).isoformat()
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28).isoformat()


def test_chairs_are_elected_at_founding_then_every_five_years_and_mostly_trained(
    data: dict[str, Rows],
):
    start = date(AS_OF.year - 3, AS_OF.month, AS_OF.day).isoformat()  # the history's first day
    unions = {u["code"]: u for u in data["unions"]}
    elections: dict[str, list[str]] = defaultdict(list)
    for c in data["chair_elections"]:
        elections[c["union_code"]].append(c["elected_on"])
    regular = 0
    for code, days in elections.items():
        union = unions[code]
        assert days == sorted(days)
        # The chair in office when the history opens, then every election of the history.
        assert sum(d < start for d in days) == (union["founded_on"] < start)
        stop = min(union["dissolved_on"] or AS_OF.isoformat(), AS_OF.isoformat())
        terms = [_anniversary(union["founded_on"], 5 * k) for k in range(40)]
        due = [t for t in terms if days[0] <= t < stop]  # on each anniversary of the founding
        assert set(due) <= set(days), (code, due, days)
        regular += len(due)
    mid_term = len(data["chair_elections"]) - regular
    assert 0.05 * regular < mid_term < 0.3 * regular
    # Every grassroots union active during the history has its chair on record.
    active = {
        u["code"]
        for u in unions.values()
        if u["kind"] == "grassroots_union"
        and u["founded_on"] < AS_OF.isoformat()
        and (not u["dissolved_on"] or u["dissolved_on"] > start)
    }
    assert active == set(elections)

    delays = [
        (date.fromisoformat(c["trained_on"]) - date.fromisoformat(c["elected_on"])).days
        if c["trained_on"]
        else None
        for c in data["chair_elections"]
    ]
    assert 0.75 <= sum(d is not None and 10 <= d <= 150 for d in delays) / len(delays) <= 0.9
    assert all(d is None or 10 <= d <= 150 or d > 180 for d in delays)
    assert any(d is not None and d > 180 for d in delays)
    assert any(d is None for d in delays)


def test_boundary_dates_occur(data: dict[str, Rows]):
    founded = {u["founded_on"] for u in data["unions"]}
    assert {"2026-07-01", "2026-07-02", "2025-01-01", "2025-01-02", "2026-09-30"} & founded
    assert any(u["founded_on"] >= "2026-07-01" for u in data["unions"])  # recently founded
    assert any(u["dissolved_on"] for u in data["unions"] if u["kind"] == "grassroots_union")
    # Chairs elected on either side of training.new_chair's 180-day grace period.
    grace = {(AS_OF - timedelta(days=days)).isoformat() for days in (180, 181)}
    assert grace & {c["elected_on"] for c in data["chair_elections"]}


# --- every rule meets both outcomes "as of" until ------------------------------------------------


def _findings(rule: str, data: dict[str, Rows], as_of: date) -> tuple[set[str], set[str]]:
    """(violating, compliant) units of one rule as of ``as_of``, per registry-format.md.

    Dates are compared as ISO strings, which order like the dates they spell.
    """
    day = as_of.isoformat()
    year = str(as_of.year - 1)  # the most recent year that ended before `as_of`
    y_first, y_last = f"{year}-01-01", f"{year}-12-31"
    q_end = date(as_of.year, (as_of.month - 1) // 3 * 3 + 1, 1) - timedelta(days=1)
    q_first, q_last = date(q_end.year, q_end.month - 2, 1).isoformat(), q_end.isoformat()
    unions = data["unions"]
    grassroots: dict[str, Rows] = defaultdict(list)
    for u in unions:
        if u["kind"] == "grassroots_union":
            grassroots[u["enterprise_tax_code"]].append(u)

    def whole(u: dict[str, str], first: str, last: str) -> bool:
        return _union_active(u, first) and _union_active(u, last)

    owing: list[str]
    done: set[str]
    if rule == "union.establishment":
        owing = [
            e["tax_code"]
            for e in data["enterprises"]
            if _enterprise_active(e, day) and int(e["workers"]) >= 25
        ]
        done = {t for t, us in grassroots.items() if any(_union_active(u, day) for u in us)}
    elif rule == "finance.same_level_inspection":
        kinds = ("direct_superior_union", "provincial_federation")
        owing = [u["code"] for u in unions if u["kind"] in kinds and whole(u, y_first, y_last)]
        done = {
            i["target_code"]
            for i in data["inspections"]
            if i["kind"] == "finance"
            and i["inspector_code"] == i["target_code"]
            and i["date"][:4] == year
        }
    elif rule == "review.quarterly":
        owing = [
            u["code"]
            for u in unions
            if u["kind"] == "grassroots_union" and whole(u, q_first, q_last)
        ]
        done = {r["union_code"] for r in data["reviews"] if q_first <= r["date"] <= q_last}
    elif rule == "rating.annual":
        kinds = ("grassroots_union", "direct_superior_union")
        owing = [u["code"] for u in unions if u["kind"] in kinds and whole(u, y_first, y_last)]
        done = {r["union_code"] for r in data["ratings"] if r["year"] == year}
    elif rule == "workers_conference.annual":
        owing = [
            e["tax_code"]
            for e in data["enterprises"]
            if _enterprise_active(e, y_first)
            and _enterprise_active(e, y_last)
            and any(whole(u, y_first, y_last) for u in grassroots[e["tax_code"]])
        ]
        done = {
            c["enterprise_tax_code"]
            for c in data["conferences"]
            if c["kind"] == "workers_conference" and c["date"][:4] == year
        }
    elif rule == "collective_agreement.in_force":
        owing = [
            e["tax_code"]
            for e in data["enterprises"]
            if _enterprise_active(e, day)
            and any(_union_active(u, day) for u in grassroots[e["tax_code"]])
        ]
        done = {
            a["enterprise_tax_code"]
            for a in data["agreements"]
            if a["signed_on"] <= day <= a["expires_on"]
        }
    elif rule == "complaint.resolution":
        owing, done = [], set()
        for c in data["complaints"]:
            if c["accepted_on"]:
                owing.append(c["id"])
                limit = timedelta(days=45 if c["complex"] == "true" else 30)
                deadline = (date.fromisoformat(c["accepted_on"]) + limit).isoformat()
                if c["resolved_on"] and c["resolved_on"] <= day or deadline >= day:
                    done.add(c["id"])
    elif rule == "party.introduction":
        owing = [
            u["code"]
            for u in unions
            if u["kind"] == "grassroots_union" and whole(u, y_first, y_last)
        ]
        done = {p["union_code"] for p in data["party_introductions"] if p["date"][:4] == year}
    elif rule == "training.new_chair":  # every election; the unit is its id
        grace = (as_of - timedelta(days=180)).isoformat()
        owing = [c["id"] for c in data["chair_elections"]]
        done = {
            c["id"]
            for c in data["chair_elections"]
            if c["elected_on"] >= grace or c["trained_on"] and c["trained_on"] <= day
        }
    elif rule == "union_fee.paid":
        due = [p for p in data["fee_payments"] if p["due_on"] < day]
        owing = [f"{p['enterprise_tax_code']}/{p['period']}" for p in due]
        done = {
            key
            for key, p in zip(owing, due, strict=True)
            if int(p["amount_paid"]) >= int(p["amount_due"])
        }
    else:
        raise AssertionError(rule)
    return {u for u in owing if u not in done}, {u for u in owing if u in done}


RULES = (*CONTRACT_RULES, "party.introduction", "training.new_chair")


@pytest.mark.parametrize("rule", RULES)
def test_every_rule_has_violating_and_compliant_units(rule: str, data: dict[str, Rows]):
    violating, compliant = _findings(rule, data, AS_OF)
    assert violating and compliant
    assert len(compliant) > len(violating)  # a registry in reasonable, not perfect, health


def test_some_agreements_are_at_risk(data: dict[str, Rows]):
    soon = (AS_OF + timedelta(days=90)).isoformat()
    in_force = [
        a for a in data["agreements"] if a["signed_on"] <= AS_OF.isoformat() <= a["expires_on"]
    ]
    assert any(a["expires_on"] <= soon for a in in_force)
    assert any(a["expires_on"] > soon for a in in_force)
