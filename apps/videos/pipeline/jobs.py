"""The one place that sends pipeline jobs, each once the current transaction commits (at once
outside one). Steps, services and recovery call these; tests patch them, not the actors.

The actors module imports the steps, which import this module, so the actors are imported here
when the first job is sent: the only deferred import of them in the product."""

from __future__ import annotations

from types import ModuleType

from django.db import transaction


def _actors() -> ModuleType:
    from apps.videos.pipeline import actors

    return actors


def send_process(video_id: str, generation: int) -> None:
    """Plan a video (or re-plan what is missing) and send the jobs its plan needs."""
    # robust: a stored upload stays committed whatever happens to the broker; a video left
    # `uploaded` is picked up by the sweeper (`manage.py pipeline_sweep`, or the embedded one).
    transaction.on_commit(lambda: _actors().process_video.send(video_id, generation), robust=True)


def send_chunk(video_id: str, generation: int, group: int, index: int) -> None:
    transaction.on_commit(lambda: _actors().encode_chunk.send(video_id, generation, group, index))


def send_audio(video_id: str, generation: int) -> None:
    transaction.on_commit(lambda: _actors().encode_audio.send(video_id, generation))


def send_package(video_id: str, generation: int, rung: str) -> None:
    transaction.on_commit(lambda: _actors().package_rung.send(video_id, generation, rung))


def send_poster(video_id: str, generation: int) -> None:
    transaction.on_commit(lambda: _actors().make_poster.send(video_id, generation))
