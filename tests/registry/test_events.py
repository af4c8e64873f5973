"""The open ``events`` table (registry-format.md, Open tables): read like every table, its
``unit_code`` an enterprise's tax code or a union's code, its ``kind`` an open lowercase set."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from compliance.exceptions import ImportRefused
from compliance.models import Event
from compliance.registry.importer import import_folder
from tests.registry.helpers import base_delivery, write_csv

VI_HEADER = ["Mã sự kiện", "Mã đơn vị", "Loại", "Ngày", "Ghi chú"]
EN_HEADER = ["id", "unit_code", "kind", "date", "note"]


def _events(engine: Engine) -> list[tuple]:
    with engine.connect() as conn:
        table = Event.__table__
        return [tuple(r) for r in conn.execute(select(table).order_by(table.c.id))]


def _refused(engine: Engine, folder: Path) -> list:
    with pytest.raises(ImportRefused) as info:
        import_folder(engine, folder)
    return info.value.report.errors


def test_vietnamese_headers_and_dates_name_an_enterprise_or_a_union(engine: Engine, tmp_path):
    folder = base_delivery(tmp_path / "d")
    rows = [
        ["SK1", "0300000001", "dialogue", "15/03/2025", "Đối thoại định kỳ năm 2025"],
        ["SK2", "CDCS-1", "charter_supervision", "2025-06-30", ""],
        ["SK3", "KCN-80", "finance_inspection_by_superior", "01/12/2025", None],
    ]
    write_csv(folder, "Sự kiện", VI_HEADER, rows)
    import_folder(engine, folder)
    assert _events(engine) == [
        ("SK1", "0300000001", "dialogue", dt.date(2025, 3, 15), "Đối thoại định kỳ năm 2025"),
        ("SK2", "CDCS-1", "charter_supervision", dt.date(2025, 6, 30), None),
        ("SK3", "KCN-80", "finance_inspection_by_superior", dt.date(2025, 12, 1), None),
    ]


def test_a_unit_stored_earlier_is_known_to_a_later_delivery(engine: Engine, tmp_path):
    import_folder(engine, base_delivery(tmp_path / "first"))
    write_csv(
        tmp_path / "later",
        "su_kien",
        EN_HEADER,
        [["SK1", "0300000002", "housing_handover", "2025-05-05", ""]],
    )
    write_csv(
        tmp_path / "later",
        "reviews",
        ["id", "union_code", "date"],
        [["R1", "LDLD-80", "2025-05-05"]],
    )
    import_folder(engine, tmp_path / "later")
    assert [e[:3] for e in _events(engine)] == [("SK1", "0300000002", "housing_handover")]


def test_a_unit_in_neither_table_is_a_dangling_reference_with_file_and_row(
    engine: Engine, tmp_path
):
    folder = base_delivery(tmp_path / "d")
    write_csv(
        folder,
        "events",
        EN_HEADER,
        [
            ["SK1", "CDCS-1", "dialogue", "2025-01-02", ""],
            ["SK2", "0399999999", "dialogue", "2025-01-02", ""],
        ],
    )
    errors = _refused(engine, folder)
    assert [(e.code, Path(e.file).name, e.row, e.column) for e in errors] == [
        ("row.dangling_reference", "events.csv", 3, "unit_code")
    ]
    assert "'0399999999'" in errors[0].message and "enterprises hoặc unions" in errors[0].message
    assert _events(engine) == []


def test_skipping_keeps_the_good_events_and_rejects_the_unit_nowhere(sqlite_engine, tmp_path):
    folder = base_delivery(tmp_path / "d")
    write_csv(
        folder,
        "events",
        EN_HEADER,
        [
            ["SK1", "CDCS-1", "dialogue", "2025-01-02", ""],
            ["SK2", "NOWHERE", "dialogue", "2025-01-02", ""],
        ],
    )
    report = import_folder(
        sqlite_engine, folder, skip_bad_rows=True, rejects_path=tmp_path / "rejects.csv"
    )
    assert [e.code for e in report.errors] == ["row.dangling_reference"]
    assert [e[0] for e in _events(sqlite_engine)] == ["SK1"]
    assert "NOWHERE" in (tmp_path / "rejects.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("kind", "hint"),
    [
        ("Housing handover", "có phải 'housing_handover'?"),
        ("Đối thoại", "có phải 'doi_thoai'?"),
        ("2025_dialogue", ""),
        ("dialogue-2025", "có phải 'dialogue_2025'?"),
    ],
)
def test_a_kind_that_is_not_a_lowercase_identifier_is_refused(sqlite_engine, tmp_path, kind, hint):
    folder = base_delivery(tmp_path / "d")
    write_csv(folder, "events", EN_HEADER, [["SK1", "CDCS-1", kind, "2025-01-02", ""]])
    errors = _refused(sqlite_engine, folder)
    assert [(e.code, e.row, e.column) for e in errors] == [("value.bad_identifier", 2, "kind")]
    assert f"'{kind}'" in errors[0].message and hint in errors[0].message
    assert "chữ thường" in errors[0].message


def test_a_new_kind_needs_no_contract_change(sqlite_engine, tmp_path):
    folder = base_delivery(tmp_path / "d")
    write_csv(folder, "events", EN_HEADER, [["SK1", "CDCS-1", "x2_new_act", "2025-01-02", ""]])
    import_folder(sqlite_engine, folder)
    assert [e[2] for e in _events(sqlite_engine)] == ["x2_new_act"]
