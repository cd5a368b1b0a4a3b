"""Held-out kinds of media (issue 17): interlaced, HDR, several audio languages, rotation found
without ffprobe, and a pixel budget. Probed with ffprobe, with ffmpeg alone and with the
imageio-ffmpeg build; encoded through the real chunk command."""

from __future__ import annotations

import dataclasses
import json
import subprocess
from fractions import Fraction
from pathlib import Path

import pytest

from media_pipeline import commands, interlace
from media_pipeline import probe as probe_mod
from media_pipeline.filters import Decode, for_ffmpeg
from media_pipeline.ladder import (
    ladder_from_settings,
    output_fps,
    plan_chunks,
    plan_ladder,
    plan_segmenting,
)
from media_pipeline.probe import MediaInfo, ProbeLimits, ProbeRefused, probe
from media_pipeline.probe_checks import check_pixel_budget
from media_pipeline.run import run_tool
from tests.media_pipeline.helpers import filter_chain, join
from tests.media_pipeline.test_probe import GOOD
from tests.media_samples import _ffmpeg_maker, _make_rotated


@pytest.fixture(params=["ffprobe", "ffmpeg-only", "imageio-ffmpeg"])
def tools(request: pytest.FixtureRequest, ffmpeg_bin: str) -> tuple[str, str | None]:
    if request.param == "ffprobe":
        return ffmpeg_bin, request.getfixturevalue("ffprobe_bin")
    if request.param == "imageio-ffmpeg":
        return pytest.importorskip("imageio_ffmpeg").get_ffmpeg_exe(), None
    return ffmpeg_bin, None


def _probe(path: Path, tools: tuple[str, str | None], **limits: float) -> MediaInfo:
    return probe(path, ffmpeg=tools[0], ffprobe=tools[1], limits=ProbeLimits(**limits))


def test_interlaced_sources_are_found(samples: dict[str, Path], tools) -> None:
    flagged = _probe(samples["interlaced_tff_2s.mp4"], tools)
    assert (flagged.interlace, flagged.field_order) == ("tff", "tt")
    # One output frame per field: 50i is planned as 50p.
    assert (flagged.fps, flagged.decoded_fps) == (Fraction(25), Fraction(50))
    # The flag says progressive; the frames are combed, and that is what counts.
    lying = _probe(samples["combed_flagged_progressive_2s.mkv"], tools)
    assert lying.field_order in (None, "progressive") and lying.interlace == "tff"
    # Flagged top first, shot bottom first: the frames name the field to start from.
    backwards = _probe(samples["interlaced_bff_flagged_tff_2s.mp4"], tools)
    assert (backwards.field_order, backwards.interlace) == ("tt", "bff")


@pytest.mark.parametrize("name", sorted(GOOD))
def test_progressive_sources_are_never_deinterlaced(name, samples, ffmpeg_bin) -> None:
    # testsrc2's fine moving lines fool idet's default threshold: this is the guard.
    info = _probe(samples[name], (ffmpeg_bin, None))
    assert info.interlace is None and info.decoded_fps == info.fps


def test_idet_verdicts() -> None:
    counts = interlace.parse_idet(
        "[Parsed_idet_0 @ 0x1] Repeated Fields: Neither: 75 Top: 0 Bottom: 0\n"
        "[Parsed_idet_0 @ 0x1] Single frame detection: TFF: 70 BFF: 0 Progressive: 3 "
        "Undetermined: 2\n"
        "[Parsed_idet_0 @ 0x1] Multi frame detection: TFF: 74 BFF: 0 Progressive: 1 "
        "Undetermined: 0\n"
    )
    assert counts == interlace.FieldCounts(74, 0, 1, 0)
    assert interlace.parity("progressive", counts) == "tff"
    # Both parities at once is a progressive picture mistaken for combed.
    assert interlace.parity(None, interlace.FieldCounts(56, 49, 15, 0)) is None
    # Film in an interlaced stream: the frames win over the flag.
    assert interlace.parity("tt", interlace.FieldCounts(0, 0, 90, 0)) is None
    # A still or black stretch cannot say: the flag decides.
    assert interlace.parity("bb", interlace.FieldCounts(0, 0, 3, 70)) == "bff"
    assert interlace.parity(None, None) is None


