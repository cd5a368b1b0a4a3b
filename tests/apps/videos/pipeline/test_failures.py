"""A job that fails for good, at each point of the pipeline, leaves a truthful terminal state
with a reason: before the video is ready it fails; once ready it stays playable with the rungs
it has, its progress ends, and the part that failed says so. Never "processing" for good."""

from __future__ import annotations

import pytest
from django.core.files import File

from apps.videos import services
from apps.videos.models import Video
from apps.videos.pipeline import actors, encoding, pictures, publishing, steps
from tests.factories import CreatorFactory
from tests.fixtures.pipeline import wait_for_video

pytestmark = pytest.mark.pipeline

SAMPLE = "tiny_360p_4s.mp4"  # 144p+240p first, then 360p; with audio


class Injected(RuntimeError):
    pass


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch):
    """One retry, soon: the failure is for good all the same."""
    for actor in (
        actors.process_video,
        actors.encode_chunk,
        actors.encode_audio,
        actors.package_rung,
        actors.make_poster,
    ):
        for key, value in {"max_retries": 1, "min_backoff": 50, "max_backoff": 100}.items():
            monkeypatch.setitem(actor.options, key, value)


def _process(samples) -> Video:
    with open(samples[SAMPLE], "rb") as fh:
        video = services.video_create(
            owner=CreatorFactory(), title="Fails", upload=File(fh), filename=SAMPLE
        )
    return wait_for_video(video.id, timeout=120)


def _fail_when(monkeypatch, module, name: str, when=lambda *a, **kw: True) -> None:
    real = getattr(module, name)

    def failing(*args, **kwargs):
        if when(*args, **kwargs):
            raise Injected(f"{name} broke")
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, failing)


def _failed_parts(video: Video) -> dict[str, str]:
    return {
        f"{t.kind}:{t.rung or t.group}": t.error
        for t in video.tasks.filter(generation=video.generation).exclude(failed_at=None)
    }


def _assert_ready_without(video: Video, missing: str) -> None:
    """Ready, finished, playable with the rungs it has, and saying what is missing and why."""
    assert video.status == "ready" and video.progress == 100
    assert video.processing_finished_at is not None
    assert not video.tasks.filter(done_at=None, failed_at=None).exists()
    names = [r.name for r in video.renditions.order_by("height")]
    assert missing not in names and "144p" in names
    master = video.master_playlist
    assert master and all(f"v/{n}/" in _read(master) for n in names)
    assert missing not in _read(master)


def _read(name: str) -> str:
    from django.core.files.storage import default_storage

    with default_storage.open(name) as fh:
        return fh.read().decode()


def test_planning_fails_for_good(samples, pipeline_worker, monkeypatch):
    _fail_when(monkeypatch, steps.planning, "make_plan")
    video = _process(samples)
    assert video.status == "failed"
    assert video.error.startswith("Probe and plan: ") and "make_plan broke" in video.error


def test_a_chunk_of_the_top_rung_fails_for_good_then_retry_completes(
    samples, pipeline_worker, monkeypatch
):
    _fail_when(
        monkeypatch,
        encoding,
        "encode_chunk",
        lambda **kw: any(r.name == "360p" for r in kw["rungs"]),
    )
    video = _process(samples)
    _assert_ready_without(video, "360p")
    assert video.error.startswith("Encoding 360p (chunk ") and "encode_chunk broke" in video.error
    failed = _failed_parts(video)
    assert "encode_chunk broke" in failed["chunk:1"]
    assert failed["package:360p"] == failed["poster:0"]
    assert "Not made" in failed["package:360p"]
    assert video.poster  # the lowest rung's poster stays

    # The owner's retry button: only the failed parts are made again, the video stays ready.
    monkeypatch.undo()
    retried = services.video_retry(video=video, by=video.owner)
    assert retried.status == "ready" and retried.progress < 100 and retried.error is None
    video = wait_for_video(video.id, timeout=120)
    assert video.status == "ready" and video.progress == 100 and video.error is None
    assert [r.name for r in video.renditions.order_by("height")] == ["144p", "240p", "360p"]
    assert not _failed_parts(video)


def test_a_chunk_of_the_first_rungs_fails_for_good(samples, pipeline_worker, monkeypatch):
    """The larger rung still makes the video watchable; the lowest rung's poster and sprite
    are not made, and processing ends instead of waiting for them."""
    first_group = lambda **kw: any(r.name == "144p" for r in kw["rungs"])  # noqa: E731
    _fail_when(monkeypatch, encoding, "encode_chunk", first_group)
    video = _process(samples)
    assert video.status == "ready" and video.progress == 100
    assert [r.name for r in video.renditions.all()] == ["360p"]
    assert set(_failed_parts(video)) >= {
        "chunk:0", "package:144p", "package:240p", "thumbnails:0", "poster:0"
    }  # fmt: skip
    assert video.error.startswith("Encoding 144p+240p (chunk ")


def test_audio_fails_for_good(samples, pipeline_worker, monkeypatch):
    _fail_when(monkeypatch, encoding, "encode_audio")
    video = _process(samples)
    # Without its sound the video never became watchable: it fails as a whole.
    assert video.status == "failed"
    assert video.error.startswith("Audio track: ") and "encode_audio broke" in video.error


def test_packaging_a_rung_fails_for_good(samples, pipeline_worker, monkeypatch):
    _fail_when(monkeypatch, encoding, "package_rung", lambda **kw: kw["rung"] == "360p")
    video = _process(samples)
    _assert_ready_without(video, "360p")
    assert video.error.startswith("Packaging the 360p rung: ")
    assert list(_failed_parts(video)) == ["package:360p"]


def test_the_sharp_poster_fails_for_good(samples, pipeline_worker, monkeypatch):
    _fail_when(monkeypatch, pictures, "make_poster_from_stored_chunk")
    video = _process(samples)
    assert video.status == "ready" and video.progress == 100
    assert [r.name for r in video.renditions.order_by("height")] == ["144p", "240p", "360p"]
    assert video.error.startswith("Sharp poster: ")
    assert video.poster  # the lowest rung's poster is kept
    assert list(_failed_parts(video)) == ["poster:0"]


def test_publishing_fails_for_good(samples, pipeline_worker, monkeypatch):
    _fail_when(monkeypatch, publishing.manifests, "dash_mpd")
    video = _process(samples)
    assert video.status == "failed" and video.progress < 100
    assert "dash_mpd broke" in video.error
    assert video.processing_finished_at is not None


def test_the_failure_handler_never_raises_on_a_ready_video(db):
    """The handler of a job that failed for good, called for a video that is ready, finished,
    gone, or of another generation, records what it can and returns."""
    from tests.factories import VideoFactory

    video = VideoFactory(status="ready", progress=100, plan={"rungs": []})
    for args in ([video.id, 1, "360p"], [video.id, 7, "360p"], ["gone", 1, "360p"], []):
        message = {"actor_name": "package_rung", "args": args, "options": {}}
        actors.pipeline_job_failed.fn(message, {"retries": 4})
    video.refresh_from_db()
    assert video.status == "ready" and video.progress == 100
    assert video.error.startswith("Packaging the 360p rung: Failed after several attempts")
