"""Deleting a video removes every stored file it had, on local storage and on S3, and a job
still running for it stops without recreating files or failing."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from apps.videos import services
from apps.videos.models import Video
from apps.videos.pipeline import failures
from apps.videos.pipeline.actors import _run
from tests.apps.videos.studio.conftest import store_every_kind_of_file, stored_names
from tests.factories import VideoFactory


@pytest.mark.django_db
def test_api_delete_removes_every_kind_of_file(api_client, django_capture_on_commit_callbacks):
    video = VideoFactory()
    store_every_kind_of_file(video)
    api_client.force_authenticate(video.owner)
    with django_capture_on_commit_callbacks(execute=True):
        assert api_client.delete(f"/api/v1/videos/{video.id}/").status_code == 204
    assert stored_names(video.id) == set()


@pytest.mark.django_db
def test_delete_on_s3_leaves_no_key_of_the_video(s3, django_capture_on_commit_callbacks):
    from tests.fixtures.s3 import bucket_keys

    video = VideoFactory()
    other = VideoFactory()
    files = store_every_kind_of_file(video)
    kept = store_every_kind_of_file(other)
    assert bucket_keys(s3, f"videos/{video.id}/") == files
    with django_capture_on_commit_callbacks(execute=True):
        services.video_delete(video=video, by=video.owner)
    assert bucket_keys(s3, f"videos/{video.id}/") == set()
    assert bucket_keys(s3, f"videos/{other.id}/") == kept


@pytest.mark.django_db
def test_a_job_that_finds_its_video_deleted_removes_what_it_stored_and_stops(
    django_capture_on_commit_callbacks,
):
    """A job uploads before it takes the row lock: what it stored after the deletion swept
    the files must go too, and its error (the row or source vanished) is no failure."""
    video = VideoFactory()
    video_id = video.id
    with django_capture_on_commit_callbacks(execute=True):
        services.video_delete(video=video, by=video.owner)

    def late_step(vid: str, generation: int) -> None:
        default_storage.save(f"videos/{vid}/g1/v/360p/seg_00007.m4s", ContentFile(b"late"))
        Video.objects.get(pk=vid)  # the row is gone: raises DoesNotExist

    _run(late_step, video_id, 1, part=failures.Part(failures.PLAN))  # does not raise
    assert stored_names(video_id) == set()


@pytest.mark.django_db
def test_a_failing_job_of_a_live_video_still_raises():
    video = VideoFactory()

    def broken(vid: str, generation: int) -> None:
        raise ConnectionError("storage down")

    with pytest.raises(ConnectionError):
        _run(broken, video.id, 1, part=failures.Part(failures.PLAN))


@pytest.mark.pipeline
def test_deleting_while_the_pipeline_runs_leaves_nothing_behind(pipeline_worker, samples):
    import time

    import dramatiq

    from apps.videos.pipeline.actors import process_video
    from tests.factories import stored_upload

    video = stored_upload(samples["tiny_360p_4s.mp4"], title="Short-lived")
    process_video.send(video.id, video.generation)
    deadline = time.monotonic() + 120  # a loaded machine may take a while to start
    # Delete as soon as the pipeline has stored its first output.
    while not any("/g1/" in name for name in stored_names(video.id)):
        assert time.monotonic() < deadline, "the pipeline stored nothing"
        time.sleep(0.05)
    services.video_delete(video=Video.objects.get(pk=video.pk), by=video.owner)
    broker = dramatiq.get_broker()
    for queue in sorted(broker.get_declared_queues()):
        broker.join(queue, timeout=60_000)
    pipeline_worker.join()
    left = stored_names(video.id)
    assert left == set(), f"files left after the jobs stopped: {sorted(left)}"
    assert not Video.objects.filter(pk=video.pk).exists()
