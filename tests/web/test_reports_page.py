"""The reports page links the latest reports, each only to accounts whose scope covers it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from compliance.reports.files import write_run_reports
from compliance.settings import get_settings
from tests.web.conftest import AS_OF, Reviewed

HTML = {"Accept": "text/html"}


@pytest.fixture
def reports_dir(reviewed: Reviewed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "reports"
    for province in ("80", "66"):
        write_run_reports(reviewed.engine, AS_OF, folder, province, formats=("html", "xlsx"))
    monkeypatch.setenv("COMPLIANCE_REPORTS_DIR", str(folder))
    get_settings.cache_clear()
    return folder


def test_each_account_sees_the_reports_of_its_scope(
    reports_dir: Path, client_for: Callable[..., TestClient]
) -> None:
    name80 = f"bao-cao-80-{AS_OF.isoformat()}"
    name66 = f"bao-cao-66-{AS_OF.isoformat()}"
    inspector = client_for("inspector80")
    page = inspector.get("/reports", headers=HTML).text
    assert f"/reports/files/{name80}.html" in page and f"{name66}" not in page
    report = inspector.get(f"/reports/files/{name80}.html")
    assert report.status_code == 200 and "Độc lập - Tự do - Hạnh phúc" in report.text
    assert inspector.get(f"/reports/files/{name66}.html").status_code == 403
    assert inspector.get("/reports/files/..%2Fsecret.html").status_code == 404

    admin = client_for("admin").get("/reports", headers=HTML).text
    assert name80 in admin and name66 in admin
    union_scoped = client_for("inspector_dsu")
    assert "không xem được" in union_scoped.get("/reports", headers=HTML).text
    assert union_scoped.get(f"/reports/files/{name66}.xlsx").status_code == 403
    assert union_scoped.post("/reports/now", data={"format": "html"}).status_code == 403


def test_a_report_made_now_is_for_the_accounts_province(
    reports_dir: Path, client_for: Callable[..., TestClient]
) -> None:
    client = client_for("operator80")
    assert 'action="/reports/now"' in client.get("/reports", headers=HTML).text
    made = client.post("/reports/now", data={"format": "html"})
    assert made.status_code == 200
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in made.text and "Tây Ninh" in made.text
    outside = client.post("/reports/now", data={"format": "html", "province": "66"})
    assert outside.status_code == 403


def test_a_runs_pdf_is_made_when_first_opened_and_a_broken_one_says_so(
    reports_dir: Path, reviewed: Reviewed, client_for: Callable[..., TestClient]
) -> None:
    write_run_reports(reviewed.engine, AS_OF, reports_dir, "80", formats=("pdf",))
    name = f"bao-cao-80-{AS_OF.isoformat()}.pdf"
    inspector = client_for("inspector80")
    assert f"/reports/files/{name}" in inspector.get("/reports", headers=HTML).text
    assert not (reports_dir / name).exists()
    assert client_for("inspector66").get(f"/reports/files/{name}").status_code == 403
    opened = inspector.get(f"/reports/files/{name}")
    assert opened.status_code == 200 and opened.content.startswith(b"%PDF")
    assert opened.headers["content-type"] == "application/pdf"
    assert (reports_dir / name).read_bytes() == opened.content  # laid out once, kept
    assert not (reports_dir / f".{name}.html").exists()

    broken = f"bao-cao-66-{AS_OF.isoformat()}.pdf"
    (reports_dir / f".{broken}.html").mkdir()  # a source that cannot be read
    admin = client_for("admin")
    refused = admin.get(f"/reports/files/{broken}", headers=HTML)
    assert refused.status_code == 503 and "Chưa dựng được bản PDF" in refused.text, refused.text
    assert admin.get(f"/reports/files/{broken}").json()["code"] == "web.report_pdf_failed"
