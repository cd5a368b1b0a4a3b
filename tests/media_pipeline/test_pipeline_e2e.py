"""The real thing on tiny clips: chunked encode, join, HLS packaging, our manifests."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

from media_pipeline import commands, manifests, thumbnails
from media_pipeline.ladder import (
    Chunk,
    Rung,
    Segmenting,
    ladder_from_settings,
    output_fps,
    plan_chunks,
    plan_ladder,
    plan_segmenting,
)
from media_pipeline.probe import MediaInfo, ProbeLimits, probe
from media_pipeline.run import run_tool

from .helpers import assert_frames_aligned, encode_chunks, join, packets

pytestmark = pytest.mark.pipeline

TWO_RUNGS = ladder_from_settings(
    [{"height": 144, "video_kbps": 400}, {"height": 180, "video_kbps": 600}]
)


@dataclass
class Title:
    info: MediaInfo
    seg: Segmenting
    chunks: list[Chunk]
    rungs: list[Rung]
    joined: dict[str, Path]
    out: Path
    work: Path


@pytest.fixture(scope="module")
def title(
    samples: dict[str, Path],
    ffmpeg_bin: str,
    ffprobe_bin: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Title:
    source = samples["chunky_60fps_14s.mp4"]
    work = tmp_path_factory.mktemp("work")
    out = tmp_path_factory.mktemp("out")
    info = probe(source, ffmpeg=ffmpeg_bin, ffprobe=ffprobe_bin, limits=ProbeLimits())
    seg = plan_segmenting(output_fps(info.fps))
    chunks = plan_chunks(info.duration, seg, segments_per_chunk=1)
    rungs = plan_ladder(info, TWO_RUNGS)
    # The production preset: B-frames and CABAC, so joins must cope with reordered frames.
    parts = encode_chunks(ffmpeg_bin, info, source, seg, chunks, rungs, work, preset="veryfast")
    joined = {name: join(ffmpeg_bin, files, work / f"{name}.mp4") for name, files in parts.items()}
    for rung in rungs:
        target = out / "v" / rung.name
        target.mkdir(parents=True)
        args = commands.package_hls_args(
            ffmpeg=ffmpeg_bin,
            source=str(joined[rung.name]),
            out_dir=str(target),
            segment_s=seg.segment_us / 1e6,
        )
        # No cwd: the playlist must still name its files relative to itself.
        run_tool(args, timeout=60)
    audio_mp4 = work / "audio.mp4"
    run_tool(
        commands.audio_encode_args(
            ffmpeg=ffmpeg_bin,
            source=str(source),
            demuxer=info.demuxer,
            out_path=str(audio_mp4),
            duration_s=info.duration,
        ),
        timeout=60,
    )
    (out / "a").mkdir()
    args = commands.package_hls_args(
        ffmpeg=ffmpeg_bin,
        source=str(audio_mp4),
        out_dir=str(out / "a"),
        segment_s=seg.segment_us / 1e6,
        kind="audio",
    )
    run_tool(args, timeout=60, cwd=out / "a")
    return Title(info, seg, chunks, rungs, joined, out, work)


def _playlist(directory: Path) -> manifests.MediaPlaylist:
    return manifests.parse_media_playlist((directory / "index.m3u8").read_text())


def _measured(directory: Path) -> tuple[manifests.MediaPlaylist, int, int]:
    pl = _playlist(directory)
    sizes = [(directory / uri).stat().st_size for uri, _ in pl.segments]
    peak, average = manifests.segment_bitrates(sizes, [d for _, d in pl.segments])
    return pl, peak, average


def test_plan_has_several_chunks(title: Title) -> None:
    assert len(title.chunks) >= 2
    assert [r.name for r in title.rungs] == ["144p", "180p"]


def test_frame_count_and_duration(
    title: Title, ffmpeg_bin: str, ffprobe_bin: str, samples: dict[str, Path]
) -> None:
    fps = title.seg.fps
    single = run_tool(
        [
            ffmpeg_bin,
            "-v",
            "error",
            "-i",
            str(samples["chunky_60fps_14s.mp4"]),
            "-map",
            "0:v:0",
            "-vf",
            f"fps={fps.numerator}/{fps.denominator}",
            "-f",
            "framecrc",
            "-",
        ],
        timeout=60,
    ).stdout
    single_frames = sum(1 for line in single.splitlines() if line[:1].isdigit())
    for path in title.joined.values():
        frames = packets(ffprobe_bin, path)
        assert abs(len(frames) - single_frames) <= 1
        assert frames[0][0] == 0.0
        # No gap or overlap where chunks meet: a constant step between frames.
        steps = {round(b[0] - a[0], 4) for a, b in zip(frames, frames[1:], strict=False)}
        assert steps == {round(1 / float(fps), 4)}
        end = frames[-1][0] + 1 / float(fps)
        assert abs(end - title.info.duration) <= 1 / float(fps) + 1e-6


def test_chunk_boundaries_pick_the_right_frames(
    title: Title, ffmpeg_bin: str, samples: dict[str, Path]
) -> None:
    ours = title.joined["180p"]  # source size, so the comparison needs no scaling
    starts = [c.start_frame for c in title.chunks]
    assert_frames_aligned(
        ffmpeg_bin, ours, samples["chunky_60fps_14s.mp4"], title.seg.fps, title.work, starts
    )


def test_keyframes_identical_across_rungs(title: Title, ffprobe_bin: str) -> None:
    keys = {
        name: [pts for pts, key in packets(ffprobe_bin, path) if key]
        for name, path in title.joined.items()
    }
    first, second = keys.values()
    assert first == second
    assert first == [i * title.seg.gop_s for i in range(len(first))]


def test_segments_identical_across_rungs(title: Title) -> None:
    durations = [[d for _, d in _playlist(title.out / "v" / r.name).segments] for r in title.rungs]
    assert durations[0] == durations[1]
    assert durations[0][:-1] == [pytest.approx(title.seg.segment_s)] * (len(durations[0]) - 1)
    assert sum(durations[0]) == pytest.approx(title.info.duration, abs=0.02)
    pl = _playlist(title.out / "v" / "144p")
    assert pl.init_uri == "init.mp4" and pl.segments[0][0] == "seg_00000.m4s"


def test_master_playlist_and_mpd(title: Title, ffprobe_bin: str) -> None:
    fps = title.seg.fps
    variants, dash_video = [], []
    for rung in title.rungs:
        directory = title.out / "v" / rung.name
        pl, peak, average = _measured(directory)
        codecs = manifests.codec_string((directory / pl.init_uri).read_bytes())
        assert re.fullmatch(r"avc1\.64[0-9a-f]{4}", codecs)
        uri = f"v/{rung.name}/index.m3u8"
        variants.append(
            manifests.Variant(rung.name, rung.width, rung.height, fps, codecs, peak, average, uri)
        )
        dash_video.append(
            manifests.DashTrack(
                rung.name,
                codecs,
                peak,
                f"v/{rung.name}",
                [d for _, d in pl.segments],
                rung.width,
                rung.height,
                fps,
            )
        )
    apl, apeak, aavg = _measured(title.out / "a")
    acodecs = manifests.codec_string((title.out / "a" / apl.init_uri).read_bytes())
    assert acodecs == "mp4a.40.2"
    # Audio covers the same span as the video (AAC frames make it a few ms longer).
    assert apl.duration == pytest.approx(title.info.duration, abs=0.1)
    audio = manifests.AudioTrack("a/index.m3u8", acodecs, apeak, aavg)
    master = manifests.master_playlist(variants, audio)
    (title.out / "master.m3u8").write_text(master)

    # BANDWIDTH covers the worst video segment plus the worst audio segment.
    audio_sizes = [(title.out / "a" / u).stat().st_size * 8 / d for u, d in apl.segments]
    bandwidths = [int(b) for b in re.findall(r"BANDWIDTH=(\d+)", master)]
    for rung, bandwidth in zip(title.rungs, bandwidths[0::2], strict=True):
        directory = title.out / "v" / rung.name
        pl = _playlist(directory)
        worst = max((directory / u).stat().st_size * 8 / d for u, d in pl.segments)
        assert bandwidth >= worst + max(audio_sizes)
    assert "AVERAGE-BANDWIDTH=" in master and "FRAME-RATE=60.000" in master

    result = run_tool(
        [
            ffprobe_bin,
            "-v",
            "error",
            "-protocol_whitelist",
            "file,crypto,data",
            "-show_entries",
            "stream=codec_type,width,height",
            "-of",
            "json",
            "-i",
            str(title.out / "master.m3u8"),
        ],
        timeout=60,
    )
    kinds = [s["codec_type"] for s in json.loads(result.stdout)["streams"]]
    assert kinds.count("video") == 2 and "audio" in kinds

    dash_audio = manifests.DashTrack("audio", acodecs, apeak, "a", [d for _, d in apl.segments])
    mpd = manifests.dash_mpd(duration_s=title.info.duration, video=dash_video, audio=dash_audio)
    root = ET.fromstring(mpd.encode())
    ns = {"d": "urn:mpeg:dash:schema:mpd:2011"}
    for rep in root.iter("{urn:mpeg:dash:schema:mpd:2011}Representation"):
        total = sum(
            int(s.get("d")) * (1 + int(s.get("r") or 0))
            for s in rep.findall("d:SegmentTemplate/d:SegmentTimeline/d:S", ns)
        )
        assert abs(total - title.info.duration * 1000) <= 40
        media = rep.find("d:SegmentTemplate", ns).get("media")
        first = title.out / media.replace("$Number%05d$", "00000")
        assert first.exists()


def test_thumbnails_from_a_rung(title: Title, ffmpeg_bin: str) -> None:
    frames_dir = title.work / "frames"
    frames_dir.mkdir()
    run_tool(
        commands.frames_args(
            ffmpeg=ffmpeg_bin,
            source=str(title.joined["144p"]),
            out_pattern=str(frames_dir / "f_%05d.jpg"),
            every_s=2,
            width=96,
        ),
        timeout=60,
    )
    frames = sorted(frames_dir.glob("f_*.jpg"))
    assert 6 <= len(frames) <= 8
    chosen = thumbnails.pick_poster(frames)
    assert chosen != frames[0]
    poster = title.work / "poster.png"
    at = frames.index(chosen) * 2
    run_tool(
        commands.poster_args(
            ffmpeg=ffmpeg_bin, source=str(title.joined["180p"]), out_path=str(poster), at_s=at
        ),
        timeout=60,
    )
    sizes = thumbnails.make_poster_sizes(poster, title.work / "posters")
    assert sorted(sizes) == [320]
    info = thumbnails.make_sprite(frames, title.work / "sprite.jpg", tile_width=96, columns=5)
    assert (info.tile_w, info.tile_h) == (96, 54)
