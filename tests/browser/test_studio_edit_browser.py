"""The studio in a real browser: edit a video (the watch page shows the new title), give it a
custom thumbnail (home shows it), change visibility in bulk, delete through the confirmation
(every file gone)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from apps.videos.models import Video
from tests.apps.videos.studio.conftest import picture, store_every_kind_of_file, stored_names
from tests.browser.accounts import log_in
from tests.factories import CreatorFactory, VideoFactory

pytestmark = pytest.mark.browser


def test_edit_title_and_thumbnail_then_see_them_on_watch_and_home(page, tmp_path):
    creator = CreatorFactory()
    video = VideoFactory(owner=creator, title="Draft title")
    store_every_kind_of_file(video)  # an original to download
    log_in(page, creator)
    page.goto("/studio/")
    page.get_by_role("link", name="Edit Draft title").click()
    page.get_by_label("Title").fill("Sunset over the bay")
    page.get_by_label("Allow downloads").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved “Sunset over the bay”")).to_be_visible()

    image = tmp_path / "cover.png"
    image.write_bytes(picture("PNG", size=(1600, 900), color=(250, 120, 0)))
    page.get_by_label("Upload a picture").set_input_files(str(image))
    # The chosen picture is previewed before it is sent.
    expect(page.locator("[data-thumbnail-preview]")).to_have_attribute("src", re.compile(r"^blob:"))
    page.get_by_role("button", name="Use this picture").click()
    expect(page.get_by_text("The new thumbnail is in place")).to_be_visible()
    expect(page.get_by_role("button", name="Use the automatic poster")).to_be_visible()

    page.goto(f"/watch/{video.id}/")
    expect(page.get_by_role("heading", name="Sunset over the bay")).to_be_visible()
    expect(page.get_by_role("link", name="Download")).to_be_visible()

    page.goto("/")
    # In "recent" (and "popular" too): the first card will do.
    card = page.locator(".video-card").filter(has_text="Sunset over the bay").first
    thumb = card.locator("img")
    expect(thumb).to_have_attribute(
        "src", re.compile(rf"^/media/{video.media_key}/videos/{video.id}/thumbs/")
    )
    thumb.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth === 640", arg=thumb.element_handle()
    )
    # The orange picture, not the automatic poster.
    red = thumb.evaluate(
        """img => { const c = document.createElement('canvas'); c.width = 4; c.height = 4;
        const x = c.getContext('2d'); x.drawImage(img, 0, 0, 4, 4);
        return x.getImageData(1, 1, 1, 1).data[0]; }"""
    )
    assert red > 200


def test_bulk_visibility_and_delete_through_the_confirmation(page):
    creator = CreatorFactory()
    first = VideoFactory(owner=creator, title="Alpha clip")
    second = VideoFactory(owner=creator, title="Beta clip")
    doomed = VideoFactory(owner=creator, title="Gamma clip")
    files = store_every_kind_of_file(doomed)
    log_in(page, creator)
    page.goto("/studio/")

    page.get_by_label("Select Alpha clip").check()
    page.get_by_label("Select Beta clip").check()
    expect(page.get_by_text("2 selected")).to_be_visible()
    page.get_by_label("Set visibility").select_option("private")
    page.get_by_role("button", name="Change visibility").click()
    expect(page.get_by_text("Visibility changed for 2 video(s)")).to_be_visible()
    for video in (first, second):
        expect(page.locator(f"#video-{video.id} [data-visibility]")).to_have_text(
            "Private (only you)"
        )
    expect(page.locator(f"#video-{doomed.id} [data-visibility]")).to_have_text("Public")

    page.get_by_role("link", name="Delete Gamma clip").click()
    expect(page.get_by_role("heading", name="Delete “Gamma clip”?")).to_be_visible()
    assert Video.objects.filter(pk=doomed.pk).exists()
    page.get_by_role("button", name="Delete for good").click()
    expect(page.get_by_text("“Gamma clip” was deleted")).to_be_visible()
    expect(page.locator(f"#video-{doomed.id}")).to_have_count(0)
    assert not Video.objects.filter(pk=doomed.pk).exists()
    assert files and stored_names(doomed.id) == set()
