"""A viewer reports a video from the watch page (no script needed: a form inside <details>);
the moderators' queue lists it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from apps.cms.models import Report
from tests.browser.accounts import log_in
from tests.factories import UserFactory, VideoFactory

pytestmark = pytest.mark.browser


def test_viewer_reports_a_video_with_a_reason(page):
    video = VideoFactory(title="Suspicious clip", status="processing")
    viewer = UserFactory()
    log_in(page, viewer)
    page.goto(f"/watch/{video.id}/")
    page.get_by_text("Report", exact=True).click()
    page.get_by_label("Why are you reporting this video?").select_option("spam")
    page.get_by_label("Details (optional)").fill("Links to a scam")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_text("moderators will review this video")).to_be_visible()
    report = Report.objects.get(video=video)
    assert (report.reporter, report.reason, report.note) == (viewer, "spam", "Links to a scam")
