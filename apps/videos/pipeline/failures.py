"""What a failure for good does to a video's tasks, and what a retry undoes.

The part that failed, and every task that can no longer be made without it, end as failed with
the reason, so processing ends instead of waiting for work that will never come. The video
stays (or becomes) ready, playable with the rungs it has, unless nothing playable can be made
any more: then it fails as a whole (`services.video_fail`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from apps.videos.models import PipelineTask, TaskKind, Video
from apps.videos.pipeline import plan as planning

PLAN = "plan"


@dataclass(frozen=True)
class Part:
    """A part of a video's processing: a task's lookup, or planning (no task row)."""

    kind: str
    group: int = 0
    index: int = 0
    rung: str = ""

    def label(self, video: Video) -> str:
        if self.kind == TaskKind.CHUNK:
            rungs = planning.rungs(video.plan, self.group) if video.plan.get("rungs") else []
            names = "+".join(r.name for r in rungs) or "video"
            return f"Encoding {names} (chunk {self.index + 1})"
        return {
            PLAN: "Probe and plan",
            TaskKind.AUDIO: "Audio track",
            TaskKind.PACKAGE: f"Packaging the {self.rung} rung",
            TaskKind.THUMBNAILS: "Poster and seek previews",
            TaskKind.POSTER: "Sharp poster",
        }.get(self.kind, self.kind)

    def lookup(self) -> dict:
        if self.kind == TaskKind.CHUNK:
            return {"kind": self.kind, "group": self.group, "index": self.index}
        if self.kind == TaskKind.PACKAGE:
            return {"kind": self.kind, "rung": self.rung}
        return {"kind": self.kind}


# The pipeline's actors and the part each one's arguments (after video id and generation) name.
ACTOR_PARTS = {
    "process_video": lambda: Part(PLAN),
    "encode_chunk": lambda group, index: Part(TaskKind.CHUNK, group=group, index=index),
    "encode_audio": lambda: Part(TaskKind.AUDIO),
    "package_rung": lambda rung: Part(TaskKind.PACKAGE, rung=rung),
    "make_poster": lambda: Part(TaskKind.POSTER),
}


def part_of_job(actor_name: str, args: list) -> Part | None:
    make = ACTOR_PARTS.get(actor_name)
    if make is None:
        return None
    try:
        return make(*args[2:])
    except TypeError:
        return None  # a message of an older signature: the video's part is unknown


def resolve(video: Video, part: Part | None) -> Part | None:
    """A chunk job that finished its chunk and went on to package its group's rungs itself
    (`actors._chunk_then_package`) failed in the packaging: name that part."""
    if part is None or part.kind != TaskKind.CHUNK:
        return part
    tasks = PipelineTask.objects.filter(video=video, generation=video.generation)
    if not tasks.filter(**part.lookup()).exclude(done_at=None).exists():
        return part
    left = set(
        tasks.filter(kind=TaskKind.PACKAGE, group=part.group, done_at=None).values_list(
            "rung", flat=True
        )
    )
    rung = next((r["name"] for r in video.plan["rungs"] if r["name"] in left), None)
    return Part(TaskKind.PACKAGE, rung=rung) if rung else part


def unfinished(video: Video) -> QuerySet[PipelineTask]:
    return PipelineTask.objects.filter(
        video=video, generation=video.generation, done_at=None, failed_at=None
    )


def _blocked_by(video: Video, part: Part) -> Q:
    """Tasks that cannot be made without ``part``."""
    lowest = video.plan["rungs"][0]["name"] if video.plan.get("rungs") else ""
    top_group = video.plan["rungs"][-1]["group"] if video.plan.get("rungs") else 0
    pictures = Q(kind__in=[TaskKind.THUMBNAILS, TaskKind.POSTER])
    if part.kind == TaskKind.CHUNK:
        # The rungs of its group are packaged from its chunks; the sharp poster from the top's.
        blocked = Q(kind=TaskKind.PACKAGE, group=part.group)
        return blocked | Q(kind=TaskKind.POSTER) if part.group == top_group else blocked
    if part.kind == TaskKind.PACKAGE and part.rung == lowest:
        return pictures  # the poster's instant and the sprite come from the lowest rung
    if part.kind == TaskKind.THUMBNAILS:
        return Q(kind=TaskKind.POSTER)
    if part.kind in (TaskKind.AUDIO, TaskKind.PACKAGE, TaskKind.POSTER):
        return Q(pk__in=[])
    return Q()  # planning, or a part nobody knows: nothing left will happen


def fail_part(video: Video, part: Part | None, reason: str) -> None:
    """Mark ``part`` and what depends on it failed. Caller holds the video row lock."""
    now = timezone.now()
    left = unfinished(video)
    if part is None or part.kind == PLAN:
        left.update(failed_at=now, error=reason)
        return
    left.filter(**part.lookup()).update(failed_at=now, error=reason)
    not_made = f"Not made: {part.label(video).lower()} failed."
    left.filter(_blocked_by(video, part)).update(failed_at=now, error=not_made)
    # One step further: a chunk of the first group takes the lowest rung, and with it the
    # poster's instant and the sprite.
    rungs = video.plan.get("rungs") or []
    lowest = Part(TaskKind.PACKAGE, rung=rungs[0]["name"]) if rungs else None
    failed = PipelineTask.objects.filter(video=video, generation=video.generation)
    if lowest is not None and failed.filter(**lowest.lookup()).exclude(failed_at=None).exists():
        left.filter(_blocked_by(video, lowest)).update(failed_at=now, error=not_made)


def can_become_ready(video: Video) -> bool:
    """A rung and (if the video has sound) the audio can still be made."""
    tasks = PipelineTask.objects.filter(video=video, generation=video.generation)
    audio_failed = tasks.filter(kind=TaskKind.AUDIO).exclude(failed_at=None).exists()
    return not audio_failed and tasks.filter(kind=TaskKind.PACKAGE, failed_at=None).exists()


def reset_failed(video: Video) -> int:
    """Make the failed tasks (and the inputs they need) pending again. Caller holds the lock.

    Scratch chunks are removed when processing ends, so a rung to package again needs its
    group's chunks again, and a sharp poster the top rung's chunk that shows it.
    """
    tasks = PipelineTask.objects.filter(video=video, generation=video.generation)
    failed = list(tasks.exclude(failed_at=None))
    if not failed:
        return 0
    tasks.filter(pk__in=[t.pk for t in failed]).update(failed_at=None, error="")
    scratch_gone = video.processing_finished_at is not None
    if scratch_gone:
        groups = {t.group for t in failed if t.kind == TaskKind.PACKAGE}
        tasks.filter(kind=TaskKind.CHUNK, group__in=groups).update(done_at=None)
        if any(t.kind == TaskKind.POSTER for t in failed) and "poster_at" in video.plan:
            top_group = video.plan["rungs"][-1]["group"]
            showing = planning.chunk_at(video.plan, video.plan["poster_at"], top_group)
            tasks.filter(kind=TaskKind.CHUNK, group=top_group, index=showing.index).update(
                done_at=None
            )
    return len(failed)
