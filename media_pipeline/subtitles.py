"""Subtitles in the manifests: pure text. A caption is one WebVTT file; HLS lists it as a
subtitles rendition whose media playlist has that file as its one segment (segmented WebVTT),
DASH as a text AdaptationSet whose Representation's BaseURL is the file."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["GROUP_ID", "SubtitleTrack", "hls_media_lines", "subtitle_playlist", "text_sets"]

GROUP_ID = "subs"


@dataclass(frozen=True)
class SubtitleTrack:
    name: str  # what a player's menu shows
    language: str  # BCP 47
    playlist_uri: str  # the subtitle media playlist, relative to the master playlist
    vtt_uri: str  # the WebVTT file, relative to the MPD
    autoselect: bool = True


def _quoted(value: str) -> str:
    # Quoted-string attributes cannot hold quotes or line breaks.
    if not value or any(ch in value for ch in '"\r\n'):
        raise ValueError(f"Unusable attribute value {value!r}")
    return value


def subtitle_playlist(vtt_uri: str, duration_s: float) -> str:
    """A VOD subtitles media playlist with the whole WebVTT file as its one segment."""
    duration = max(duration_s, 0.001)
    return "\n".join(
        [
            "#EXTM3U",
            "#EXT-X-VERSION:3",
            f"#EXT-X-TARGETDURATION:{max(1, math.ceil(duration - 1e-6))}",
            "#EXT-X-MEDIA-SEQUENCE:0",
            "#EXT-X-PLAYLIST-TYPE:VOD",
            f"#EXTINF:{duration:.6f},",
            _quoted(vtt_uri),
            "#EXT-X-ENDLIST",
            "",
        ]
    )


def hls_media_lines(tracks: Sequence[SubtitleTrack]) -> list[str]:
    """EXT-X-MEDIA lines of the subtitles group; none is DEFAULT, so captions start off."""
    return [
        f'#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="{GROUP_ID}",NAME="{_quoted(t.name)}",'
        f'LANGUAGE="{_quoted(t.language)}",DEFAULT=NO,'
        f'AUTOSELECT={"YES" if t.autoselect else "NO"},URI="{_quoted(t.playlist_uri)}"'
        for t in tracks
    ]


def text_sets(period: ET.Element, tracks: Sequence[SubtitleTrack], first_id: int) -> None:
    """One text/vtt AdaptationSet per caption, appended to an MPD's Period."""
    for number, track in enumerate(tracks, start=first_id):
        aset = ET.SubElement(
            period,
            "AdaptationSet",
            {
                "id": str(number),
                "contentType": "text",
                "mimeType": "text/vtt",
                "lang": _quoted(track.language),
            },
        )
        ET.SubElement(aset, "Role", {"schemeIdUri": "urn:mpeg:dash:role:2011", "value": "caption"})
        ET.SubElement(aset, "Label").text = track.name
        rep = ET.SubElement(aset, "Representation", {"id": f"text-{number}", "bandwidth": "256"})
        ET.SubElement(rep, "BaseURL").text = _quoted(track.vtt_uri)
