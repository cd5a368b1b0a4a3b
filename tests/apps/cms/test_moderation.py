"""Report → queue → hide: the video leaves home, search, feeds and the API for everyone but
its owner and staff, and the owner sees the reason. Every action is logged."""

import pytest
from django.core.cache import cache

from apps.cms import moderation, services
from apps.cms.models import (
    ActionKind,
    HomeSection,
    ModerationAction,
    ModerationSettings,
    SectionKind,
)
from apps.videos import search
from apps.videos.models import ModerationState, Video
from tests.factories import CreatorFactory, ModeratorFactory, UserFactory, VideoFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator():
    user = ModeratorFactory(is_staff=True)
    from apps.users.services import roles_ensure

    roles_ensure()
    return user


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def _seen_everywhere(client, api_client, video: Video) -> dict[str, bool]:
    return {
        "home": video.title in client.get("/").content.decode(),
        "search": video.title in client.get("/search/", {"q": "Reportable"}).content.decode(),
        "api list": video.id in str(api_client.get("/api/v1/videos/").json()),
        "api detail": api_client.get(f"/api/v1/videos/{video.id}/").status_code == 200,
        "watch": client.get(video.get_absolute_url()).status_code == 200,
    }


def test_report_queue_hide_and_the_owner_sees_why(client, api_client, moderator):
    video = VideoFactory(title="Reportable clip")
    search.video_reindex(video=video)
    services.section_save(section=HomeSection(kind=SectionKind.NEW, title="Fresh"))
    viewer = UserFactory()
    client.force_login(viewer)
    assert all(_seen_everywhere(client, api_client, video).values())

    # The watch page's Report button, with a reason.
    page = client.get(video.get_absolute_url()).content.decode()
    assert f'action="/watch/{video.id}/report/"' in page and 'name="reason"' in page
    client.post(f"/watch/{video.id}/report/", {"reason": "spam", "note": "ads"})

    # In the queue.
    client.force_login(moderator)
    queue = client.get("/admin/cms/queuedvideo/").content.decode()
    assert "Reportable clip" in queue

    # Hidden with a reason.
    response = client.post(
        "/admin/cms/queuedvideo/",
        {"action": "hide", "_selected_action": [video.pk], "reason": "Misleading title"},
    )
    assert response.status_code == 302
    video.refresh_from_db()
    assert video.moderation_state == ModerationState.HIDDEN

    client.force_login(viewer)
    api_client.force_authenticate(viewer)
    assert not any(_seen_everywhere(client, api_client, video).values())
    client.logout()
    api_client.force_authenticate(None)
    assert not any(_seen_everywhere(client, api_client, video).values())

    # The owner still watches it, and reads why.
    client.force_login(video.owner)
    owner_page = client.get(video.get_absolute_url())
    assert owner_page.status_code == 200 and b"Misleading title" in owner_page.content
    assert b"Misleading title" in client.get("/studio/").content
    api_client.force_authenticate(video.owner)
    assert api_client.get(f"/api/v1/videos/{video.id}/").status_code == 200

    log = ModerationAction.objects.get(kind=ActionKind.HIDE)
    assert (log.by, log.video_id, log.reason) == (moderator, video.id, "Misleading title")
    assert log.created_at is not None


def test_enough_distinct_reporters_hide_a_video_pending_review(client):
    ModerationSettings.objects.update_or_create(pk=1, defaults={"report_threshold": 2})
    video = VideoFactory()
    first = UserFactory()
    moderation.report_video(video=video, by=first, reason="spam")
    with pytest.raises(Exception, match="already reported"):
        moderation.report_video(video=video, by=first, reason="hate")
    video.refresh_from_db()
    assert video.moderation_state == ModerationState.VISIBLE  # one account, however often
    moderation.report_video(video=video, by=UserFactory(), reason="spam")
    video.refresh_from_db()
    assert video.moderation_state == ModerationState.PENDING
    assert client.get(video.get_absolute_url()).status_code == 404
    assert ModerationAction.objects.filter(kind=ActionKind.AUTO_HIDE, video_id=video.id).exists()


def test_approve_restores_and_closes_reports(moderator):
    video = VideoFactory(moderation_state=ModerationState.PENDING)
    moderation.report_video(video=video, by=UserFactory(), reason="spam")
    moderation.video_approve(video=video, by=moderator)
    video.refresh_from_db()
    assert video.moderation_state == ModerationState.VISIBLE
    assert video.reports.filter(resolved_at__isnull=True).count() == 0


def test_warn_ban_and_delete_are_logged(client, moderator, django_capture_on_commit_callbacks):
    video = VideoFactory()
    other = VideoFactory(owner=video.owner)
    moderation.uploader_warn(video=video, by=moderator, reason="Second spam upload")
    client.force_login(video.owner)
    assert "Second spam upload" in client.get("/studio/").content.decode()
    moderation.uploader_ban(video=video, by=moderator, reason="Spam account")
    video.owner.refresh_from_db()
    other.refresh_from_db()
    assert not video.owner.is_active and other.moderation_state == ModerationState.HIDDEN
    with django_capture_on_commit_callbacks(execute=True):
        moderation.video_remove(video=other, by=moderator, reason="spam")
    assert not Video.objects.filter(pk=other.pk).exists()
    kinds = set(ModerationAction.objects.values_list("kind", flat=True))
    assert {ActionKind.WARN, ActionKind.BAN, ActionKind.DELETE} <= kinds


def test_viewers_cannot_moderate():
    video = VideoFactory()
    with pytest.raises(Exception, match="moderators"):
        moderation.video_hide(video=video, by=UserFactory(), reason="no")


def test_premoderation_holds_new_accounts_uploads(api_client):
    import io

    ModerationSettings.objects.update_or_create(pk=1, defaults={"premoderate_new_accounts": True})
    api_client.force_authenticate(CreatorFactory())
    data = {"title": "First upload", "file": io.BytesIO(b"\x00" * 1024)}
    data["file"].name = "a.mp4"
    body = api_client.post("/api/v1/videos/", data, format="multipart").json()
    video = Video.objects.get(pk=body["id"])
    assert video.moderation_state == ModerationState.PENDING
    assert ModerationAction.objects.filter(kind=ActionKind.HOLD, video_id=video.id).exists()
    ModerationSettings.objects.filter(pk=1).update(premoderate_new_accounts=False)
    body = api_client.post(
        "/api/v1/videos/",
        {"title": "Second", "file": io.BytesIO(b"\x00" * 1024)},
        format="multipart",
    ).json()
    assert Video.objects.get(pk=body["id"]).moderation_state == ModerationState.VISIBLE


def test_report_api(api_client):
    video = VideoFactory()
    api_client.force_authenticate(UserFactory())
    bad = api_client.post(f"/api/v1/videos/{video.id}/report/", {"reason": "meh"})
    assert bad.status_code == 400 and "reason" in bad.json()
    ok = api_client.post(f"/api/v1/videos/{video.id}/report/", {"reason": "spam"})
    assert ok.status_code == 201
    again = api_client.post(f"/api/v1/videos/{video.id}/report/", {"reason": "spam"})
    assert again.status_code == 400 and "already" in again.json()["error"]
