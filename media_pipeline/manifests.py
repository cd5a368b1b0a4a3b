"""HLS and DASH manifests and the thumbnail track: pure text in, text out.

ffmpeg 5.1's HLS muxer writes neither AVERAGE-BANDWIDTH nor FRAME-RATE and measures BANDWIDTH
its own way, so we write the master playlist (and the MPD) ourselves from measured segment
sizes. Media playlists come from ffmpeg and are parsed here to learn segment durations.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from .mp4box import aac_codec_string, avc_codec_string, codec_string
from .subtitles import GROUP_ID, SubtitleTrack, hls_media_lines, text_sets

__all__ = [
    "AudioTrack",
    "DashTrack",
    "MediaPlaylist",
    "SubtitleTrack",
    "Tile",
    "Variant",
    "aac_codec_string",
    "avc_codec_string",
    "codec_string",
    "dash_mpd",
    "master_playlist",
    "media_playlist",
    "parse_media_playlist",
    "segment_bitrates",
    "thumbnails_vtt",
]


@dataclass
class MediaPlaylist:
    init_uri: str
    segments: list[tuple[str, float]]
    target_duration: int

    @property
    def duration(self) -> float:
        return sum(d for _, d in self.segments)


def _attr(line: str, name: str) -> str | None:
    """Value of a (possibly quoted) attribute in an HLS tag line."""
    marker = f"{name}="
    pos = line.find(marker)
    if pos < 0:
        return None
    rest = line[pos + len(marker) :]
    if rest.startswith('"'):
        end = rest.find('"', 1)
        return rest[1:end] if end > 0 else None
    return rest.split(",", 1)[0]


def parse_media_playlist(text: str) -> MediaPlaylist:
    """Parse a VOD fMP4 media playlist as ffmpeg writes it."""
    lines = [line.strip() for line in text.splitlines()]
    if not lines or lines[0] != "#EXTM3U":
        raise ValueError("Not an HLS playlist")
    init_uri = ""
    target = 0
    segments: list[tuple[str, float]] = []
    pending: float | None = None
    for line in lines[1:]:
        if not line:
            continue
        if line.startswith("#EXT-X-MAP:"):
            init_uri = _attr(line, "URI") or ""
        elif line.startswith("#EXT-X-TARGETDURATION:"):
            target = int(line.split(":", 1)[1])
        elif line.startswith("#EXTINF:"):
            pending = float(line.split(":", 1)[1].split(",", 1)[0])
        elif not line.startswith("#"):
            if pending is None:
                raise ValueError(f"Segment {line!r} without #EXTINF")
            segments.append((line, pending))
            pending = None
    if not segments:
        raise ValueError("Playlist has no segments")
    return MediaPlaylist(init_uri=init_uri, segments=segments, target_duration=target)


def _check_uri(uri: str) -> str:
    # Quoted-string attributes cannot contain quotes or line breaks; URI lines cannot either.
    if not uri or any(ch in uri for ch in '"\r\n'):
        raise ValueError(f"Unusable URI {uri!r}")
    return uri


def media_playlist(pl: MediaPlaylist) -> str:
    """Render a VOD fMP4 media playlist (e.g. after rewriting URIs)."""
    longest = max(d for _, d in pl.segments)
    target = max(pl.target_duration, math.ceil(longest - 1e-6), 1)
    out = ["#EXTM3U", "#EXT-X-VERSION:7", f"#EXT-X-TARGETDURATION:{target}"]
    out += ["#EXT-X-MEDIA-SEQUENCE:0", "#EXT-X-PLAYLIST-TYPE:VOD", "#EXT-X-INDEPENDENT-SEGMENTS"]
    out.append(f'#EXT-X-MAP:URI="{_check_uri(pl.init_uri)}"')
    for uri, duration in pl.segments:
        out += [f"#EXTINF:{duration:.6f},", _check_uri(uri)]
    out.append("#EXT-X-ENDLIST")
    return "\n".join(out) + "\n"


def segment_bitrates(sizes: Sequence[int], durations: Sequence[float]) -> tuple[int, int]:
    """(peak, average) bits per second over segments; peak is the worst single segment."""
    if len(sizes) != len(durations) or not sizes:
        raise ValueError("Need one duration per segment and at least one segment")
    peak = max(math.ceil(size * 8 / d) for size, d in zip(sizes, durations, strict=True) if d > 0)
    average = math.ceil(sum(sizes) * 8 / sum(durations))
    return peak, average


@dataclass
class Variant:
    name: str
    width: int
    height: int
    fps: Fraction
    codecs: str
    peak_bps: int
    average_bps: int
    uri: str


@dataclass
class AudioTrack:
    uri: str
    codecs: str
    peak_bps: int
    average_bps: int
    channels: int = 2
    language: str = "und"
    name: str = "default"


def master_playlist(
    variants: Sequence[Variant],
    audio: AudioTrack | None,
    alternates: Sequence[AudioTrack] = (),
    subtitles: Sequence[SubtitleTrack] = (),
) -> str:
    """Master playlist with measured BANDWIDTH/AVERAGE-BANDWIDTH, ascending by bandwidth.

    ``alternates`` are other languages of the same title: renditions of the same audio group
    that a player offers (AUTOSELECT picks one matching the viewer's language); ``subtitles``
    are captions (media_pipeline.subtitles), attached to every variant."""
    if not variants:
        raise ValueError("At least one variant is needed")
    out = ["#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-INDEPENDENT-SEGMENTS"]
    tracks = [audio, *alternates] if audio else []
    for track in tracks:
        default = "YES" if track is audio else "NO"
        out.append(
            '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",'
            f'NAME="{_check_uri(track.name)}",DEFAULT={default},AUTOSELECT=YES,'
            f'LANGUAGE="{_check_uri(track.language)}",'
            f'CHANNELS="{track.channels}",URI="{_check_uri(track.uri)}"'
        )
    out += hls_media_lines(subtitles)
    # Each variant is played with one audio rendition, so the costliest counts towards it.
    extra_peak = max((t.peak_bps for t in tracks), default=0)
    extra_avg = max((t.average_bps for t in tracks), default=0)
    for v in sorted(variants, key=lambda v: (v.peak_bps, v.width * v.height)):
        codecs = f"{v.codecs},{audio.codecs}" if audio else v.codecs
        attrs = [
            f"BANDWIDTH={v.peak_bps + extra_peak}",
            f"AVERAGE-BANDWIDTH={v.average_bps + extra_avg}",
            f"RESOLUTION={v.width}x{v.height}",
            f"FRAME-RATE={float(v.fps):.3f}",
            f'CODECS="{codecs}"',
        ]
        if audio:
            attrs.append('AUDIO="aud"')
        if subtitles:
            attrs.append(f'SUBTITLES="{GROUP_ID}"')
        out += ["#EXT-X-STREAM-INF:" + ",".join(attrs), _check_uri(v.uri)]
    return "\n".join(out) + "\n"


@dataclass
class DashTrack:
    """One DASH Representation backed by the same fMP4 files as its HLS rendition."""

    id: str
    codecs: str
    bandwidth: int
    base: str  # directory of init/segments relative to the MPD, e.g. "v/360p"
    segment_durations: list[float]
    width: int | None = None
    height: int | None = None
    fps: Fraction | None = None
    init: str = "init.mp4"
    media: str = "seg_$Number%05d$.m4s"
    sample_rate: int = 48000
    channels: int = 2
    language: str = "und"
    extra: dict[str, str] = field(default_factory=dict)


def _iso_duration(seconds: float) -> str:
    return f"PT{seconds:.3f}S"


def _timeline(durations: Sequence[float], timescale: int) -> ET.Element:
    """SegmentTimeline with cumulative rounding, so the entries sum to the rounded total."""
    timeline = ET.Element("SegmentTimeline")
    edges = [0]
    total = 0.0
    for d in durations:
        total += d
        edges.append(round(total * timescale))
    runs: list[list[int]] = []  # [duration, repeat]
    for a, b in zip(edges, edges[1:], strict=False):
        if runs and runs[-1][0] == b - a:
            runs[-1][1] += 1
        else:
            runs.append([b - a, 0])
    for i, (d, r) in enumerate(runs):
        attrs = {"t": "0"} if i == 0 else {}
        attrs["d"] = str(d)
        if r:
            attrs["r"] = str(r)
        ET.SubElement(timeline, "S", attrs)
    return timeline


def _representation(parent: ET.Element, track: DashTrack, timescale: int) -> None:
    attrs = {"id": track.id, "bandwidth": str(track.bandwidth), "codecs": track.codecs}
    if track.width and track.height:
        attrs |= {"width": str(track.width), "height": str(track.height), "sar": "1:1"}
    if track.fps:
        attrs["frameRate"] = f"{track.fps.numerator}/{track.fps.denominator}"
    if not track.width:
        attrs["audioSamplingRate"] = str(track.sample_rate)
    rep = ET.SubElement(parent, "Representation", attrs | track.extra)
    base = track.base.strip("/")
    template = ET.SubElement(
        rep,
        "SegmentTemplate",
        {
            "timescale": str(timescale),
            "initialization": f"{base}/{track.init}" if base else track.init,
            "media": f"{base}/{track.media}" if base else track.media,
            "startNumber": "0",
        },
    )
    template.append(_timeline(track.segment_durations, timescale))


def dash_mpd(
    *,
    duration_s: float,
    video: Sequence[DashTrack],
    audio: DashTrack | None,
    min_buffer_s: float = 4.0,
    timescale: int = 1000,
    alternates: Sequence[DashTrack] = (),
    subtitles: Sequence[SubtitleTrack] = (),
) -> str:
    """A static (VOD) MPD for the isoff-live profile over the HLS fMP4 segments; each audio
    language is an AdaptationSet of its own, the default one marked with the "main" role."""
    if not video:
        raise ValueError("At least one video representation is needed")
    mpd = ET.Element(
        "MPD",
        {
            "xmlns": "urn:mpeg:dash:schema:mpd:2011",
            "profiles": "urn:mpeg:dash:profile:isoff-live:2011",
            "type": "static",
            "mediaPresentationDuration": _iso_duration(duration_s),
            "minBufferTime": _iso_duration(min_buffer_s),
        },
    )
    period = ET.SubElement(mpd, "Period", {"id": "0", "start": "PT0S"})
    vset = ET.SubElement(
        period,
        "AdaptationSet",
        {
            "id": "0",
            "contentType": "video",
            "mimeType": "video/mp4",
            "segmentAlignment": "true",
            "startWithSAP": "1",
            "maxWidth": str(max(v.width or 0 for v in video)),
            "maxHeight": str(max(v.height or 0 for v in video)),
        },
    )
    for track in sorted(video, key=lambda t: t.bandwidth):
        _representation(vset, track, timescale)
    for number, track in enumerate([audio, *alternates] if audio else [], start=1):
        # A single language needs no role.
        role = None if not alternates else "main" if track is audio else "alternate"
        _audio_set(period, number, track, timescale, role)
    text_sets(period, subtitles, first_id=len(alternates) + (2 if audio else 1))
    ET.indent(mpd)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(mpd, encoding="unicode") + "\n"


def _audio_set(
    period: ET.Element, number: int, track: DashTrack, timescale: int, role: str | None
) -> None:
    aset = ET.SubElement(
        period,
        "AdaptationSet",
        {
            "id": str(number),
            "contentType": "audio",
            "mimeType": "audio/mp4",
            "lang": track.language,
            "segmentAlignment": "true",
            "startWithSAP": "1",
        },
    )
    if role:
        ET.SubElement(aset, "Role", {"schemeIdUri": "urn:mpeg:dash:role:2011", "value": role})
    ET.SubElement(
        aset,
        "AudioChannelConfiguration",
        {
            "schemeIdUri": "urn:mpeg:dash:23003:3:audio_channel_configuration:2011",
            "value": str(track.channels),
        },
    )
    _representation(aset, track, timescale)


@dataclass(frozen=True)
class Tile:
    start_s: float
    end_s: float
    sheet_uri: str
    x: int
    y: int
    w: int
    h: int


def _vtt_time(seconds: float) -> str:
    millis = int(round(seconds * 1000))
    hours, rem = divmod(millis, 3_600_000)
    minutes, rem = divmod(rem, 60_000)
    secs, millis = divmod(rem, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def thumbnails_vtt(*, tiles: Sequence[Tile | tuple[float, float, str, int, int, int, int]]) -> str:
    """WebVTT thumbnail track: one cue per tile, pointing into a sprite sheet via #xywh."""
    out = ["WEBVTT", ""]
    for raw in tiles:
        tile = raw if isinstance(raw, Tile) else Tile(*raw)
        if "\n" in tile.sheet_uri or "-->" in tile.sheet_uri:
            raise ValueError(f"Unusable sheet URI {tile.sheet_uri!r}")
        out.append(f"{_vtt_time(tile.start_s)} --> {_vtt_time(tile.end_s)}")
        out.append(f"{tile.sheet_uri}#xywh={tile.x},{tile.y},{tile.w},{tile.h}")
        out.append("")
    return "\n".join(out)