@pytest.mark.parametrize(
    ("name", "transfer"), [("hdr_pq_2s.mp4", "smpte2084"), ("hdr_hlg_2s.mkv", "arib-std-b67")]
)
def test_hdr_sources_are_found(samples, tools, name: str, transfer: str) -> None:
    info = _probe(samples[name], tools)
    assert (info.color_transfer, info.color_primaries, info.hdr) == (transfer, "bt2020", True)
    assert not _probe(samples["tiny_360p_4s.mp4"], tools).hdr


def test_default_audio_track_and_languages(samples, tools) -> None:
    info = _probe(samples["two_languages_2s.mkv"], tools)
    # The second track is the default one: a player plays it, so the ladder carries it.
    assert (info.audio_stream, info.audio_language) == (1, "fra")
    assert info.audio_languages == ("eng", "fra")
    assert info.alternate_audio() == [(0, "eng")]
    # "und" is no language.
    assert _probe(samples["tiny_360p_4s.mp4"], tools).audio_language is None


def test_rotation_comes_from_the_decoded_frame_when_the_banner_says_nothing(
    samples, ffmpeg_bin, monkeypatch
) -> None:
    """Without ffprobe the banner is parsed; a build that words the display matrix in a way
    the parser does not know must still give a portrait phone clip its portrait size."""
    real = probe_mod.parse_ffmpeg_banner

    def no_rotation(stderr: str):
        info = real(stderr)
        streams = tuple(dataclasses.replace(s, rotation=0) for s in info.streams)
        return dataclasses.replace(info, streams=streams)

    monkeypatch.setattr(probe_mod, "parse_ffmpeg_banner", no_rotation)
    info = _probe(samples["rotated_phone_3s.mp4"], (ffmpeg_bin, None))
    assert (info.width, info.height) == (360, 640)
    assert (info.coded_width, info.coded_height) == (640, 360)


def test_the_rotated_clip_is_rotated_whichever_ffmpeg_makes_it(tmp_path: Path) -> None:
    """ffmpeg 6+ (the imageio build a bare machine uses) drops the legacy rotate tag that
    ffmpeg 5.1 turned into a display matrix: the test clip came out landscape there."""
    ffmpeg = pytest.importorskip("imageio_ffmpeg").get_ffmpeg_exe()
    out = tmp_path / "rotated.mp4"
    _make_rotated(_ffmpeg_maker(ffmpeg), tmp_path, ffmpeg, out)
    info = probe(out, ffmpeg=ffmpeg, ffprobe=None, limits=ProbeLimits())
    assert (info.width, info.height) == (360, 640)


def test_pixel_budget(samples, ffmpeg_bin) -> None:
    # 8K at 240 fps for 4 hours fits every single limit, and no budget.
    with pytest.raises(ProbeRefused) as refused:
        check_pixel_budget(7680, 4320, Fraction(240), 14400, ProbeLimits())
    assert refused.value.code == "pixel_budget"
    assert "7680x4320 at 240 fps for 4 h" in refused.value.reason
    assert "the limit is 2,000 gigapixels." in refused.value.reason
    check_pixel_budget(1920, 1080, Fraction(60), 14400, ProbeLimits())  # 4 h of 1080p60 fits
    with pytest.raises(ProbeRefused) as refused:
        _probe(samples["tiny_360p_4s.mp4"], (ffmpeg_bin, None), max_gigapixels=0.01)
    assert refused.value.code == "pixel_budget"


def _ffprobe(ffprobe: str, *args: str) -> dict:
    out = subprocess.run(
        [ffprobe, "-v", "error", "-of", "json", *args], capture_output=True, check=True, timeout=60
    )
    return json.loads(out.stdout)


def _encode_top_rung(ffmpeg: str, info: MediaInfo, source: Path, work: Path, decode: Decode):
    seg = plan_segmenting(output_fps(info.decoded_fps), segment_s=1.0, gop_s=1.0)
    chunks = plan_chunks(info.duration, seg, segments_per_chunk=1)
    rung = plan_ladder(info, ladder_from_settings([{"height": info.height, "video_kbps": 3000}]))
    parts = []
    for chunk in chunks:
        out = work / f"top_{chunk.index}.mp4"
        args = commands.chunk_encode_args(
            ffmpeg=ffmpeg, source=str(source), demuxer=info.demuxer, chunk=chunk, seg=seg,
            rungs=rung, outputs={rung[0].name: str(out)}, preset="ultrafast", decode=decode,
        )  # fmt: skip
        run_tool(args, timeout=120)
        parts.append(out)
    return join(ffmpeg, parts, work / "top.mp4"), args


