"""Broadcasts in a real Chromium against a real Daphne: pushed to every open page without a
reload, ended and expired live, dismissed for good, over the player, and caught up after the
push path broke. Content warnings gate the player and are remembered for the session."""

from __future__ import annotations

import json
import urllib.request
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from apps.broadcasts.models import Broadcast
from apps.users.services import token_get_or_create
from tests.browser.accounts import log_in
from tests.factories import ModeratorFactory, UserFactory, VideoFactory

pytestmark = pytest.mark.browser

BANNERS = "#banners"
# Live pages must not reload: a marker set before the push must survive it.
MARK = "() => { window.__notReloaded = true; }"
STILL_SAME_PAGE = "() => window.__notReloaded === true"


def _api(live_site: str, method: str, path: str, user, body: dict | None = None):
    request = urllib.request.Request(
        live_site + path,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={
            "Authorization": f"Token {token_get_or_create(user=user)}",
            "Content-Type": "application/json",
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, json.loads(response.read() or b"null")


def _open_live(page: Page, path: str = "/") -> None:
    page.goto(path)
    page.wait_for_function("() => document.getElementById('banners').dataset.socket === 'open'")
    page.evaluate(MARK)


def _second_page(browser, live_site) -> Page:
    context = browser.new_context(base_url=live_site, viewport={"width": 1280, "height": 800})
    other = context.new_page()
    other.set_default_timeout(15_000)
    return other


def test_two_open_pages_show_a_broadcast_without_reload_and_lose_it_when_ended(
    page, browser, live_site
):
    moderator = ModeratorFactory()
    video = VideoFactory()
    other = _second_page(browser, live_site)
    try:
        _open_live(page, "/")
        _open_live(other, f"/watch/{video.id}/")
        status, body = _api(
            live_site, "POST", "/api/v1/broadcasts/", moderator,
            {"message": "Storm <b>warning</b>: stay indoors", "severity": "warning"},
        )  # fmt: skip
        assert status == 201
        for p in (page, other):
            banner = p.locator(f'{BANNERS} [data-broadcast-id="{body["id"]}"]')
            # Escaped: the tags are text, not markup. (The issue asks for a second; the timeout
            # leaves room for the shared machine's load: benchmarks/broadcast.py measures it.)
            expect(banner).to_contain_text("Storm <b>warning</b>: stay indoors", timeout=5_000)
            assert p.evaluate(STILL_SAME_PAGE)
        assert _api(live_site, "DELETE", f"/api/v1/broadcasts/{body['id']}/", moderator)[0] == 204
        for p in (page, other):
            expect(p.locator(f'[data-broadcast-id="{body["id"]}"]')).to_have_count(0)
            assert p.evaluate(STILL_SAME_PAGE)
    finally:
        other.context.close()


def test_video_broadcast_shows_only_on_its_video_and_news_flashes_rotate(page, live_site):
    moderator = ModeratorFactory()
    video, elsewhere = VideoFactory(), VideoFactory()
    _open_live(page, f"/watch/{elsewhere.id}/")
    _api(live_site, "POST", "/api/v1/broadcasts/", moderator,
         {"message": "Not for this page", "video": video.id})  # fmt: skip
    flashes = [
        _api(
            live_site,
            "POST",
            "/api/v1/broadcasts/",
            moderator,
            {"message": f"Flash {n}", "display": "ticker"},
        )[1]  # fmt: skip
        for n in (1, 2)
    ]
    ticker = page.locator("[data-ticker]")
    expect(ticker.locator(".ticker-item")).to_have_count(2)
    # One line at a time, rotating.
    expect(ticker.locator(".ticker-item:visible")).to_have_count(1)
    first = ticker.locator(".ticker-item:visible").get_attribute("data-broadcast-id")
    page.wait_for_function(
        "(first) => { const v = [...document.querySelectorAll('[data-ticker] .ticker-item')]"
        ".filter(e => !e.hidden); return v.length === 1 && v[0].dataset.broadcastId !== first; }",
        arg=first,
        timeout=15_000,
    )
    assert {str(f["id"]) for f in flashes} >= {first}
    expect(page.get_by_text("Not for this page")).to_have_count(0)
    _open_live(page, f"/watch/{video.id}/")
    expect(page.locator("#video-banners")).to_contain_text("Not for this page")


def test_dismissal_persists_across_a_reload_and_critical_cannot_be_dismissed(page, live_site):
    user = UserFactory()
    info = Broadcast.objects.create(message="Scheduled maintenance", severity="info")
    critical = Broadcast.objects.create(message="Evacuate the building", severity="critical")
    log_in(page, user)
    _open_live(page, "/")
    alert = page.get_by_role("alert").filter(has_text="Evacuate the building")
    expect(alert).to_be_visible()
    expect(alert.get_by_role("button")).to_have_count(0)
    dismiss = page.get_by_role("button", name="Dismiss: Scheduled maintenance")
    dismiss.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Scheduled maintenance")).to_have_count(0)
    page.wait_for_function(
        f"() => fetch('/api/v1/broadcasts/active/').then(r => r.json())"
        f".then(d => !d.results.some(b => b.id === {info.id}))"
    )
    page.reload()
    expect(page.get_by_role("alert").filter(has_text="Evacuate the building")).to_be_visible()
    expect(page.get_by_text("Scheduled maintenance")).to_have_count(0)
    assert critical.id


def test_expiry_removes_the_banner_without_a_request(page, live_site):
    Broadcast.objects.create(
        message="Short notice", expires_at=timezone.now() + timedelta(seconds=4)
    )
    _open_live(page, "/")
    banner = page.get_by_text("Short notice")
    expect(banner).to_be_visible()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    expect(banner).to_have_count(0, timeout=15_000)
    assert page.evaluate(STILL_SAME_PAGE)
    assert not [u for u in requests if "/broadcasts/" in u], requests


def test_a_page_without_websockets_polls_the_active_list(page, live_site):
    moderator = ModeratorFactory()
    page.add_init_script("delete window.WebSocket;")
    page.goto("/")
    page.evaluate(MARK)
    _, body = _api(live_site, "POST", "/api/v1/broadcasts/", moderator,
                   {"message": "Seen by polling", "severity": "info"})  # fmt: skip
    expect(page.get_by_text("Seen by polling")).to_be_visible(timeout=25_000)
    _api(live_site, "DELETE", f"/api/v1/broadcasts/{body['id']}/", moderator)
    expect(page.get_by_text("Seen by polling")).to_have_count(0, timeout=25_000)
    assert page.evaluate(STILL_SAME_PAGE)


def test_a_keyboard_dismissal_survives_the_catch_up_rebuilding_the_banner(page, live_site):
    """The catch-up after the socket opens (or the tab coming back) rebuilds the banners: a
    keyboard user already on a Dismiss button keeps it, so Enter still dismisses (a late
    catch-up under load once swallowed the keypress)."""
    Broadcast.objects.create(message="Roadworks on Friday", severity="info")
    _open_live(page, "/")
    page.get_by_role("button", name="Dismiss: Roadworks on Friday").focus()
    # What a late catch-up does: the banner rebuilt from the active list, under the focus.
    page.evaluate("() => { document.querySelector('[data-broadcast-id]').dataset.old = '1'; }")
    page.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")
    page.wait_for_function("() => !document.querySelector('[data-old]')", timeout=10_000)
    assert page.evaluate("() => document.activeElement.className") == "banner-dismiss"
    page.keyboard.press("Enter")
    expect(page.get_by_text("Roadworks on Friday")).to_have_count(0)
