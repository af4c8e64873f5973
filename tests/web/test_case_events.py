"""A case file shows the unit's acts from the open events table, newest first, kinds by their
Vietnamese names (a kind nobody has named yet as the delivery wrote it)."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import text

from compliance.formatting import EVENT_KIND_VI
from compliance.registry.importer import import_folder
from tests.registry.helpers import write_csv
from tests.web.conftest import AS_OF, Reviewed

_ROW = re.compile(
    r'<tr data-testid="unit-event"><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>', re.S
)


def _shown(client: TestClient, code: str) -> list[tuple[str, str, str]]:
    page = client.get(f"/units/{code}")
    assert page.status_code == 200, page.text
    return [tuple(html.unescape(cell) for cell in row) for row in _ROW.findall(page.text)]


def _busiest(reviewed: Reviewed, kind: str) -> str:
    with reviewed.engine.connect() as conn:
        return conn.execute(
            text(
                "SELECT unit_code FROM events WHERE kind = :kind GROUP BY unit_code "
                "ORDER BY count(*) DESC, unit_code LIMIT 1"
            ),
            {"kind": kind},
        ).scalar_one()


def test_a_case_file_lists_the_units_events_newest_first_in_vietnamese(
    reviewed: Reviewed, client_for: Callable[..., TestClient]
) -> None:
    client = client_for("admin")
    for kind in ("dialogue", "charter_supervision", "training_course"):
        code = _busiest(reviewed, kind)
        with reviewed.engine.connect() as conn:
            stored = conn.execute(
                text("SELECT date, kind, note FROM events WHERE unit_code = :c"), {"c": code}
            ).all()
        expected = sorted((dt.date.fromisoformat(str(d)) for d, _, _ in stored), reverse=True)
        shown = _shown(client, code)
        assert len(shown) == len(stored) >= 2, code
        assert [dt.datetime.strptime(d, "%d/%m/%Y").date() for d, _, _ in shown] == expected
        assert {k for _, k, _ in shown} <= set(EVENT_KIND_VI.values())
        assert EVENT_KIND_VI[kind] in {k for _, k, _ in shown}
        assert {n for _, _, n in shown} == {n or "" for _, _, n in stored}
        api = client.get(f"/api/units/{code}").json()
        assert [e["kind"] for e in api["events"]].count(kind) == len(
            [s for s in stored if s[1] == kind]
        )


def test_a_kind_without_a_vietnamese_name_is_shown_as_written(
    reviewed: Reviewed, client_for: Callable[..., TestClient], tmp_path: Path
) -> None:
    with reviewed.engine.connect() as conn:
        union = conn.execute(
            text(
                "SELECT code FROM unions WHERE kind = 'grassroots_union' AND code NOT IN "
                "(SELECT unit_code FROM events) ORDER BY code LIMIT 1"
            )
        ).scalar_one()
    write_csv(
        tmp_path / "d",
        "su_kien",
        ["Mã sự kiện", "Mã đơn vị", "Loại", "Ngày", "Ghi chú"],
        [
            ["TEST-SK-1", union, "blood_donation_drive", "02/09/2026", "Hiến máu nhân đạo"],
            ["TEST-SK-2", union, "dialogue", "15/03/2026", ""],
        ],
    )
    import_folder(reviewed.engine, tmp_path / "d", effective_date=AS_OF)
    assert _shown(client_for("admin"), union) == [
        ("02/09/2026", "blood_donation_drive", "Hiến máu nhân đạo"),
        ("15/03/2026", EVENT_KIND_VI["dialogue"], ""),
    ]


def test_a_unit_without_events_says_so(
    reviewed: Reviewed, client_for: Callable[..., TestClient]
) -> None:
    with reviewed.engine.connect() as conn:
        code = conn.execute(
            text(
                "SELECT tax_code FROM enterprises WHERE tax_code NOT IN "
                "(SELECT unit_code FROM events) ORDER BY tax_code LIMIT 1"
            )
        ).scalar_one()
    page = client_for("admin").get(f"/units/{code}")
    assert "Sổ đăng ký chưa ghi sự kiện nào của đơn vị này." in page.text
    assert 'data-testid="unit-event"' not in page.text
