"""Lists that scale in a real browser (issue 16.7, 16.10), at 1366 px and at 390 px: the flagged
list by unit, sorted by its headers; the task table filtered, and a bulk assignment confirmed
with its count. The server is the real application under uvicorn over the generated registry."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Dialog, Page, expect
from sqlalchemy import text

from compliance.folding import fold
from compliance.messages import message
from tests.web.conftest import PASSWORD, Reviewed, csp_checked_page, serving
from tests.web.test_browser import WIDEST, browser  # noqa: F401 (the module's browser fixture)

SIZES = {"laptop": (1366, 900), "phone": (390, 844)}


@pytest.fixture(scope="module")
def server(sqlite_reviewed: Reviewed) -> Iterator[str]:
    with serving(sqlite_reviewed.engine) as url:
        yield url


@pytest.fixture(params=list(SIZES))
def page(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Page]:  # noqa: F811
    width, height = SIZES[request.param]
    viewport = {"width": width, "height": height}
    with csp_checked_page(browser, viewport=viewport, is_mobile=width < 640) as page:
        yield page


def _log_in(page: Page, server: str, name: str, path: str) -> None:
    page.goto(f"{server}/login?next={path}")
    page.get_by_label("Tên đăng nhập").fill(name)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(re.escape(f"{server}{path.split('?')[0]}")))


def _fits(page: Page) -> None:
    """Nothing sticks out sideways (at 390 px the tables are stacked rows)."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"{page.url} scrolls sideways by {overflow}px"
    assert page.evaluate(WIDEST) <= 1, f"{page.url}: something reaches past the screen"


def test_flagged_units_one_row_each_sorted_by_a_header(page: Page, server: str) -> None:
    _log_in(page, server, "inspector80", "/units")
    rows = page.get_by_test_id("unit-row")
    expect(rows.first).to_be_visible()
    units = rows.evaluate_all("rs => rs.map(r => r.dataset.unit)")
    assert len(units) == len(set(units)) == 25  # one row per unit, a page of them
    _fits(page)

    phone = page.viewport_size is not None and page.viewport_size["width"] < 640
    sort = page.get_by_test_id("phone-sort-tasks" if phone else "sort-tasks")  # a heading's link
    sort.click()  # ascending first, then descending
    expect(page).to_have_url(re.compile(r"sort=tasks&dir=asc"))
    sort.click()
    expect(page).to_have_url(re.compile(r"sort=tasks&dir=desc"))
    heading = page.locator("th", has=page.get_by_test_id("sort-tasks"))
    expect(heading).to_have_attribute("aria-sort", "descending")
    counts = page.get_by_test_id("unit-row").locator("td:nth-child(4)").all_inner_texts()
    numbers = [int(re.sub(r"\D", "", c)) for c in counts]
    assert numbers == sorted(numbers, reverse=True) and numbers[0] > 1
    export = page.get_by_test_id("export-csv")
    expect(export).to_have_attribute("href", re.compile(r"sort=tasks&dir=desc"))

    page.get_by_test_id("filter-overdue").check()  # a filter keeps the order
    expect(page).to_have_url(re.compile(r"overdue=1"))
    expect(page).to_have_url(re.compile(r"sort=tasks&dir=desc"))
    expect(page.get_by_test_id("unit-row").first.get_by_test_id("overdue")).to_be_visible()
    _fits(page)


