"""Two real Chromium pages on one video: a reaction, a comment (hostile text, shown as text), an
edit, a removal and a like made in one appear in the other without a reload; anonymous
viewers cannot write."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.accounts import log_in
from tests.factories import UserFactory, VideoFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def site(live_site):
    """The live server; at the end, waits for the coalescer to finish what it was sending and
    storing, before the database is emptied under it."""
    yield live_site
    from apps.reactions.live import coalescer

    assert coalescer.wait_idle()


HOSTILE = '<img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script> & done'


def _open(browser, site, user, video):
    context = browser.new_context(base_url=site, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    if user is not None:
        log_in(page, user)
    page.goto(f"/watch/{video.id}/")
    expect(page.locator("article.watch")).to_have_attribute("data-socket", "open")
    return context, page


def test_two_pages_see_each_others_reactions_comments_and_likes(browser, site):
    video = VideoFactory(title="Social test")
    alice, bob = UserFactory(), UserFactory()
    ctx_a, a = _open(browser, site, alice, video)
    ctx_b, b = _open(browser, site, bob, video)
    try:
        expect(a.locator("[data-viewer-count]")).to_have_text("2")

        a.get_by_role("button", name="React Fire").click()
        expect(b.locator(".reaction-float").first).to_be_attached()
        expect(b.locator('[data-reaction-count="🔥"]')).to_have_text("1")

        a.get_by_label("Add a comment").fill(HOSTILE)
        a.get_by_role("button", name="Comment", exact=True).click()
        comment_b = b.locator(".comment").filter(has_text="& done")
        expect(comment_b).to_have_count(1)
        expect(comment_b.locator("[data-comment-body]")).to_contain_text("<img src=x")
        assert b.locator(".comment img").count() == 0
        assert b.evaluate("window.__pwned") is None and a.evaluate("window.__pwned") is None
        expect(b.locator("[data-comment-count]")).to_have_text("1")

        a.get_by_role("button", name="Like", exact=True).click()
        expect(a.get_by_role("button", name="Like", exact=True)).to_have_attribute(
            "aria-pressed", "true"
        )
        expect(b.locator("[data-like-count]")).to_have_text("1")

        # Bob replies; Alice sees it in the thread.
        comment_b.get_by_role("button", name="Reply").click()
        b.get_by_label("Reply", exact=True).fill("a reply from bob")
        b.get_by_role("button", name="Reply", exact=True).last.click()
        expect(
            a.locator(".comment-replies .comment").filter(has_text="a reply from bob")
        ).to_have_count(1)

        # Alice edits hers (marked edited on Bob's page), then deletes it.
        mine = a.locator(".comment").filter(has_text="& done").first
        mine.get_by_role("button", name="Edit").first.click()
        a.get_by_label("Edit comment").fill("now harmless")
        a.get_by_role("button", name="Save").click()
        edited = b.locator(".comment").filter(has_text="now harmless").first
        expect(edited.locator(".comment-edited").first).to_be_visible()
        a.once("dialog", lambda dialog: dialog.accept())
        a.locator(".comment").filter(has_text="now harmless").first.get_by_role(
            "button", name="Delete"
        ).first.click()
        expect(b.locator(".comment").filter(has_text="now harmless")).to_have_count(0)
    finally:
        ctx_a.close()
        ctx_b.close()


def test_anonymous_viewer_cannot_write(browser, site):
    video = VideoFactory()
    ctx, page = _open(browser, site, None, video)
    try:
        expect(page.get_by_role("button", name="React Fire")).to_be_disabled()
        expect(page.get_by_label("Add a comment")).to_have_count(0)
        status = page.evaluate(
            """async (id) => (await fetch(`/api/v1/videos/${id}/reactions/`, {method: 'POST',
                headers: {'Content-Type': 'application/json'}, body: '{"emoji": "🔥"}'})).status""",
            video.id,
        )
        assert status in (401, 403)
        page.get_by_role("button", name="Like", exact=True).click()
        expect(page).to_have_url(re.compile(r"/accounts/login/"))
    finally:
        ctx.close()


# Lets the test drop page B's socket and hold its reconnection (an unknown path is refused).
SOCKET_SWITCH = """
const Native = window.WebSocket;
window.__sockets = [];
window.__blockSockets = false;
window.WebSocket = function (url, protocols) {
  const target = window.__blockSockets ? url.replace('/ws/videos/', '/ws/blocked/') : url;
  const ws = new Native(target, protocols);
  window.__sockets.push(ws);
  return ws;
};
window.WebSocket.prototype = Native.prototype;
window.WebSocket.OPEN = Native.OPEN;
window.WebSocket.CLOSED = Native.CLOSED;
"""


def test_a_page_whose_socket_dropped_catches_up_when_it_reconnects(browser, site):
    video = VideoFactory()
    alice, bob = UserFactory(), UserFactory()
    ctx_a, a = _open(browser, site, alice, video)
    ctx_b = browser.new_context(base_url=site, viewport={"width": 1280, "height": 900})
    ctx_b.add_init_script(SOCKET_SWITCH)
    b = ctx_b.new_page()
    b.set_default_timeout(15_000)
    try:
        log_in(b, bob)
        b.goto(f"/watch/{video.id}/")
        watch_b = b.locator("article.watch")
        expect(watch_b).to_have_attribute("data-socket", "open")
        b.evaluate("window.__blockSockets = true; window.__sockets.at(-1).close()")
        expect(watch_b).to_have_attribute("data-socket", "closed")

        a.get_by_label("Add a comment").fill("said while you were away")
        a.get_by_role("button", name="Comment", exact=True).click()
        expect(a.locator(".comment").filter(has_text="while you were away")).to_have_count(1)
        a.get_by_role("button", name="Like", exact=True).click()
        expect(a.locator("[data-like-count]")).to_have_text("1")
        assert b.locator(".comment").filter(has_text="while you were away").count() == 0

        b.evaluate("window.__blockSockets = false")
        expect(watch_b).to_have_attribute("data-socket", "open")
        expect(b.locator(".comment").filter(has_text="while you were away")).to_have_count(1)
        expect(b.locator("[data-like-count]")).to_have_text("1")
        expect(b.locator("[data-comment-count]")).to_have_text("1")
    finally:
        ctx_a.close()
        ctx_b.close()


@pytest.mark.pipeline
def test_processing_watch_page_follows_its_socket_instead_of_polling(
    page, pipeline_worker, samples
):
    from apps.videos.pipeline.actors import process_video
    from tests.factories import CreatorFactory, stored_upload

    creator = CreatorFactory()
    video = stored_upload(samples["tiny_360p_4s.mp4"], owner=creator)
    log_in(page, creator)
    api = f"/api/v1/videos/{video.id}/"
    polls: list[str] = []
    page.on("request", lambda r: polls.append(r.url) if r.url.endswith(api) else None)
    page.goto(f"/watch/{video.id}/")
    expect(page.locator("article.watch")).to_have_attribute("data-socket", "open")
    process_video.send(video.id, video.generation)
    expect(page.locator("#player")).to_be_visible(timeout=60_000)
    # One look when the socket opened (it could have become ready just before), no polling.
    assert len(polls) <= 1
