"""The sharp poster.

The lowest rung picks the poster's instant; the top rung's chunk showing that instant gives
a poster sharp on large screens. Whichever of the two finishes second queues this job
(decided under the row lock), so no job waits for the other.
"""

from __future__ import annotations

from django.db import transaction

from apps.videos.models import PipelineTask, TaskKind, Video
from apps.videos.pipeline import jobs, layout, pictures
from apps.videos.pipeline import plan as planning
from apps.videos.pipeline.bookkeeping import is_done, load_video, lock_task, mark_done
from media_pipeline.ladder import Chunk


def _top_group(video: Video) -> int:
    return video.plan["rungs"][-1]["group"]


def poster_chunk(video: Video) -> Chunk | None:
    """The top rung's chunk that shows the poster, once the poster's instant is known."""
    if "poster_at" not in video.plan:
        return None
    return planning.chunk_at(video.plan, video.plan["poster_at"], _top_group(video))


def _encoded(video: Video, showing: Chunk) -> bool:
    return is_done(video, kind=TaskKind.CHUNK, group=_top_group(video), index=showing.index)


def poster_ready(video: Video) -> bool:
    showing = poster_chunk(video)
    return showing is not None and _encoded(video, showing)


def queue_when_ready(video: Video, *, chunk: tuple[int, int] | None = None) -> None:
    """Caller holds the row lock and has just recorded the poster's instant, or the chunk
    ``(group, index)``. Only the second of the two events queues the job: any other chunk
    finishing while it runs would queue it again."""
    showing = poster_chunk(video)
    if showing is None or (chunk is not None and chunk != (_top_group(video), showing.index)):
        return
    pending = PipelineTask.objects.filter(
        video=video, generation=video.generation, kind=TaskKind.POSTER, done_at=None
    ).exists()
    if pending and _encoded(video, showing):
        jobs.send_poster(video.id, video.generation)


def poster_step(video_id: str, generation: int) -> None:
    video = load_video(video_id, generation)
    if is_done(video, kind=TaskKind.POSTER) or not poster_ready(video):
        return  # done, or queued early by a sweep: the step that completes it queues it again
    chunk = poster_chunk(video)
    top = video.plan["rungs"][-1]["name"]
    poster, sizes = pictures.make_poster_from_stored_chunk(
        video_id=video_id,
        generation=generation,
        output_prefix=video.output_prefix,
        stored_chunk=layout.chunk_name(video.output_prefix, top, chunk.index),
        at_s=max(0.0, video.plan["poster_at"] - chunk.start_s),
    )
    with transaction.atomic():
        video = load_video(video_id, generation, lock=True)
        video.poster, video.thumbnails = poster, sizes
        video.save(update_fields=["poster", "thumbnails"])
        mark_done(video, lock_task(video, kind=TaskKind.POSTER))
