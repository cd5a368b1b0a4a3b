"""The status services on their own, without the pipeline: which moves video_transition allows,
what video_fail records, and what video_reprocess resets and queues."""

from __future__ import annotations

import itertools

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from apps.videos import services
from apps.videos.delivery import events
from apps.videos.models import PipelineTask, Rendition, TaskKind, Video, VideoStatus
from apps.videos.pipeline import jobs
from tests.factories import UserFactory, VideoFactory

pytestmark = pytest.mark.django_db

ALLOWED = {
    (VideoStatus.UPLOADED, VideoStatus.PROCESSING),
    (VideoStatus.UPLOADED, VideoStatus.FAILED),
    (VideoStatus.PROCESSING, VideoStatus.READY),
    (VideoStatus.PROCESSING, VideoStatus.FAILED),
    (VideoStatus.PROCESSING, VideoStatus.UPLOADED),  # reprocess while processing
    (VideoStatus.READY, VideoStatus.UPLOADED),  # reprocess
    (VideoStatus.FAILED, VideoStatus.UPLOADED),  # reprocess
    (VideoStatus.LIVE, VideoStatus.UPLOADED),  # a live stream's recording attached
}


@pytest.mark.parametrize(
    "start,to", [pair for pair in itertools.permutations(VideoStatus.values, 2)]
)
def test_transition_allows_only_the_pipeline_s_moves(start, to):
    video = Video(id="v1", status=start)
    if (start, to) in ALLOWED:
        services.video_transition(video, to)
        assert video.status == to
    else:
        with pytest.raises(services.IllegalTransition):
            services.video_transition(video, to)
        assert video.status == start  # refused, not half-applied


def test_transition_to_the_same_status_is_a_no_op():
    video = Video(id="v1", status=VideoStatus.READY)
    services.video_transition(video, VideoStatus.READY)
    assert video.status == VideoStatus.READY


def _listen(video: Video) -> str:
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(events.video_group(video.id), channel)
    return channel


def _received(channel: str) -> dict:
    return async_to_sync(get_channel_layer().receive)(channel)


def test_fail_records_the_reason_and_tells_the_owner(django_capture_on_commit_callbacks):
    video = VideoFactory(status=VideoStatus.PROCESSING, progress=40, generation=2)
    channel = _listen(video)
    with django_capture_on_commit_callbacks(execute=True):
        services.video_fail(video_id=video.id, generation=2, reason="The file is damaged.")
    video.refresh_from_db()
    assert video.status == VideoStatus.FAILED
    assert video.error == "The file is damaged."
    assert video.processing_finished_at is not None
    event = _received(channel)
    assert event["status"] == VideoStatus.FAILED and event["error"] == "The file is damaged."


def test_fail_from_an_older_generation_changes_nothing():
    """A job of a run that reprocessing replaced must not fail the new run."""
    video = VideoFactory(status=VideoStatus.PROCESSING, progress=40, generation=3)
    services.video_fail(video_id=video.id, generation=2, reason="stale")
    video.refresh_from_db()
    assert video.status == VideoStatus.PROCESSING and video.error is None


def test_a_second_failure_keeps_the_first_reason():
    video = VideoFactory(status=VideoStatus.PROCESSING, generation=1)
    services.video_fail(video_id=video.id, generation=1, reason="first")
    services.video_fail(video_id=video.id, generation=1, reason="second")
    video.refresh_from_db()
    assert video.status == VideoStatus.FAILED and video.error == "first"


def test_a_ready_video_records_a_late_failure_and_stays_ready():
    """The failure handler never raises (it did on ready -> failed, and nothing recorded the
    failure): a ready video stays playable, its processing ends, and it says what failed."""
    video = VideoFactory(status=VideoStatus.READY, generation=1, progress=95)
    services.video_fail(video_id=video.id, generation=1, reason="late")
    video.refresh_from_db()
    assert video.status == VideoStatus.READY and video.error == "late"
    assert video.progress == 100 and video.processing_finished_at is not None


def _processed(**fields) -> Video:
    video = VideoFactory(
        generation=1,
        master_playlist="videos/x/g1/master.m3u8",
        dash_manifest="videos/x/g1/manifest.mpd",
        plan={"rungs": []},
        **fields,
    )
    Rendition.objects.create(
        video=video, generation=1, name="144p", width=256, height=144, bandwidth=1,
        average_bandwidth=1, codecs="avc1.42c00c", playlist="p", init_segment="i",
    )  # fmt: skip
    PipelineTask.objects.create(video=video, generation=1, kind=TaskKind.AUDIO)
    return video


@pytest.mark.parametrize("status", [VideoStatus.READY, VideoStatus.FAILED, VideoStatus.PROCESSING])
def test_reprocess_starts_a_new_generation_and_queues_it(
    status, monkeypatch, django_capture_on_commit_callbacks
):
    video = _processed(status=status, error="old" if status == VideoStatus.FAILED else None)
    old_output = default_storage.save(f"{video.output_prefix}v/144p/seg.m4s", ContentFile(b"x"))
    original = default_storage.save(f"{video.storage_prefix}source/original", ContentFile(b"y"))
    sent: list[tuple] = []
    monkeypatch.setattr(jobs, "send_process", lambda *args: sent.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        services.video_reprocess(video=video, by=video.owner)
    video.refresh_from_db()
    assert video.status == VideoStatus.UPLOADED and video.generation == 2
    assert video.progress == 0 and video.error is None and video.plan == {}
    assert video.master_playlist == "" and video.dash_manifest == ""
    assert not video.renditions.exists() and not video.tasks.exists()
    assert sent == [(video.id, 2)]
    assert not default_storage.exists(old_output)  # the old run's outputs go
    assert default_storage.exists(original)  # the upload stays: the new run starts from it


def test_reprocess_is_refused_to_others_and_allowed_to_staff(monkeypatch):
    monkeypatch.setattr(jobs, "send_process", lambda *args: None)
    video = _processed(status=VideoStatus.READY)
    with pytest.raises(PermissionDenied):
        services.video_reprocess(video=video, by=UserFactory())
    video.refresh_from_db()
    assert video.status == VideoStatus.READY and video.generation == 1
    services.video_reprocess(video=video, by=UserFactory(is_staff=True))
    video.refresh_from_db()
    assert video.status == VideoStatus.UPLOADED and video.generation == 2
