"""The programme pages in a real browser (Debian's chromium through Playwright), on a desktop
(1366 px) and a phone (390 px): the grid's colours, the lead filter, and a progress report filed
with an evidence file by the lead body's account."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from compliance.settings import today
from tests.engine.programme_fixture import PROGRAMME
from tests.web.conftest import PASSWORD, serving
from tests.web.programme_site import build_site

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
RED = "rgb(253, 236, 234)"  # .cell.missing
GREEN = "rgb(231, 244, 236)"  # .cell.done


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    engine = build_site(tmp_path, monkeypatch)
    with serving(engine) as url:
        yield url
    engine.dispose()


@pytest.fixture(params=[(1366, 768), (390, 844)], ids=["desktop", "phone"])
def page(request: pytest.FixtureRequest) -> Iterator[Page]:
    width, height = request.param
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": height})
        page = context.new_page()
        violations: list[str] = []
        page.on(
            "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
        )
        yield page
        context.close()
        browser.close()
        assert violations == [], violations


def test_grid_filter_and_a_filed_report(page: Page, server: str, tmp_path: Path) -> None:
    page.goto(f"{server}/programmes")
    page.get_by_label("Tên đăng nhập").fill("inspector80")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(f"{server}/programmes")
    page.get_by_role("link", name="Chương trình hành động thử").click()

    one_off = page.get_by_test_id("item-1")
    expect(one_off).to_be_visible()
    assert (
        one_off.locator(".cell").first.evaluate("e => getComputedStyle(e).backgroundColor") == RED
    )
    width = page.viewport_size["width"]  # type: ignore[index]
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # the grid scrolls alone

    page.get_by_test_id("filter-lead").select_option("Ban A")
    page.get_by_role("button", name="Lọc").click()
    expect(page).to_have_url(f"{server}/programmes/{PROGRAMME}?lead=Ban+A")
    cell = page.get_by_test_id("item-1").locator(".cell").first
    assert cell.evaluate("e => getComputedStyle(e).backgroundColor") == GREEN

    page.get_by_test_id("item-1").get_by_role("link").first.click()
    form = page.get_by_test_id("report-form")
    form.get_by_label("Cơ quan chủ trì").select_option("Ban B")
    form.get_by_label("Tình hình thực hiện").select_option("done")
    form.get_by_label("Ngày báo cáo").fill(today().isoformat())
    evidence = tmp_path / "bien-ban.pdf"
    evidence.write_bytes(b"%PDF-1.4 bien ban")
    form.get_by_label("Hoặc tệp minh chứng").set_input_files(str(evidence))
    form.get_by_label("Ghi chú").fill("Đã tổ chức hội nghị")
    form.get_by_role("button", name="Ghi báo cáo").click()

    expect(page.get_by_role("status")).to_have_text("Đã ghi báo cáo tiến độ của Ban B.")
    latest = page.get_by_test_id("item-history").locator("tbody tr").first
    expect(latest).to_contain_text("Ban B")
    expect(latest).to_contain_text("Đã hoàn thành")
    expect(latest).to_contain_text("Đã tổ chức hội nghị")
    expect(latest.get_by_role("link", name="tệp đính kèm")).to_be_visible()
