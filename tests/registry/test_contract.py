"""The contract as data: complete, unambiguous, documented."""

from pathlib import Path

import pytest

from compliance.registry.contract import (
    TABLES,
    choice_index,
    fold,
    header_index,
    table_for_name,
)
from compliance.registry.docs import aliases_markdown
from compliance.registry.reader import Source, read_header
from tests.registry.helpers import write_csv

ROOT = Path(__file__).parents[2]
CONTRACT_DOCUMENT = ROOT / "docs" / "registry-format.md"  # a copy of ../shared/registry-format.md
SHARED = ROOT.parent / "shared" / "registry-format.md"

# The contract table of ../shared/registry-format.md, kept here so a change to either is seen.
CONTRACT = {
    "enterprises": "tax_code name sector province_code ward_code workers female_workers status "
    "registered_on",
    "unions": "code name kind superior_code enterprise_tax_code province_code founded_on "
    "dissolved_on members female_members has_womens_committee",
    "inspections": "id kind inspector_code target_code date",
    "reviews": "id union_code date",
    "ratings": "union_code year grade",
    "agreements": "id enterprise_tax_code signed_on expires_on",
    "conferences": "id enterprise_tax_code kind date",
    "fee_payments": "enterprise_tax_code period due_on amount_due amount_paid",
    "complaints": "id union_code received_on accepted_on complex resolved_on",
    "programme_reports": "programme item period body reported_on status evidence note",
}


def test_every_contract_table_and_column_is_known():
    by_name = {t.name: t for t in TABLES}
    for table, columns in CONTRACT.items():
        known = [c.name for c in by_name[table].columns if not c.extension]
        assert known == columns.split(), table


def test_the_repository_keeps_the_current_contract():
    """docs/registry-format.md is the contract as the team wrote it; where ../shared is beside
    the checkout (a developer's machine), the copy must be the same text."""
    copy = CONTRACT_DOCUMENT.read_text(encoding="utf-8")
    assert "## The catalogue's per-unit rules, precisely" in copy
    if SHARED.exists():
        assert copy == SHARED.read_text(encoding="utf-8"), "cp ../shared/registry-format.md docs/"


def test_contract_matches_the_contract_document():
    document = CONTRACT_DOCUMENT.read_text(encoding="utf-8")
    for table, columns in CONTRACT.items():
        line = next(line for line in document.splitlines() if line.startswith(f"| `{table}` |"))
        for column in columns.split():
            assert f"`{column}`" in line, (table, column)


def test_contract_enumerations_are_exactly_the_documented_values():
    by_name = {t.name: t for t in TABLES}
    assert set(by_name["enterprises"].column("sector").choices) == {
        "state",
        "non_state",
        "fdi",
        "public_unit",
    }
    assert set(by_name["enterprises"].column("status").choices) == {
        "active",
        "suspended",
        "dissolved",
    }
    assert set(by_name["unions"].column("kind").choices) == {
        "grassroots_union",
        "guild",
        "direct_superior_union",
        "provincial_federation",
    }
    assert set(by_name["inspections"].column("kind").choices) == {"finance", "charter"}
    assert set(by_name["ratings"].column("grade").choices) == {"excellent", "good", "fair", "poor"}
    assert set(by_name["conferences"].column("kind").choices) == {"workers_conference", "dialogue"}


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_no_two_columns_share_a_header(table):
    seen: dict[str, str] = {}
    for column in table.columns:
        for header in column.headers():
            key = fold(header)
            assert seen.setdefault(key, column.name) == column.name, (header, column.name)


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_no_two_values_share_a_spelling(table):
    for column in table.columns:
        if column.choices:
            spellings = [fold(s) for v, names in column.choices.items() for s in (v, *names)]
            assert len(spellings) == len(set(spellings)), column.name
            assert set(choice_index(column).values()) == set(column.choices)


def test_every_table_name_is_recognised_and_unambiguous():
    for table in TABLES:
        for name in table.names():
            assert table_for_name(name) is table, name
    assert table_for_name("Doanh nghiệp") is table_for_name("doanh_nghiep")
    assert table_for_name("something else") is None


ALIASES = [
    (table, column.name, header)
    for table in TABLES
    for column in table.columns
    for header in column.headers()
]


@pytest.mark.parametrize(
    ("table", "column", "header"), ALIASES, ids=[f"{t.name}.{c}:{h}" for t, c, h in ALIASES]
)
def test_every_alias_maps_to_its_column(tmp_path, table, column, header):
    """Each accepted header, as written and in upper case without accents, in a real file."""
    index = header_index(table)
    assert index[fold(header)] == column
    for written in (header, fold(header).upper().replace(" ", "_")):
        path = write_csv(tmp_path, table.name, [written], [])
        source = Source(table, path)
        read_header(source, [])
        assert source.columns == [column]


def test_alias_documentation_is_current():
    """docs/registry-aliases.md is what `compliance registry aliases` prints."""
    committed = (ROOT / "docs" / "registry-aliases.md").read_text(encoding="utf-8")
    assert committed == aliases_markdown(), (
        "run: compliance registry aliases > docs/registry-aliases.md"
    )


def test_every_column_has_a_vietnamese_header():
    for table in TABLES:
        assert table.label_vi
        for column in table.columns:
            assert column.label_vi and column.label_vi != column.name
