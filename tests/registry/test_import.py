"""Importing deliveries: all or nothing, every problem named, upserts, the hierarchy."""

from __future__ import annotations

import csv
import datetime as dt
import json
import unicodedata
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import text

from compliance import db
from compliance.exceptions import ImportRefused
from compliance.registry import hierarchy
from compliance.registry.importer import import_folder
from tests.registry.helpers import (
    ENTERPRISE_HEADER,
    UNION_HEADER,
    base_delivery,
    enterprise,
    fail_writing,
    snapshot,
    union,
    write_csv,
)

EFFECTIVE = dt.date(2026, 1, 1)


def load(engine, folder: Path, **kwargs):
    kwargs.setdefault("effective_date", EFFECTIVE)
    return import_folder(engine, folder, **kwargs)


def refused(engine, folder: Path, **kwargs) -> list:
    with pytest.raises(ImportRefused) as info:
        load(engine, folder, **kwargs)
    return info.value.report.errors


def test_a_good_delivery_loads(engine, tmp_path):
    report = load(engine, base_delivery(tmp_path / "d"))
    assert report.tables["enterprises"].inserted == 2
    assert report.tables["unions"].inserted == 3
    with engine.connect() as conn:
        workers = conn.execute(text("SELECT workers FROM enterprises ORDER BY tax_code")).scalars()
        assert list(workers) == [120, 24]
        assert hierarchy.chain_of(conn, "CDCS-1", dt.date(2024, 1, 1)) == [
            "CDCS-1",
            "KCN-80",
            "LDLD-80",
        ]


def test_the_issue_bad_delivery_is_refused_whole_and_nothing_changes(engine, tmp_path):
    """Negative workers, unknown status, 2024-02-31 and a duplicated key: each named."""
    load(engine, base_delivery(tmp_path / "base"))
    before = snapshot(engine)
    bad = tmp_path / "bad"
    write_csv(
        bad,
        "enterprises",
        ENTERPRISE_HEADER,
        [
            enterprise("0300000001", 130),  # a good correction: must not be written either
            enterprise("0300000003", -5),
            enterprise("0300000004", status="đang chờ"),
            enterprise("0300000005", registered_on="2024-02-31"),
            enterprise("0300000006"),
            enterprise("0300000006", 31),
        ],
    )
    errors = refused(engine, bad)
    found = {(e.file, e.row, e.code) for e in errors}
    assert found == {
        ("enterprises.csv", 3, "value.negative"),
        ("enterprises.csv", 4, "value.unknown_choice"),
        ("enterprises.csv", 5, "value.impossible_date"),
        ("enterprises.csv", 7, "row.duplicate_key"),
    }
    by_code = {e.code: e for e in errors}
    assert by_code["value.negative"].column == "workers"
    assert "'-5'" in by_code["value.negative"].message
    assert "dòng 6" in by_code["row.duplicate_key"].message
    assert snapshot(engine) == before


def test_skip_bad_rows_writes_the_good_ones_and_keeps_the_rest(engine, tmp_path):
    folder = tmp_path / "d"
    write_csv(
        folder,
        "enterprises",
        ENTERPRISE_HEADER,
        [enterprise("E1"), enterprise("E2", -1), enterprise("E3")],
    )
    write_csv(
        folder,
        "unions",
        UNION_HEADER,
        [
            union("DSU", "direct_superior_union", founded_on="31/02/2020"),  # bad
            union("G1", superior_code="DSU"),  # points at the bad one
            union("G2", superior_code="G1"),  # and so on down
            union("G3", enterprise_tax_code="E2"),  # its enterprise was rejected
            union("G4", enterprise_tax_code="E3"),
        ],
    )
    write_csv(folder, "reviews", ["id", "union_code", "date"], [["R1", "G2", "2025-01-05"]])
    rejects = tmp_path / "rejects.csv"
    report = load(engine, folder, skip_bad_rows=True, rejects_path=rejects)
    with engine.connect() as conn:
        assert set(conn.execute(text("SELECT tax_code FROM enterprises")).scalars()) == {"E1", "E3"}
        assert set(conn.execute(text("SELECT code FROM unions")).scalars()) == {"G4"}
        assert conn.execute(text("SELECT count(*) FROM reviews")).scalar_one() == 0
    assert report.tables["unions"].rejected == 4
    assert report.tables["reviews"].rejected == 1
    with rejects.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert {(r["file"], r["row"], r["code"]) for r in rows} == {
        ("enterprises.csv", "3", "value.negative"),
        ("unions.csv", "2", "value.impossible_date"),
        ("unions.csv", "3", "row.rejected_parent"),
        ("unions.csv", "4", "row.rejected_parent"),
        ("unions.csv", "5", "row.rejected_parent"),
        ("reviews.csv", "2", "row.rejected_parent"),
    }
    kept = next(r for r in rows if r["code"] == "value.negative")
    assert json.loads(kept["data"])["workers"] == "-1"  # the cell as delivered


