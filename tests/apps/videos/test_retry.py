"""The owner (studio) and staff (admin) see which part of a ready video failed and why, and
retry it."""

from __future__ import annotations

from django.utils import timezone

from apps.videos.models import PipelineTask
from tests.factories import VideoFactory

PLAN = {"rungs": [{"name": "144p", "group": 0}, {"name": "360p", "group": 1}], "chunks": []}
REASON = "Failed after several attempts (OSError: disk full)"


def _ready_with_a_failed_rung():
    video = VideoFactory(
        plan=PLAN,
        error=f"Packaging the 360p rung: {REASON}",
        processing_finished_at=timezone.now(),
    )
    for rung, group in (("144p", 0), ("360p", 1)):
        PipelineTask.objects.create(
            video=video, generation=1, kind="package", rung=rung, group=group,
            done_at=timezone.now() if rung == "144p" else None,
            failed_at=None if rung == "144p" else timezone.now(),
            error="" if rung == "144p" else REASON,
        )  # fmt: skip
    PipelineTask.objects.create(
        video=video, generation=1, kind="chunk", group=1, done_at=timezone.now()
    )
    return video


def test_owner_sees_the_failed_part_and_retries_it(db, client, django_capture_on_commit_callbacks):
    video = _ready_with_a_failed_rung()
    client.force_login(video.owner)
    page = client.get("/studio/").content.decode()
    assert "Packaging the 360p rung: Failed after several attempts" in page
    assert f'action="/studio/{video.id}/retry/"' in page
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(f"/studio/{video.id}/retry/")
    assert response.status_code == 302
    video.refresh_from_db()
    assert video.status == "ready" and video.error is None and video.progress < 100
    failed = PipelineTask.objects.get(video=video, rung="360p")
    assert failed.failed_at is None and failed.error == ""
    # Scratch chunks are removed when processing ends: the rung's chunks are made again.
    assert PipelineTask.objects.get(video=video, kind="chunk").done_at is None
    assert queued  # processing is sent on commit


def test_a_stranger_cannot_retry(db, client):
    from tests.factories import UserFactory

    video = _ready_with_a_failed_rung()
    client.force_login(UserFactory())
    assert client.post(f"/studio/{video.id}/retry/").status_code in (403, 404)
    assert PipelineTask.objects.get(video=video, rung="360p").failed_at is not None


def test_staff_see_failed_parts_in_the_admin(admin_client):
    video = _ready_with_a_failed_rung()
    page = admin_client.get(f"/admin/videos/video/{video.id}/change/").content.decode()
    assert "360p" in page and "OSError: disk full" in page
    admin_client.post("/admin/videos/video/", {"action": "retry", "_selected_action": [video.id]})
    assert PipelineTask.objects.get(video=video, rung="360p").failed_at is None
