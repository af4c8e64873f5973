"""The programme pages and the progress-report form, through the real application."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from compliance import chain
from compliance.accounts import Account
from compliance.engine.programme_rules import catalogue
from compliance.models import ProgrammeReport
from compliance.models.accounts import AuditEntry, Role
from compliance.review.programmes import ProgrammeError, file_report
from compliance.web.app import create_app
from tests.engine.programme_fixture import PROGRAMME
from tests.web.conftest import login
from tests.web.programme_site import build_site

ITEM = f"/programmes/{PROGRAMME}/items/1"


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Engine, TestClient]]:
    engine = build_site(tmp_path, monkeypatch)
    with TestClient(create_app(engine)) as client:
        yield engine, client
    engine.dispose()


def _as(client: TestClient, name: str) -> TestClient:
    client.cookies.clear()
    client.headers["X-CSRF-Token"] = login(client, name)
    client.headers["Accept"] = "text/html"
    return client


def _reports(engine: Engine) -> dict[tuple[str, str, str], tuple]:
    t = ProgrammeReport.__table__  # type: ignore[attr-defined]
    with engine.connect() as conn:
        rows = conn.execute(select(t).where(t.c.item == "1")).all()
    return {(r.item, r.period, r.body): (r.status, r.reported_on, r.evidence) for r in rows}


def test_the_grid_shows_each_occurrence_by_status_and_filters_by_lead(site) -> None:
    engine, client = site
    _as(client, "viewer80")
    listing = client.get("/programmes")
    assert listing.status_code == 200 and "Chương trình hành động thử" in listing.text
    page = client.get(f"/programmes/{PROGRAMME}")
    assert page.status_code == 200
    one_off = page.text.split('data-testid="item-1"')[1].split("</tr>")[0]
    assert 'class="cell missing"' in one_off  # C and D never finished it
    assert 'class="cell continuous"' in page.text.split('data-testid="item-5"')[1]
    only_a = client.get(f"/programmes/{PROGRAMME}", params={"lead": "Ban A"}).text
    assert 'class="cell done"' in only_a.split('data-testid="item-1"')[1].split("</tr>")[0]
    only_b = client.get(f"/programmes/{PROGRAMME}", params={"lead": "Ban B"}).text
    assert 'class="cell late"' in only_b.split('data-testid="item-1"')[1].split("</tr>")[0]
    item = client.get(ITEM)
    assert "https://vb.example/a" in item.text and "Đã hoàn thành" in item.text
    assert 'data-testid="report-form"' not in item.text  # a viewer files nothing
    pdf = client.get(f"/programmes/{PROGRAMME}/report", params={"format": "pdf"})
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    report = client.get(f"/programmes/{PROGRAMME}/report").text
    assert "Sơ kết việc thực hiện Chương trình hành động thử" in report
    missing = client.get("/programmes/khong.co", headers={"Accept": "application/json"})
    assert (missing.status_code, missing.json()["code"]) == (404, "programme.not_found")


def test_a_lead_body_files_a_report_with_a_file_and_it_is_audited(site) -> None:
    engine, client = site
    _as(client, "inspector80")
    form = client.get(ITEM).text.split('data-testid="report-form"')[1]
    assert "<option>Ban A</option>" in form and "<option>Ban B</option>" in form
    assert "Ban C" not in form  # province 66: not this account's

    sent = client.post(
        f"{ITEM}/reports",
        data={"body": "Ban D", "status": "done", "reported_on": "2025-01-10", "period": ""},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    refused = client.get(ITEM).text
    assert "không thuộc &#39;Ban D&#39;" in refused or "không thuộc 'Ban D'" in refused
    assert ("1", "", "Ban D") not in _reports(engine)
    rule = next(r for r in catalogue() if r.id == f"{PROGRAMME}/1")
    inspector = Account(0, "inspector80", Role.INSPECTOR, "80")
    with pytest.raises(ProgrammeError) as refusal:
        file_report(engine, inspector, rule, body="Ban C", period="", status="done",
                    reported_on=dt.date(2025, 1, 10), evidence=None, note=None)  # fmt: skip
    assert refusal.value.code == "programme.outside_scope"

    sent = client.post(
        f"{ITEM}/reports",
        data={"body": "Ban B", "status": "in_progress", "reported_on": "2025-01-10", "note": "Họp"},
        files={"evidence_file": ("bien-ban.pdf", b"%PDF-1.4 bien ban", "application/pdf")},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    status, day, evidence = _reports(engine)[("1", "", "Ban B")]
    assert (status, day.isoformat()) == ("in_progress", "2025-01-10")
    assert evidence.startswith("tệp:") and evidence.endswith(".pdf")
    page = client.get(ITEM).text
    assert "Đã ghi báo cáo tiến độ của Ban B." in page
    link = f"/programmes/evidence/{evidence.removeprefix('tệp:')}"
    assert link in page and client.get(link).content == b"%PDF-1.4 bien ban"

    audit = AuditEntry.__table__  # type: ignore[attr-defined]
    with engine.connect() as conn:
        entry = conn.execute(select(audit).order_by(audit.c.id.desc())).first()
        assert chain.verify_table(conn, audit).broken is None
    assert (entry.actor, entry.action, entry.rule, entry.unit) == (
        "inspector80",
        "progress_reported",
        f"{PROGRAMME}/1",
        "Ban B",
    )
    assert entry.before["status"] == "done" and entry.after["status"] == "in_progress"


@pytest.mark.parametrize(
    ("data", "code_text"),
    [
        ({"body": "Ban X", "status": "done"}, "không chủ trì nhiệm vụ này"),  # programme.not_a_lead
        (
            {"body": "Ban A", "status": "xong"},
            "Tình hình thực hiện &#39;xong&#39;",
        ),  # unknown_status
        ({"body": "Ban A", "status": "done", "reported_on": ""}, "Hãy nhập ngày báo cáo"),
        ({"body": "Ban A", "status": "done", "period": "Quý V/2024"}, "Kỳ &#39;Quý V/2024&#39;"),
    ],
    ids=[
        "programme.not_a_lead",
        "programme.unknown_status",
        "programme.date_required",
        "programme.bad_period",
    ],
)
def test_a_report_that_cannot_be_filed_says_why(site, data, code_text) -> None:
    engine, client = site
    _as(client, "admin")
    before = _reports(engine)
    data = {"reported_on": "2025-01-10", **data}
    client.post(f"{ITEM}/reports", data=data, follow_redirects=False)
    assert code_text in client.get(ITEM).text
    assert _reports(engine) == before