def test_a_later_delivery_corrects_an_earlier_one(engine, tmp_path):
    load(engine, base_delivery(tmp_path / "first"))
    second = tmp_path / "second"
    write_csv(
        second,
        "enterprises",
        ["Mã số thuế", "Số lao động"],
        [["0300000002", "25"], ["0300000009", "7"]],
    )
    report = load(engine, second)
    assert (report.tables["enterprises"].inserted, report.tables["enterprises"].updated) == (1, 1)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT tax_code, workers, name, status FROM enterprises ORDER BY tax_code")
        ).all()
    # The absent columns (name, status…) keep what the first delivery said.
    assert [tuple(r) for r in rows] == [
        ("0300000001", 120, "Công ty TNHH 0300000001", "active"),
        ("0300000002", 25, "Công ty TNHH 0300000002", "active"),
        ("0300000009", 7, None, None),
    ]


def test_loading_the_same_delivery_twice_changes_nothing(engine, tmp_path):
    folder = base_delivery(tmp_path / "d")
    load(engine, folder)
    first = snapshot(engine)
    report = load(engine, folder)
    second = snapshot(engine)
    assert report.tables["unions"].inserted == 0 and report.tables["unions"].updated == 3
    first.pop("import_batches"), second.pop("import_batches")
    assert first == second


def test_a_failure_while_writing_leaves_nothing_behind(engine, tmp_path, monkeypatch):
    load(engine, base_delivery(tmp_path / "base"))
    before = snapshot(engine)
    folder = tmp_path / "d"
    write_csv(folder, "enterprises", ENTERPRISE_HEADER, [enterprise("E9")])
    write_csv(folder, "unions", UNION_HEADER, [union("G9", enterprise_tax_code="E9")])
    fail_writing(monkeypatch, "unions")
    with pytest.raises(RuntimeError):
        load(engine, folder)
    assert snapshot(engine) == before


def test_vietnamese_workbook_with_typed_cells(engine, tmp_path):
    """One workbook, sheets named in Vietnamese, Vietnamese headers, Excel dates and numbers."""
    folder = tmp_path / "d"
    folder.mkdir()
    book = Workbook()
    sheet = book.active
    sheet.title = "Doanh nghiệp"
    sheet.append(
        ["Mã số thuế", "Tên doanh nghiệp", "Khu vực", "Số lao động", "Trạng thái", "Ngày thành lập"]
    )
    sheet.append(
        [
            3000000001,
            "Công ty Cổ phần Đồng Xoài",
            "Nhà nước",
            250.0,
            "Đang hoạt động",
            dt.datetime(2010, 5, 17),
        ]
    )
    unions_sheet = book.create_sheet("Công đoàn")
    unions_sheet.append(
        ["Mã công đoàn", "Loại công đoàn", "MST", "Ngày thành lập", "Có Ban Nữ công"]
    )
    unions_sheet.append(["CD1", "Công đoàn cơ sở", 3000000001, dt.datetime(2012, 1, 2), True])
    book.save(folder / "so_dang_ky.xlsx")
    report = load(engine, folder)
    assert report.tables["enterprises"].inserted == 1
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT tax_code, sector, workers, registered_on FROM enterprises")
        ).one()
        union_row = conn.execute(
            text("SELECT enterprise_tax_code, kind, has_womens_committee FROM unions")
        ).one()
    assert (row[0], row[1], row[2]) == ("3000000001", "state", 250)
    assert str(row[3]) == "2010-05-17"
    assert tuple(union_row) == ("3000000001", "grassroots_union", True)


