"""The pipeline's steps: plan a video, fan chunks out, fan them back in, publish rungs.

Actors call these functions with ids. Each step re-reads the row, drops work of a stale
generation, skips what its task row says is done (`tasks`), and schedules what follows on
commit. The sharp poster has its own module (`posters`).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from apps.videos.delivery import events
from apps.videos.models import PipelineTask, Rendition, TaskKind, Video, VideoStatus
from apps.videos.pipeline import encoding, jobs, pictures, posters
from apps.videos.pipeline import plan as planning
from apps.videos.pipeline.bookkeeping import is_done, load_video, lock_task, mark_done
from apps.videos.pipeline.publishing import publish as _publish
from apps.videos.services import video_fail, video_transition
from media_pipeline.ladder import chunk_cost
from media_pipeline.probe import ProbeRefused

# --- Step 1: probe and plan ------------------------------------------------------------------


def plan_video(video_id: str, generation: int) -> None:
    video = load_video(video_id, generation)
    if video.plan:
        schedule_missing(video_id, generation)
        return
    source = encoding.local_source(
        video_id=video_id, generation=generation, source_name=video.source
    )
    source_name = video.source
    try:
        info = encoding.probe_source(source)
        remuxed = encoding.remux_if_needed(
            source=source, info=info, storage_prefix=video.storage_prefix
        )
    except ProbeRefused as refused:
        video_fail(video_id=video_id, generation=generation, reason=refused.reason)
        encoding.remove_work_dir(video_id, generation)
        return
    # The remuxed copy strips metadata: the chapters are the upload's own.
    chapters = [chapter.as_dict() for chapter in info.chapters]
    if remuxed is not None:
        source_name, info = remuxed
        source = encoding.local_source(
            video_id=video_id, generation=generation, source_name=source_name
        )
    plan = planning.make_plan(info, keyframes=encoding.keyframe_times(source, info))
    with transaction.atomic():
        video = load_video(video_id, generation, lock=True)
        if video.plan:
            return
        video_transition(video, VideoStatus.PROCESSING)
        video.plan = plan
        video.source = source_name
        video.duration = info.duration
        video.width, video.height = info.width, info.height
        video.fps = plan["fps"]
        video.demuxer = info.demuxer
        video.has_audio = info.has_audio
        video.chapters = chapters
        video.processing_started_at = timezone.now()
        video.save()
        _create_tasks(video, plan)
        events.progress_changed(video)
        transaction.on_commit(lambda: schedule_missing(video_id, generation))


def _create_tasks(video: Video, plan: dict) -> None:
    groups = sorted({r["group"] for r in plan["rungs"]})
    tasks = []
    for group in groups:
        rungs = planning.rungs(plan, group)
        for chunk in planning.chunks(plan, group):
            tasks.append(
                PipelineTask(
                    video=video,
                    generation=video.generation,
                    kind=TaskKind.CHUNK,
                    group=group,
                    index=chunk.index,
                    weight=chunk_cost(chunk, rungs, video.width * video.height),
                )
            )
    total = sum(t.weight for t in tasks) or 1.0
    for r in plan["rungs"]:
        tasks.append(
            PipelineTask(
                video=video,
                generation=video.generation,
                kind=TaskKind.PACKAGE,
                group=r["group"],
                rung=r["name"],
                weight=total * 0.02,
            )
        )
    if video.has_audio:
        tasks.append(
            PipelineTask(
                video=video, generation=video.generation, kind=TaskKind.AUDIO, weight=total * 0.02
            )
        )
    tasks.append(
        PipelineTask(
            video=video, generation=video.generation, kind=TaskKind.THUMBNAILS, weight=total * 0.02
        )
    )
    if len(plan["rungs"]) > 1:
        tasks.append(
            PipelineTask(
                video=video, generation=video.generation, kind=TaskKind.POSTER, weight=total * 0.01
            )
        )
    PipelineTask.objects.bulk_create(tasks, ignore_conflicts=True)


def schedule_missing(video_id: str, generation: int) -> None:
    """Send a job for every task not done yet: first rung group first, then audio, then the rest.

    Safe to call at any time (a restart, a sweep): a duplicate job finds its task done and stops.
    """
    video = Video.objects.filter(pk=video_id, generation=generation).first()
    if video is None or not video.plan:
        return
    pending = list(
        PipelineTask.objects.filter(video_id=video_id, generation=generation, done_at=None)
    )
    groups_encoding = {t.group for t in pending if t.kind == TaskKind.CHUNK}
    # Within a group, the longest chunks go first (a chunk's weight is its estimated cost,
    # pre-roll included): workers take jobs in order, so the short ones fill the gaps at the
    # end instead of one long chunk running alone while the other workers have nothing to do.
    order = sorted(pending, key=lambda t: (t.group, t.kind != TaskKind.CHUNK, -t.weight, t.index))
    for task in order:
        if task.kind == TaskKind.CHUNK:
            jobs.send_chunk(video_id, generation, task.group, task.index)
        elif task.kind == TaskKind.AUDIO:
            jobs.send_audio(video_id, generation)
        elif task.kind == TaskKind.PACKAGE and task.group not in groups_encoding:
            # Otherwise the job finishing the group's last chunk packages it.
            jobs.send_package(video_id, generation, task.rung)
        elif task.kind == TaskKind.POSTER and posters.poster_ready(video):
            jobs.send_poster(video_id, generation)


# --- Step 2: the work units ------------------------------------------------------------------


def _source(video: Video):
    return encoding.local_source(
        video_id=video.id, generation=video.generation, source_name=video.source
    )


def _small_rungs_only(video: Video, group: int) -> bool:
    rungs = planning.rungs(video.plan, group)
    short_side = min(video.width or 0, video.height or 0)
    return bool(rungs) and max(min(r.width, r.height) for r in rungs) * 3 <= short_side


def chunk_step(video_id: str, generation: int, group: int, index: int) -> list[str]:
    """Encode one chunk. Returns the rungs left to package once its whole group is encoded,
    lowest first, for the caller to queue; a message redelivered after a crash between the
    commit and the queueing finds them again."""
    video = load_video(video_id, generation)
    if is_done(video, kind=TaskKind.CHUNK, group=group, index=index):
        # A redelivered message (its worker died after this chunk): pick up what was left.
        return _packages_left(video, group)
    encoding.encode_chunk(
        source=_source(video),
        demuxer=video.demuxer,
        chunk=planning.chunk(video.plan, index, group),
        seg=planning.segmenting(video.plan),
        rungs=planning.rungs(video.plan, group),
        output_prefix=video.output_prefix,
        video_stream=video.plan.get("video_stream", 0),
        small_rungs=_small_rungs_only(video, group),
        decode=planning.decode(video.plan),
    )
    with transaction.atomic():
        video = load_video(video_id, generation, lock=True)
        if not mark_done(video, lock_task(video, kind=TaskKind.CHUNK, group=group, index=index)):
            return []  # a duplicate job got there first
        posters.queue_when_ready(video, chunk=(group, index))
        # Decided under the row lock: exactly one job completes a group, and only it packages.
        return _packages_left(video, group)


def _packages_left(video: Video, group: int) -> list[str]:
    tasks = PipelineTask.objects.filter(video=video, generation=video.generation, group=group)
    if tasks.filter(kind=TaskKind.CHUNK, done_at=None).exists():
        return []
    left = set(tasks.filter(kind=TaskKind.PACKAGE, done_at=None).values_list("rung", flat=True))
    # Ladder order: the lowest rung carries the poster and sprite and makes the video ready.
    return [r["name"] for r in video.plan["rungs"] if r["name"] in left]


def audio_step(video_id: str, generation: int) -> None:
    video = load_video(video_id, generation)
    if is_done(video, kind=TaskKind.AUDIO):
        return
    # The default track first, then each other language as an alternate rendition.
    tracks = [(video.plan.get("audio_stream", 0), video.plan.get("audio_language"), None)]
    tracks += [(a["stream"], a["language"], a["language"]) for a in _alternates(video)]
    encoded = []
    for stream, language, alternate in tracks:
        packaged = encoding.encode_audio(
            source=_source(video), demuxer=video.demuxer, duration_s=video.duration,
            output_prefix=video.output_prefix, segment_s=video.plan["segment_s"],
            audio_stream=stream, language=language, alternate=alternate,
        )  # fmt: skip
        encoded.append(
            {
                "playlist": packaged.playlist,
                "init": packaged.init_segment,
                "segments": packaged.segments,
                "codecs": packaged.codecs,
                "peak_bps": packaged.peak_bps,
                "average_bps": packaged.average_bps,
                "language": language,
            }
        )
    with transaction.atomic():
        video = load_video(video_id, generation, lock=True)
        video.plan["audio"] = {**encoded[0], "alternates": encoded[1:]}
        video.save(update_fields=["plan"])
        if mark_done(video, lock_task(video, kind=TaskKind.AUDIO)):
            _publish(video)


def _alternates(video: Video) -> list[dict]:
    return video.plan.get("audio_alternates", [])


def package_step(video_id: str, generation: int, rung_name: str) -> None:
    video = load_video(video_id, generation)
    if is_done(video, kind=TaskKind.PACKAGE, rung=rung_name):
        return
    rung = next(r for r in planning.rungs(video.plan) if r.name == rung_name)
    packaged, files = encoding.package_rung(
        video_id=video_id,
        generation=generation,
        output_prefix=video.output_prefix,
        rung=rung_name,
        chunk_starts=[
            c.start_s for c in planning.chunks(video.plan, planning.group_of(video.plan, rung_name))
        ],
        duration_s=video.duration,
        segment_s=video.plan["segment_s"],
    )
    made = None
    if rung_name == planning.rungs(video.plan)[0].name and not is_done(
        video, kind=TaskKind.THUMBNAILS
    ):
        made = pictures.make_pictures(
            rung=files, duration_s=video.duration, output_prefix=video.output_prefix
        )
    with transaction.atomic():
        video = load_video(video_id, generation, lock=True)
        Rendition.objects.get_or_create(
            video=video,
            generation=generation,
            name=rung_name,
            defaults={
                "width": rung.width,
                "height": rung.height,
                "bandwidth": packaged.peak_bps,
                "average_bandwidth": packaged.average_bps,
                "codecs": packaged.codecs,
                "playlist": packaged.playlist,
                "init_segment": packaged.init_segment,
                "segments": packaged.segments,
            },
        )
        if made is not None:
            video.plan["poster_at"] = made.poster_at
            # A sharper poster from the top rung may already be there: keep the larger set.
            if len(made.sizes) >= len(video.thumbnails or {}):
                video.poster, video.thumbnails = made.poster, made.sizes
            video.sprite_vtt = made.sprite_vtt
            video.save(update_fields=["plan", "poster", "thumbnails", "sprite_vtt"])
            mark_done(video, lock_task(video, kind=TaskKind.THUMBNAILS))
            posters.queue_when_ready(video)
        if mark_done(video, lock_task(video, kind=TaskKind.PACKAGE, rung=rung_name)):
            _publish(video)
