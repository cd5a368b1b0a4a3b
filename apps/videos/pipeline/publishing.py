"""Publishing: the master playlist and DASH manifest list the rungs finished so far."""

from __future__ import annotations

from fractions import Fraction

from django.db import transaction

from apps.videos.delivery import events, texttracks
from apps.videos.models import Rendition, Video, VideoStatus
from apps.videos.pipeline import layout, storage
from apps.videos.services import video_mark_ready
from media_pipeline import manifests


def publish(video: Video) -> None:
    """Rewrite the master playlist and MPD from the rungs done so far. Caller holds the lock.

    The first time there is something to play (a rung, and the audio if the video has sound),
    the video becomes ready.
    """
    renditions = list(video.renditions.filter(generation=video.generation).order_by("height"))
    audio = video.plan.get("audio")
    if not renditions or (video.has_audio and not audio):
        return
    prefix = video.output_prefix
    fps = Fraction(video.plan["fps"])
    subtitles = [_subtitle(t, video.id) for t in texttracks.text_tracks(video)]
    master = manifests.master_playlist(
        [
            manifests.Variant(
                name=r.name,
                width=r.width,
                height=r.height,
                fps=fps,
                codecs=r.codecs,
                peak_bps=r.bandwidth,
                average_bps=r.average_bandwidth,
                uri=r.playlist.removeprefix(prefix),
            )
            for r in renditions
        ],
        _audio_track(audio, prefix) if audio else None,
        [_audio_track(a, prefix, a["language"]) for a in (audio or {}).get("alternates", [])],
        subtitles,
    )
    mpd = manifests.dash_mpd(
        duration_s=video.duration,
        video=[_dash_video(r, fps, prefix) for r in renditions],
        audio=_dash_audio(audio, prefix) if audio else None,
        alternates=[
            _dash_audio(a, prefix, f"audio-{a['language']}")
            for a in (audio or {}).get("alternates", [])
        ],
        subtitles=subtitles,
    )
    video.master_playlist = storage.upload_text(master, f"{prefix}{layout.MASTER_PLAYLIST}")
    video.dash_manifest = storage.upload_text(mpd, f"{prefix}{layout.DASH_MANIFEST}")
    fields = ["master_playlist", "dash_manifest", "updated_at"]
    if video.status == VideoStatus.PROCESSING:
        fields += video_mark_ready(video)
    video.save(update_fields=fields)
    events.progress_changed(video, error=video.error)


def republish(video_id: str) -> None:
    """Rewrite a published video's manifests (captions added or removed), under the row lock.
    A video not yet published gets its captions when the pipeline publishes it."""
    with transaction.atomic():
        video = Video.objects.select_for_update().filter(pk=video_id).first()
        if video is not None and video.master_playlist:
            publish(video)


def _subtitle(track: texttracks.TextTrack, video_id: str) -> manifests.SubtitleTrack:
    # Captions live beside the generations (layout.captions_prefix): one level up from the
    # manifests, so a reprocessed video keeps them.
    top = layout.video_prefix(video_id)
    return manifests.SubtitleTrack(
        # Quoted in the playlist: a label can never break it (nor stop publishing).
        name=" ".join(track.menu_name.replace('"', "'").split()),
        language=track.language,
        playlist_uri="../" + track.playlist.removeprefix(top),
        vtt_uri="../" + track.vtt.removeprefix(top),
    )


def _audio_track(audio: dict, prefix: str, name: str = "default") -> manifests.AudioTrack:
    return manifests.AudioTrack(
        name=name,
        uri=audio["playlist"].removeprefix(prefix),
        codecs=audio["codecs"],
        peak_bps=audio["peak_bps"],
        average_bps=audio["average_bps"],
        language=audio.get("language") or "und",
    )


def _dash_video(r: Rendition, fps: Fraction, prefix: str) -> manifests.DashTrack:
    return manifests.DashTrack(
        id=r.name,
        codecs=r.codecs,
        bandwidth=r.bandwidth,
        base=r.playlist.removeprefix(prefix).rsplit("/", 1)[0],
        segment_durations=[d for _, d, _ in r.segments],
        width=r.width,
        height=r.height,
        fps=fps,
    )


def _dash_audio(audio: dict, prefix: str, id: str = "audio") -> manifests.DashTrack:
    return manifests.DashTrack(
        id=id,
        codecs=audio["codecs"],
        bandwidth=audio["peak_bps"],
        base=audio["playlist"].removeprefix(prefix).rsplit("/", 1)[0],
        segment_durations=[d for _, d, _ in audio["segments"]],
        language=audio.get("language") or "und",
    )