def test_semicolon_csv_with_bom_and_decomposed_unicode(engine, tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    decomposed = unicodedata.normalize("NFD", "Công ty Hưng Thịnh")
    (folder / "doanh_nghiep.csv").write_text(
        f"Mã số thuế;Tên doanh nghiệp;Số lao động\n0301;{decomposed};1.200\n", encoding="utf-8-sig"
    )
    load(engine, folder)
    with engine.connect() as conn:
        name, workers = conn.execute(text("SELECT name, workers FROM enterprises")).one()
    assert name == unicodedata.normalize("NFC", "Công ty Hưng Thịnh") and workers == 1200


def test_a_changed_superior_is_effective_dated(engine, tmp_path):
    load(engine, base_delivery(tmp_path / "first"))
    second = tmp_path / "second"
    write_csv(
        second,
        "unions",
        ["code", "kind", "superior_code", "superior_since"],
        [
            ["KV-80", "direct_superior_union", "LDLD-80", ""],
            ["CDCS-1", "grassroots_union", "KV-80", "01/07/2025"],
        ],
    )
    load(engine, second)
    third = tmp_path / "third"  # no date given: the import's effective date applies
    write_csv(third, "unions", ["code", "superior_code"], [["CDCS-1", "KCN-80"]])
    load(engine, third, effective_date=dt.date(2026, 3, 1))
    with engine.connect() as conn:
        assert hierarchy.superior_of(conn, "CDCS-1", dt.date(2025, 6, 30)) == "KCN-80"
        assert hierarchy.superior_of(conn, "CDCS-1", dt.date(2025, 7, 1)) == "KV-80"
        assert hierarchy.superior_of(conn, "CDCS-1", dt.date(2026, 2, 28)) == "KV-80"
        assert hierarchy.superior_of(conn, "CDCS-1", dt.date(2026, 3, 1)) == "KCN-80"
        spans = conn.execute(
            text("SELECT count(*) FROM union_superiors WHERE union_code = 'CDCS-1'")
        ).scalar_one()
        current = conn.execute(
            text("SELECT superior_code FROM unions WHERE code='CDCS-1'")
        ).scalar()
    assert spans == 3 and current == "KCN-80"


def test_an_explicit_history_replaces_the_stored_one(engine, tmp_path):
    folder = base_delivery(tmp_path / "d")
    write_csv(
        folder,
        "unions",
        UNION_HEADER,
        [
            union("LDLD-80", "provincial_federation"),
            union("KCN-80", "direct_superior_union", superior_code="LDLD-80"),
            union(
                "HUYEN-1",
                "direct_superior_union",
                superior_code="LDLD-80",
                dissolved_on="2025-06-30",
            ),
            union("CDCS-1", superior_code="KCN-80", enterprise_tax_code="0300000001"),
        ],
    )
    write_csv(
        folder,
        "union_hierarchy",
        ["Mã công đoàn", "Mã công đoàn cấp trên", "Từ ngày", "Đến ngày"],
        [["CDCS-1", "HUYEN-1", "", "01/07/2025"], ["CDCS-1", "KCN-80", "01/07/2025", ""]],
    )
    load(engine, folder)
    with engine.connect() as conn:
        assert hierarchy.superior_of(conn, "CDCS-1", dt.date(2020, 1, 1)) == "HUYEN-1"
        assert hierarchy.superior_of(conn, "CDCS-1", dt.date(2025, 7, 1)) == "KCN-80"
        assert hierarchy.chain_of(conn, "CDCS-1", dt.date(2024, 1, 1)) == [
            "CDCS-1",
            "HUYEN-1",
            "LDLD-80",
        ]


def test_every_event_table_loads(engine, tmp_path):
    folder = base_delivery(tmp_path / "d")
    write_csv(
        folder,
        "inspections",
        ["id", "kind", "inspector_code", "target_code", "date"],
        [["I1", "tài chính", "KCN-80", "KCN-80", "15/03/2025"]],
    )
    write_csv(folder, "reviews", ["id", "union_code", "date"], [["R1", "CDCS-1", "2025-02-01"]])
    write_csv(
        folder,
        "ratings",
        ["union_code", "year", "grade"],
        [["CDCS-1", "2024", "Hoàn thành tốt nhiệm vụ"]],
    )
    write_csv(
        folder,
        "agreements",
        ["id", "enterprise_tax_code", "signed_on", "expires_on"],
        [["A1", "0300000001", "2024-01-01", "2026-12-31"]],
    )
    write_csv(
        folder,
        "conferences",
        ["id", "enterprise_tax_code", "kind", "date"],
        [["C1", "0300000001", "Hội nghị người lao động", "2025-01-20"]],
    )
    write_csv(
        folder,
        "fee_payments",
        ["enterprise_tax_code", "period", "due_on", "amount_due", "amount_paid"],
        [["0300000001", "03/2025", "31/03/2025", "1.500.000", "1.000.000"]],
    )
    write_csv(
        folder,
        "complaints",
        ["id", "union_code", "received_on", "accepted_on", "complex", "resolved_on"],
        [["K1", "CDCS-1", "2025-01-02", "2025-01-05", "không", ""]],
    )
    report = load(engine, folder)
    assert all(
        report.tables[t].inserted == 1
        for t in (
            "inspections",
            "reviews",
            "ratings",
            "agreements",
            "conferences",
            "fee_payments",
            "complaints",
        )
    )
    with engine.connect() as conn:
        fee = conn.execute(text("SELECT period, amount_due, amount_paid FROM fee_payments")).one()
        grade = conn.execute(text("SELECT grade FROM ratings")).scalar()
        complaint = conn.execute(text("SELECT complex, resolved_on FROM complaints")).one()
    assert tuple(fee) == ("2025-03", 1_500_000.0, 1_000_000.0)
    assert grade == "good"
    assert tuple(complaint) == (False, None)


def test_schema_is_created_by_the_migrations_and_upgrade_is_idempotent(engine):
    db.upgrade(engine)
    db.upgrade(engine)
    with engine.connect() as conn:
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert version == db._head_revision()
