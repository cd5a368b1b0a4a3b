"""Server-rendered banners, the moderation page, content warnings and disclaimers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.broadcasts import services
from apps.broadcasts.models import Broadcast, BroadcastLogEntry
from tests.factories import CreatorFactory, ModeratorFactory, UserFactory, VideoFactory

pytestmark = pytest.mark.django_db


def _banners(html: str) -> str:
    start = html.index('id="banners"')
    return html[start : html.index("</div>\n<script", start)]


def test_pages_render_banners_in_force_escaped_and_accessible(client):
    Broadcast.objects.create(message="<script>alert(1)</script> Heads up", severity="info")
    Broadcast.objects.create(message="Evacuate", severity="critical")
    Broadcast.objects.create(message="Gone", ended_at=timezone.now())
    Broadcast.objects.create(
        message="Old", starts_at=timezone.now() - timedelta(hours=2),
        expires_at=timezone.now() - timedelta(hours=1),
    )  # fmt: skip
    Broadcast.objects.create(message="Flash one", display="ticker")
    html = client.get("/").content.decode()
    region = _banners(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Heads up" in region
    assert "<script>alert(1)" not in html
    assert "Gone" not in region and "Old" not in region
    critical = region[region.index('data-severity="critical"') :]
    assert 'role="alert"' in critical[:200]
    # Info has a focusable dismiss button with a name; critical has none.
    assert region.count('data-action="dismiss-broadcast"') == 2  # info + the news flash
    assert 'aria-label="Dismiss: &lt;script&gt;' in region
    assert "News flash:</span> Flash one" in region
    assert "js/broadcasts.js" in html


def test_dismissed_banners_are_not_rendered_again(client):
    info = Broadcast.objects.create(message="Dismiss me")
    Broadcast.objects.create(message="Critical stays", severity="critical")
    client.post(f"/api/v1/broadcasts/{info.id}/dismiss/")
    region = _banners(client.get("/").content.decode())
    assert "Dismiss me" not in region and "Critical stays" in region
    other = client.__class__()  # another visitor
    assert "Dismiss me" in _banners(other.get("/").content.decode())
    # Signed in, it follows the account to a new browser.
    user = UserFactory()
    other.force_login(user)
    other.post(f"/api/v1/broadcasts/{info.id}/dismiss/")
    fresh = client.__class__()
    fresh.force_login(user)
    assert "Dismiss me" not in _banners(fresh.get("/").content.decode())


def test_watch_page_shows_its_videos_banners_and_the_staff_disclaimer(client):
    video, other = VideoFactory(), VideoFactory()
    Broadcast.objects.create(message="About this clip", video=video)
    Broadcast.objects.create(message="About another", video=other)
    services.disclaimer_set(
        video=video, text="Footage not independently verified.", by=UserFactory(is_staff=True)
    )
    html = client.get(f"/watch/{video.id}/").content.decode()
    slot = html[html.index('id="video-banners"') : html.index('class="player-wrap"')]
    assert "About this clip" in slot
    assert "About another" not in html
    assert 'class="disclaimer"' in html and "Footage not independently verified." in html
    assert "Footage not" not in client.get(f"/watch/{other.id}/").content.decode()


def test_only_staff_attach_disclaimers(db):
    video = VideoFactory()
    with pytest.raises(services.PermissionDenied):
        services.disclaimer_set(video=video, text="x", by=ModeratorFactory())


def test_content_warning_blurs_the_home_poster_and_gates_the_watch_page(client):
    video = VideoFactory(title="Sensitive", content_warning="Graphic injury")
    VideoFactory(title="Plain")
    home = client.get("/").content.decode()
    card = home[home.index("thumb thumb-warning") : home.index("Sensitive")]
    assert "Content warning" in card
    # Blurred wherever the warned video is listed (recent, popular), and only there.
    assert home.count('thumb-warning"') == home.count('class="title">Sensitive<') >= 1
    watch = client.get(f"/watch/{video.id}/").content.decode()
    assert "Graphic injury" in watch and "data-content-warning" in watch
    assert "js/content-warning.js" in watch
    assert watch.index("js/content-warning.js") < watch.index("js/player.js")


def test_moderators_set_content_warnings_viewers_and_other_creators_cannot(client):
    video = VideoFactory()
    for outsider in (UserFactory(), CreatorFactory()):
        with pytest.raises(services.PermissionDenied):
            services.content_warning_set(video=video, reason="x", by=outsider)
    services.content_warning_set(video=video, reason="Flashing lights", by=video.owner)
    client.force_login(ModeratorFactory())
    response = client.post(
        "/moderation/content-warning/", {"cw-video": video.id, "cw-content_warning": "Gore"}
    )
    assert response.status_code == 302
    video.refresh_from_db()
    assert video.content_warning == "Gore"


@pytest.mark.parametrize("make_user, status", [(UserFactory, 403), (CreatorFactory, 403)])
def test_moderation_page_is_for_moderators_and_staff(client, make_user, status):
    assert client.get("/moderation/broadcasts/").status_code == 302  # to sign in
    client.force_login(make_user())
    assert client.get("/moderation/broadcasts/").status_code == status
    assert client.post("/moderation/broadcasts/", {"b-message": "x"}).status_code == status
    assert not Broadcast.objects.exists()


def test_moderators_issue_and_end_from_the_page_and_read_the_log(client):
    mod = ModeratorFactory(username="mod-page")
    client.force_login(mod)
    page = client.get("/moderation/broadcasts/")
    assert page.status_code == 200 and "Issue a broadcast" in page.content.decode()
    response = client.post(
        "/moderation/broadcasts/",
        {"b-message": "Scheduled outage tonight", "b-severity": "warning", "b-display": "banner"},
    )
    assert response.status_code == 302
    broadcast = Broadcast.objects.get()
    assert broadcast.severity == "warning" and broadcast.created_by == mod
    bad = client.post(
        "/moderation/broadcasts/",
        {"b-message": "x", "b-severity": "info", "b-display": "banner", "b-video": "nope"},
    )
    assert bad.status_code == 200 and "No such video." in bad.content.decode()
    client.post(f"/moderation/broadcasts/{broadcast.id}/end/")
    broadcast.refresh_from_db()
    assert broadcast.ended_by == mod
    log = client.get("/moderation/broadcasts/").content.decode()
    log = log[log.index('id="log-heading"') :]
    assert log.count("mod-page") == 2 and "Issued" in log and "Ended" in log
    assert BroadcastLogEntry.objects.count() == 2


def test_staff_issue_edit_and_end_in_the_admin_through_the_services(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    add = client.post(
        "/admin/broadcasts/broadcast/add/",
        {"message": "From the admin", "severity": "critical", "display": "banner",
         "starts_at_0": timezone.now().strftime("%Y-%m-%d"),
         "starts_at_1": timezone.now().strftime("%H:%M:%S"), "live_stream_id": "",
         "log-TOTAL_FORMS": "0", "log-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert add.status_code == 302, add.content.decode()[:3000]
    broadcast = Broadcast.objects.get()
    assert broadcast.created_by == staff
    response = client.post(
        "/admin/broadcasts/broadcast/",
        {"action": "end_broadcasts", "_selected_action": [broadcast.id]},
    )
    assert response.status_code == 302
    broadcast.refresh_from_db()
    assert broadcast.ended_at is not None
    actions = list(BroadcastLogEntry.objects.order_by("at", "id").values_list("action", flat=True))
    assert actions == ["issued", "ended"]
    assert client.get(f"/admin/broadcasts/broadcast/{broadcast.id}/change/").status_code == 200
    past = client.post(
        "/admin/broadcasts/broadcast/add/",
        {"message": "Too late", "severity": "info", "display": "banner",
         "starts_at_0": "2020-01-01", "starts_at_1": "00:00:00",
         "expires_at_0": "2020-01-02", "expires_at_1": "00:00:00", "live_stream_id": "",
         "log-TOTAL_FORMS": "0", "log-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert past.status_code == 200 and "already past" in past.content.decode()
    assert client.get("/admin/broadcasts/broadcastlogentry/").status_code == 200
