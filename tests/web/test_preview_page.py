"""The administrators' preview page: the same grouped delta as ``compliance rules preview``,
for a pasted or uploaded draft; admin only, CSRF-checked, errors inline, and it never writes."""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect, sync_playwright
from sqlalchemy import text

from compliance.engine.preview import catalogues, preview
from compliance.engine.preview_groups import headlines
from compliance.messages import MESSAGES
from compliance.rules.validate import load_rules
from tests.engine.test_preview import NEW_RULE
from tests.web.conftest import AS_OF, PASSWORD, Reviewed, csp_checked_page, login, serving

SETTING = "union.establishment.min_workers=20"
_COUNTED = ("findings", "follow_up_tasks", "audit_log", "compliance_runs", "run_requests")


def _counts(reviewed: Reviewed) -> dict[str, int]:
    with reviewed.engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in _COUNTED}


def _admin(app_for) -> TestClient:  # type: ignore[no-untyped-def]
    client = TestClient(app_for)
    client.headers["X-CSRF-Token"] = login(client, "admin")
    return client


def _headlines(page: str) -> list[str]:
    block = re.search(r'<ul data-testid="headlines">(.*?)</ul>', page, re.S)
    assert block is not None, page[:2000]
    return [html.unescape(li) for li in re.findall(r"<li>(.*?)</li>", block.group(1))]


def test_only_administrators_open_it(client_for: Callable[..., TestClient]) -> None:
    for name in ("operator80", "inspector80", "viewer80"):
        client = client_for(name)
        assert client.get("/admin/preview").status_code == 403
        assert client.post("/admin/preview", data={"settings": SETTING}).status_code == 403
    admin = client_for("admin")
    assert "Xem trước quy tắc" in admin.get("/admin/preview").text
    del admin.headers["X-CSRF-Token"]
    assert admin.post("/admin/preview", data={"settings": SETTING}).status_code == 403


def test_a_threshold_change_shows_the_commands_delta_and_writes_nothing(
    reviewed: Reviewed, app_for, client_for: Callable[..., TestClient]
) -> None:  # type: ignore[no-untyped-def]
    client = client_for("admin")
    before, versions = _counts(reviewed), {i: r.version for i, r in app_for.state.rules.items()}
    page = client.post(
        "/admin/preview",
        data={"settings": SETTING, "as_of": AS_OF.isoformat(), "province": "80"},
    )
    assert page.status_code == 200, page.text[:2000]
    chosen = catalogues(load_rules(), [], [SETTING])
    with reviewed.engine.connect() as conn:
        expected = headlines(preview(conn, chosen, AS_OF, "80"))
    assert _headlines(page.text) == expected and "thêm" in expected[0]
    assert page.text.count('data-testid="preview-unit"') >= 1
    assert _counts(reviewed) == before
    assert {i: r.version for i, r in app_for.state.rules.items()} == versions


def test_an_uploaded_new_rule_is_previewed(client_for: Callable[..., TestClient]) -> None:
    page = client_for("admin").post(
        "/admin/preview",
        data={"as_of": AS_OF.isoformat()},
        files={"draft_file": ("lon.yaml", NEW_RULE.encode(), "text/yaml")},
    )
    assert page.status_code == 200, page.text[:2000]
    assert _headlines(page.text)[0].startswith("quy tắc mới union.establishment_large: thêm ")


@pytest.mark.parametrize(
    ("data", "files", "code", "said"),
    [
        (
            {"draft": NEW_RULE.replace("{fact: workers,", "{fact: worker,")},
            None,
            None,
            "bản dán: dòng 18:",
        ),
        (
            {"settings": "union.establisment.min_workers=20"},
            None,
            "preview.unknown_rule",
            "có phải 'union.establishment'?",
        ),
        ({"settings": SETTING, "province": "99"}, None, "preview.unknown_province", "'99'"),
        ({}, None, "preview.nothing_to_preview", ""),
        (
            {},
            {"draft_file": ("x.yaml", b"\xff\xfe id: x", "text/yaml")},
            "preview.draft_encoding",
            "'x.yaml'",
        ),
    ],
)
def test_bad_input_is_said_inline_in_vietnamese(
    client_for: Callable[..., TestClient],
    data: dict,
    files: dict | None,
    code: str | None,
    said: str,
) -> None:
    page = client_for("admin").post("/admin/preview", data=data, files=files)
    assert page.status_code == 400
    errors = re.search(r'data-testid="preview-errors">(.*?)</div>', page.text, re.S)
    assert errors is not None
    shown = html.unescape(errors.group(1))
    assert said in shown
    if code is not None:  # the catalogue's text, up to its first value
        assert MESSAGES[code].split("{")[0] in shown
    assert 'data-testid="preview-result"' not in page.text


# -- in the browser ---------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser_page(sqlite_reviewed: Reviewed) -> Iterator[tuple[Page, str]]:
    with serving(sqlite_reviewed.engine) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        with csp_checked_page(browser, viewport={"width": 1280, "height": 900}) as page:
            yield page, url
        browser.close()


def test_an_administrator_fixes_a_draft_and_previews_it_in_the_browser(
    browser_page: tuple[Page, str],
) -> None:
    page, server = browser_page
    page.goto(f"{server}/login?next=/admin/preview")
    page.get_by_label("Tên đăng nhập").fill("admin")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(f"{server}/admin/preview")

    page.get_by_test_id("draft").fill(NEW_RULE.replace("{fact: workers,", "{fact: worker,"))
    page.get_by_test_id("as-of").fill(AS_OF.isoformat())
    page.get_by_role("button", name="Xem trước").click()
    expect(page.get_by_test_id("preview-errors")).to_contain_text("bản dán: dòng 18:")
    expect(page.get_by_test_id("preview-result")).to_have_count(0)

    page.get_by_test_id("draft").fill(NEW_RULE)  # what was typed came back; fix it
    page.get_by_test_id("settings").fill("union.establishment_large.min_workers=50")
    page.get_by_role("button", name="Xem trước").click()
    expect(page.get_by_test_id("headlines")).to_contain_text(
        "quy tắc mới union.establishment_large"
    )
    expect(page.get_by_test_id("preview-group").first).to_be_visible()
    page.locator("details summary").first.click()
    expect(page.get_by_test_id("preview-unit").first).to_contain_text("thêm")
