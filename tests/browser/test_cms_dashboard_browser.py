"""The operations dashboard in a real Chromium: it loads under the strict CSP, and its SVG
charts draw one bar per day and per video."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.accounts import log_in
from tests.factories import UserFactory, VideoFactory

pytestmark = pytest.mark.browser


def test_dashboard_loads_with_its_charts(page):
    admin = UserFactory(is_staff=True, is_superuser=True)
    for i, views in enumerate([300, 120, 40]):
        VideoFactory(title=f"Popular {i}", views=views, source_size=(i + 1) * 2**20)
    VideoFactory(title="Failed clip", status="failed", error="No video stream.")
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )

    log_in(page, admin)
    page.goto("/admin/")
    page.get_by_role("link", name="Operations dashboard").click()
    expect(page.get_by_role("heading", name="Operations dashboard")).to_be_visible()

    uploads = page.get_by_role("img", name="Uploads per day")
    expect(uploads).to_be_visible()
    expect(uploads.locator("rect")).to_have_count(14)
    top = page.get_by_role("img", name="Top videos by views")
    expect(top.locator("rect")).to_have_count(3)
    # The longest bar is the most watched video's, and it has real size on screen.
    widths = [
        float(w) for w in top.locator("rect").evaluate_all("rs => rs.map(r => r.getBBox().width)")
    ]
    assert widths[0] > widths[1] > widths[2] > 0
    expect(page.get_by_role("img", name="Storage per user")).to_be_visible()
    expect(page.locator("[data-problem]").filter(has_text="Failed clip")).to_be_visible()
    assert violations == []
