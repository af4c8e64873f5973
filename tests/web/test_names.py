"""Names where people read codes (issue 16.5): provinces, wards, bodies, complaints."""

from __future__ import annotations

import html
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import text

from tests.web.conftest import Reviewed


def test_lists_and_case_files_name_places_and_bodies(
    reviewed: Reviewed, client_for: Callable[..., TestClient]
) -> None:
    client = client_for("inspector80")
    page = html.unescape(client.get("/units", headers={"Accept": "text/html"}).text)
    assert "Tây Ninh (80)" in page
    with reviewed.engine.connect() as conn:
        body, name = conn.execute(
            text(
                "SELECT t.assignee, u.name FROM follow_up_tasks t JOIN unions u ON u.code = "
                "t.assignee WHERE t.province_code = '80' ORDER BY t.id LIMIT 1"
            )
        ).one()
        enterprise, ward = conn.execute(
            text("SELECT tax_code, ward_code FROM enterprises e JOIN follow_up_tasks t "
                 "ON t.unit = e.tax_code WHERE e.province_code = '80' LIMIT 1")
        ).one()  # fmt: off
        complaint = conn.execute(
            text("SELECT unit FROM follow_up_tasks WHERE rule = 'complaint.resolution' "
                 "AND province_code = '80' LIMIT 1")
        ).scalar()  # fmt: off
    # the assignee type-ahead offers the body's name (asked for when the field is used)
    assert {"value": body, "label": name} in client.get("/api/choices/assignees").json()
    case = html.unescape(client.get(f"/units/{enterprise}", headers={"Accept": "text/html"}).text)
    assert "Tây Ninh (80)" in case and f" ({ward})</dd>" in case
    assert f"<dd>{ward}</dd>" not in case  # the ward is named, not only numbered
    if complaint:
        title = client.get(f"/units/{complaint}", headers={"Accept": "text/html"}).text
        assert f"Đơn thư {complaint}" in html.unescape(title)
        assert f"{complaint} ({complaint})" not in title


def test_the_audit_log_reads_statuses_and_runs_in_vietnamese(
    reviewed: Reviewed, client_for: Callable[..., TestClient]
) -> None:
    with reviewed.engine.connect() as conn:
        task = conn.execute(
            text("SELECT id FROM follow_up_tasks WHERE status = 'open' AND province_code = '80' "
                 "AND rule = 'review.quarterly' ORDER BY id DESC LIMIT 1")
        ).scalar_one()  # fmt: off
    client = client_for("inspector80")
    done = client.post(f"/api/tasks/{task}/decision", json={"decision": "confirm"})
    assert done.status_code == 200, done.text
    page = html.unescape(client.get("/audit", headers={"Accept": "text/html"}).text)
    assert "trạng thái: đang xử lý" in page
    for raw in ("in_progress", "['", "[]", "open →"):
        assert raw not in page, raw


def test_a_finding_short_of_an_aggregate_target_is_not_called_a_breach(
    reviewed: Reviewed, client_for: Callable[..., TestClient]
) -> None:
    """Issue 16.4: "ít nhất 85% doanh nghiệp…" binds the province, not each enterprise."""
    client = client_for("inspector80")
    with reviewed.engine.connect() as conn:
        unit = conn.execute(
            text("SELECT unit FROM follow_up_tasks WHERE rule = 'collective_agreement.in_force' "
                 "AND finding_status = 'violation' AND province_code = '80' LIMIT 1")
        ).scalar()  # fmt: off
    assert unit, "the fixture registry has an enterprise without an agreement in force"
    case = html.unescape(client.get(f"/units/{unit}", headers={"Accept": "text/html"}).text)
    assert 'data-testid="from-target">chưa đạt (chỉ tiêu chung)</span>' in case
    assert "Căn cứ chỉ tiêu chung, đơn vị chưa được tính vào chỉ tiêu" in case
