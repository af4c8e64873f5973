"""The review UI in a real browser: Playwright driving Debian's chromium (scripts/system).

The server is the real application under uvicorn on a loopback port, over the generated
registry; nothing is mocked between the browser and the database.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlalchemy import text

from compliance.settings import today
from tests.web.conftest import PASSWORD, Reviewed, csp_checked_page, serving

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def server(sqlite_reviewed: Reviewed) -> Iterator[str]:
    with serving(sqlite_reviewed.engine) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A page whose console must stay free of Content-Security-Policy violations: everything
    the UI does (htmx included) works without inline script or style."""
    with csp_checked_page(browser, viewport={"width": 1280, "height": 900}) as page:
        yield page


def _log_in(page: Page, server: str, name: str) -> None:
    page.goto(f"{server}/units")
    expect(page).to_have_url(f"{server}/login?next=/units")
    page.get_by_label("Tên đăng nhập").fill(name)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(f"{server}/units")


def test_review_a_unit_and_waive_its_task(
    page: Page, server: str, sqlite_reviewed: Reviewed
) -> None:
    _log_in(page, server, "inspector80")
    expect(page.get_by_test_id("who")).to_contain_text("inspector80")
    total = page.get_by_test_id("result-count").inner_text()

    # filter: the table is replaced in place (htmx) and the address keeps the filter
    page.get_by_test_id("filter-rule").select_option("union.establishment")
    expect(page.get_by_test_id("result-count")).not_to_have_text(total)
    expect(page).to_have_url(
        f"{server}/units?q=&rule=union.establishment&family=&severity=&status=active&province="
        "&assignee="
    )
    rows = page.get_by_test_id("units-table").locator("tbody tr")
    expect(rows.first).to_contain_text("Doanh nghiệp có từ 25 lao động")
    first_name = rows.first.locator("td a").first.inner_text()

    # search by name narrows to that unit
    page.get_by_test_id("search").fill(first_name)
    page.get_by_role("button", name="Lọc").click()
    expect(rows.first.locator("td a").first).to_have_text(first_name)

    # open the case file: registry facts, the explanation, the quoted source
    rows.first.locator("td a").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(first_name)
    finding = page.get_by_test_id("finding").first
    expect(finding).to_contain_text("chưa có công đoàn cơ sở")
    finding.locator("summary").click()
    expect(finding.locator("blockquote")).to_contain_text("100% doanh nghiệp có từ 25 lao động")
    expect(finding.locator("blockquote")).to_contain_text(
        "Chương trình hành động của Ban Thường vụ Tỉnh ủy Tây Ninh"
    )  # the document as minutes cite it, never its file name
    expect(finding.locator("blockquote")).to_contain_text("mục II.1")
    expect(finding.locator("blockquote")).not_to_contain_text(".txt")
    expect(page.get_by_text("Số lao động", exact=True)).to_be_visible()

    # "Bác bỏ" without a reason: the error at the form, in view and focused, the choice kept
    task = page.get_by_test_id("task").first
    task.get_by_label("Bác bỏ", exact=True).check()
    task.get_by_role("button", name="Ghi quyết định").click()
    error = page.get_by_test_id("decision-error")
    expect(error).to_contain_text("lý do")
    expect(error).to_be_focused()
    expect(error).to_be_in_viewport()
    assert "--reason" not in error.inner_text()  # no command-line flag told to a web user
    task = page.get_by_test_id("task").first
    expect(task.get_by_label("Bác bỏ", exact=True)).to_be_checked()  # not back on "Xác nhận"

    # a waiver without an approver is refused, with what to fix, the typed reason kept
    task.get_by_label("Miễn trừ", exact=True).check()
    task.get_by_test_id("reason").fill("Thiếu người phê duyệt")
    task.get_by_role("button", name="Ghi quyết định").click()
    expect(page.get_by_test_id("decision-error")).to_contain_text("người phê duyệt")
    task = page.get_by_test_id("task").first
    expect(task.get_by_test_id("reason")).to_have_value("Thiếu người phê duyệt")
    expect(task.get_by_label("Miễn trừ", exact=True)).to_be_checked()
    expect(page.get_by_test_id("task-status").first).to_have_text("mới")

    # waive with a reason, an approver and an expiry
    until = today() + dt.timedelta(days=45)
    task.get_by_label("Miễn trừ", exact=True).check()
    task.get_by_test_id("reason").fill("Doanh nghiệp đang làm thủ tục sáp nhập")
    task.get_by_test_id("approver").fill("Chủ nhiệm Ủy ban kiểm tra")
    task.get_by_test_id("until").fill(until.isoformat())
    task.get_by_role("button", name="Ghi quyết định").click()

    expect(page.get_by_role("status")).to_contain_text("Đã ghi quyết định")
    expect(page.get_by_test_id("task-status").first).to_have_text("miễn trừ")
    audit = page.get_by_test_id("audit")
    expect(audit).to_contain_text("inspector80")
    expect(audit).to_contain_text("miễn trừ")
    expect(audit).to_contain_text("Chủ nhiệm Ủy ban kiểm tra")
    expect(audit).to_contain_text(f"{until:%d/%m/%Y}")

    with sqlite_reviewed.engine.connect() as conn:
        stored = conn.execute(
            text("SELECT actor, action FROM audit_log WHERE note = :note"),
            {"note": "Doanh nghiệp đang làm thủ tục sáp nhập"},
        ).one()
    assert tuple(stored) == ("inspector80", "waived")

    # log out: the session is gone
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(f"{server}/login")
    page.goto(f"{server}/")
    expect(page).to_have_url(f"{server}/login?next=/")


def test_a_case_file_outside_the_scope_is_refused(page: Page, server: str) -> None:
    _log_in(page, server, "inspector80")
    response = page.goto(f"{server}/units/LDLD-66")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Không được phép")


WIDEST = """() => Math.max(0, ...Array.from(document.querySelectorAll('main *'))
    .map(e => e.getBoundingClientRect().right)) - window.innerWidth"""


def test_usable_on_a_phone(browser: Browser, server: str, sqlite_reviewed: Reviewed) -> None:
    """Every page at 390 px: nothing sticks out sideways, tables become stacked rows."""
    with sqlite_reviewed.engine.connect() as conn:
        unit = conn.execute(
            text("SELECT unit FROM follow_up_tasks WHERE province_code = '80' ORDER BY id LIMIT 1")
        ).scalar_one()
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    _log_in(page, server, "operator80")
    for path in ("/", "/units", f"/units/{unit}", "/tasks", "/runs", "/audit", "/reports"):
        page.goto(f"{server}{path}")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{path} scrolls sideways on a phone by {overflow}px"
        widest = page.evaluate(WIDEST)
        assert widest <= 1, f"{path}: something reaches {widest}px past a 390px screen"
        stacked = page.evaluate(
            "Array.from(document.querySelectorAll('main table')).every("
            "t => getComputedStyle(t.querySelector('thead') || t).display === 'none' "
            "|| !t.querySelector('thead'))"
        )
        assert stacked, f"{path}: a table keeps its columns on a phone"
    expect(page.locator("svg.chart")).to_have_count(0)  # not on /tasks
    page.goto(f"{server}/")
    expect(page.locator("svg.chart")).to_be_visible()
    context.close()
