"""The pipeline's steps run one by one, without workers, to check what each step queues and
what it does itself."""

from __future__ import annotations

import pytest
from django.core.files import File

from apps.videos import services
from apps.videos.models import Video
from apps.videos.pipeline import actors, jobs, posters, steps
from apps.videos.pipeline import plan as planning
from tests.factories import CreatorFactory

pytestmark = pytest.mark.pipeline


def _planned(path) -> str:
    """An upload, probed and planned."""
    with open(path, "rb") as fh:
        video_id = services.video_create(
            owner=CreatorFactory(), title=path.stem, upload=File(fh), filename=path.name
        ).id
    steps.plan_video(video_id, 1)
    return video_id


def test_sharp_poster_is_queued_once_however_many_chunks_finish_after_it(
    samples, no_workers, settings, monkeypatch
):
    """Queued when the second of its two conditions is met: the poster's instant is chosen,
    and the top rung's chunk showing it is encoded."""
    settings.PIPELINE_SEGMENT_S = 1  # as short as a segment can be (one 2 s GOP)
    settings.PIPELINE_SEGMENTS_PER_CHUNK = 1
    settings.PIPELINE_CHUNK_TAPER = 0
    sent: list[tuple] = []
    monkeypatch.setattr(jobs, "send_poster", lambda *args: sent.append(args))
    video_id = _planned(samples["tiny_360p_4s.mp4"])  # 144p+240p, then 360p
    video = Video.objects.get(pk=video_id)
    for chunk in planning.chunks(video.plan, 0):
        steps.chunk_step(video_id, 1, 0, chunk.index)
    lowest = video.plan["rungs"][0]["name"]
    steps.package_step(video_id, 1, lowest)  # picks the poster's instant
    assert sent == []  # the top rung's chunk is not encoded yet
    top_group = video.plan["rungs"][-1]["group"]
    assert top_group > 0
    chunks = planning.chunks(video.plan, top_group)
    assert len(chunks) >= 2
    poster_at = Video.objects.get(pk=video_id).plan["poster_at"]
    poster_chunk = planning.chunk_at(video.plan, poster_at, top_group)
    # The poster's chunk first, then every other: only the first queues the job.
    order = [poster_chunk.index] + [c.index for c in chunks if c.index != poster_chunk.index]
    for index in order:
        steps.chunk_step(video_id, 1, top_group, index)
        assert sent == [(video_id, 1)]
    posters.poster_step(video_id, 1)
    video = Video.objects.get(pk=video_id)
    assert video.poster and video.progress < 100  # rungs above the lowest not packaged yet


@pytest.mark.parametrize("own_pool", [False, True])
def test_the_job_finishing_the_first_group_packages_the_lowest_rung_unless_others_can(
    own_pool, samples, no_workers, monkeypatch
):
    """Embedded worker: a queued packaging job would wait behind the chunks the threads have
    fetched, so the chunk job packages the lowest rung itself and the video is watchable at
    once. `manage.py worker`: a pool of its own takes every rung, and the chunk worker moves on."""
    from streamsite.broker import SHORT_JOB_POOL_ENV

    if own_pool:
        monkeypatch.setenv(SHORT_JOB_POOL_ENV, "1")
    else:
        monkeypatch.delenv(SHORT_JOB_POOL_ENV, raising=False)
    queued: list[str] = []
    monkeypatch.setattr(jobs, "send_package", lambda v, g, rung: queued.append(rung))
    video_id = _planned(samples["tiny_360p_4s.mp4"])  # 144p+240p, then 360p
    steps.audio_step(video_id, 1)  # a video is watchable with its audio and lowest rung
    for chunk in planning.chunks(Video.objects.get(pk=video_id).plan, 0):
        actors.encode_chunk.fn(video_id, 1, 0, chunk.index)
    video = Video.objects.get(pk=video_id)
    if own_pool:
        assert queued == ["144p", "240p"] and video.status == "processing"
    else:
        assert queued == ["240p"] and video.status == "ready"
        assert [r.name for r in video.renditions.all()] == ["144p"]