def test_the_task_table_filtered_and_a_bulk_assignment(
    page: Page, server: str, sqlite_reviewed: Reviewed
) -> None:
    rule = "workers_conference.annual"
    body = sqlite_reviewed.direct_superior  # a body tasks of province 66 go to
    with sqlite_reviewed.engine.connect() as conn:
        name = conn.execute(
            text("SELECT name FROM unions WHERE code = :code"), {"code": body}
        ).scalar_one()
    phone = page.viewport_size is not None and page.viewport_size["width"] < 640
    _log_in(page, server, "inspector66", "/tasks")
    expect(page.locator("#task-board")).to_have_attribute("data-view", "table")  # many tasks
    expect(page.get_by_test_id("task-count")).to_have_text(re.compile(r"^25 / \d+ việc"))
    _fits(page)

    page.get_by_test_id("filter-rule").select_option(rule)
    page.get_by_role("button", name="Lọc").click()
    expect(page).to_have_url(re.compile(rf"rule={re.escape(rule)}"))
    expect(page).to_have_url(re.compile(r"view=table"))
    rows = page.get_by_test_id("task-row")
    expect(rows.first).to_contain_text("Hạn ")
    assert rows.count() == rows.get_by_test_id("due").count()  # every row has its due date

    # two tasks on the same screen size never both get picked: each size takes its own
    offset = 2 if phone else 0
    picked = [rows.nth(offset), rows.nth(offset + 1)]
    ids = [row.get_attribute("data-task") for row in picked]
    for row in picked:
        row.locator("input[name=ids]").check()
    expect(page.get_by_test_id("selected-count")).to_have_text("(2 việc)")
    page.get_by_test_id("bulk-assignee").select_option(body)
    asked: list[str] = []

    def accept(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    page.get_by_test_id("bulk-apply").click()
    expect(page.get_by_role("status")).to_have_text(message("task.bulk_done", changed=2))
    assert asked == ["Áp dụng thay đổi cho 2 việc đã chọn?"]
    for task_id in ids:
        row = page.locator(f"[data-task='{task_id}']")
        expect(row.get_by_test_id("row-assignee")).to_have_text(name)
    with sqlite_reviewed.engine.connect() as conn:
        stored = conn.execute(
            text("SELECT count(*) FROM audit_log WHERE actor = 'inspector66' AND task_id IN "
                 f"({', '.join(str(i) for i in ids)})")
        ).scalar_one()  # fmt: off
    assert stored == 2  # one audit entry per task

    # the assignee filter by name, typed as a person would, without diacritics
    page.get_by_test_id("filter-assignee").fill(fold(name))
    # the type-ahead's names arrive when the field is used (not sent with every page)
    expect(page.locator(f'#assignee-names option[value="{name}"]')).to_have_count(1)
    page.get_by_role("button", name="Lọc").click()
    expect(page.get_by_test_id("row-assignee").first).to_have_text(name)
    assigned = page.get_by_test_id("row-assignee").all_inner_texts()
    assert set(assigned) == {name} and len(assigned) >= 2
    _fits(page)


def test_the_board_on_a_phone_shows_one_column_at_a_time(page: Page, server: str) -> None:
    _log_in(page, server, "inspector66", "/tasks?view=board")
    phone = page.viewport_size is not None and page.viewport_size["width"] < 640
    expect(page.locator("#task-board")).to_have_attribute("data-view", "board")
    cards = page.get_by_test_id("card")
    expect(cards.first.get_by_test_id("due")).to_be_visible()
    tabs = page.get_by_test_id("tab-in_progress")
    if phone:  # tabs with their counts, one column shown: not "đang xử lý" below all of "mới"
        expect(tabs).to_be_visible()
        expect(tabs).to_have_text(re.compile(r"đang xử lý \(\d+\)"))
        expect(page.get_by_test_id("column-in_progress")).to_be_hidden()
        tabs.click()
        expect(page.get_by_test_id("column-in_progress")).to_be_visible()
        expect(page.get_by_test_id("column-open")).to_be_hidden()
    else:
        expect(tabs).to_be_hidden()
        expect(page.get_by_test_id("column-open")).to_be_visible()
        expect(page.get_by_test_id("column-in_progress")).to_be_visible()
    _fits(page)
    # with no view asked for, a phone gets the table (the address says so), a laptop the choice
    page.goto(f"{server}/tasks?rule=complaint.resolution")
    if phone:
        expect(page).to_have_url(re.compile(r"view=table"))
        expect(page.locator("#task-board")).to_have_attribute("data-view", "table")
    else:
        expect(page.locator("#task-board")).to_have_attribute("data-view", "board")
    _fits(page)
