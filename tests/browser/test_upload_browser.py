"""The upload page as a person uses it, in a real Chromium against the live server."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from apps.videos.models import Video
from tests.browser.accounts import log_in
from tests.factories import CreatorFactory, UserFactory

pytestmark = pytest.mark.browser


def test_creator_uploads_a_file_and_reaches_the_watch_link(page):
    creator = CreatorFactory()
    log_in(page, creator)
    page.goto("/upload/")
    data = os.urandom(512 * 1024 + 77)
    page.set_input_files(
        "#upload-file", files=[{"name": "clip.mp4", "mimeType": "video/mp4", "buffer": data}]
    )
    page.get_by_label("Title").fill("From the browser")
    page.get_by_label("Visibility").select_option("unlisted")
    page.get_by_role("button", name="Upload").click()

    watch_link = page.get_by_role("link", name="Open the watch page")
    expect(watch_link).to_have_attribute("href", re.compile(r"^/watch/[\w-]+/$"))
    expect(page.locator("#upload-progress-text")).to_contain_text("(100%)")
    video_id = watch_link.get_attribute("href").split("/")[2]
    page.wait_for_url(f"**/studio/?highlight={video_id}")

    video = Video.objects.get(pk=video_id)
    assert video.owner == creator and video.title == "From the browser"
    assert video.visibility == "unlisted" and video.source_size == len(data)


def test_refusal_from_the_server_is_shown(page, settings):
    log_in(page, CreatorFactory())
    page.goto("/upload/")
    # Lowered after the page has its (higher) limit: the server is the judge, and says why.
    settings.MAX_UPLOAD_MB = 1
    page.set_input_files(
        "#upload-file",
        files=[{"name": "big.mp4", "mimeType": "video/mp4", "buffer": b"\0" * (1024 * 1024 + 1)}],
    )
    page.get_by_label("Title").fill("Too big")
    page.get_by_role("button", name="Upload").click()
    expect(
        page.get_by_role("status").filter(has_text="The file is 1.0 MB; the limit is 1 MB")
    ).to_be_visible()
    assert not Video.objects.exists()


def test_non_creator_is_told_how_to_start_a_channel(page):
    log_in(page, UserFactory())
    response = page.goto("/upload/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="Start a channel to upload")).to_be_visible()
    page.get_by_role("button", name="Start a channel").click()
    page.wait_for_url("**/upload/")
    expect(page.get_by_role("heading", name="Upload a video")).to_be_visible()