def _idet(ffmpeg: str, path: Path) -> interlace.FieldCounts:
    args = interlace.idet_args(
        ffmpeg=ffmpeg, source=str(path), demuxer="mp4", video_stream=0, start_s=0
    )
    counts = interlace.parse_idet(run_tool(args, timeout=60).stderr)
    assert counts is not None
    return counts


def test_interlaced_ladder_is_progressive(samples, ffmpeg_bin, ffprobe_bin, tmp_path) -> None:
    source = samples["interlaced_tff_2s.mp4"]
    info = _probe(source, (ffmpeg_bin, ffprobe_bin))
    # Without deinterlacing, the top rung is combed on every frame.
    combed, _ = _encode_top_rung(ffmpeg_bin, info, source, tmp_path, Decode())
    assert _idet(ffmpeg_bin, combed).tff > 30
    (tmp_path / "fixed").mkdir()
    top, args = _encode_top_rung(
        ffmpeg_bin, info, source, tmp_path / "fixed", Decode(deinterlace=info.interlace)
    )
    # Deinterlaced once, in the decode, before the rung is scaled.
    assert filter_chain(args, args[args.index("-map") + 1])[1][0].startswith("bwdif=")
    counts = _idet(ffmpeg_bin, top)
    assert counts.progressive > 30 and counts.tff + counts.bff < 5
    stream = _ffprobe(ffprobe_bin, "-show_streams", "-select_streams", "v:0", str(top))
    assert stream["streams"][0]["avg_frame_rate"] == "50/1"
    assert int(stream["streams"][0]["nb_frames"]) == pytest.approx(100, abs=2)


@pytest.mark.parametrize("name", ["hdr_pq_2s.mp4", "hdr_hlg_2s.mkv"])
def test_hdr_ladder_is_sdr_bt709(samples, ffmpeg_bin, ffprobe_bin, tmp_path, name) -> None:
    source = samples[name]
    info = _probe(source, (ffmpeg_bin, ffprobe_bin))
    decode = for_ffmpeg(Decode(hdr_transfer=info.color_transfer), ffmpeg_bin)
    assert decode.tone_mapped  # both builds the project runs have zscale and tonemap
    top, _ = _encode_top_rung(ffmpeg_bin, info, source, tmp_path, decode)
    stream = _ffprobe(ffprobe_bin, "-show_streams", "-select_streams", "v:0", str(top))
    tags = {k: stream["streams"][0].get(k) for k in ("color_transfer", "color_primaries")}
    assert tags == {"color_transfer": "bt709", "color_primaries": "bt709"}
    assert stream["streams"][0]["color_space"] == "bt709"
    assert stream["streams"][0]["pix_fmt"] == "yuv420p"


def test_audio_keeps_the_default_track_and_its_language(samples, ffmpeg_bin, ffprobe_bin, tmp_path):
    source = samples["two_languages_2s.mkv"]
    info = _probe(source, (ffmpeg_bin, ffprobe_bin))
    out = tmp_path / "audio.mp4"
    args = commands.audio_encode_args(
        ffmpeg=ffmpeg_bin, source=str(source), demuxer=info.demuxer, out_path=str(out),
        duration_s=info.duration, audio_stream=info.audio_stream, language=info.audio_language,
    )  # fmt: skip
    run_tool(args, timeout=60)
    hls = tmp_path / "hls"
    hls.mkdir()
    run_tool(
        commands.package_hls_args(
            ffmpeg=ffmpeg_bin, source=str(out), out_dir=str(hls), segment_s=1, kind="audio",
            language=info.audio_language,
        ),
        timeout=60,
    )  # fmt: skip
    for path in (out, hls / "init.mp4"):
        tags = _ffprobe(ffprobe_bin, "-show_streams", str(path))["streams"][0].get("tags", {})
        assert tags.get("language") == "fra", path.name
    # The 880 Hz default track, not the 440 Hz first one.
    spectrum = run_tool(
        [ffmpeg_bin, "-v", "info", "-i", str(out), "-f", "null", "-af"]
        + [",".join(["highpass=f=700"] * 3 + ["volumedetect"]), "-"],
        timeout=60,
    ).stderr
    # 440 Hz through three high-pass stages reads about -47 dB, 880 Hz about -26 dB.
    assert float(spectrum.split("mean_volume:")[1].split()[0]) > -35
