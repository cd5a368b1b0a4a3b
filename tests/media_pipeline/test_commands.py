"""ffmpeg argument lists, checked as data."""

from __future__ import annotations

from fractions import Fraction

import pytest

from media_pipeline import commands
from media_pipeline.filters import Decode
from media_pipeline.ladder import Chunk, Rung, plan_segmenting
from tests.media_pipeline.helpers import filter_chain

SEG = plan_segmenting(Fraction(30))
RUNGS = [Rung("144p", 256, 144, 120, 180, 240), Rung("360p", 640, 360, 700, 1050, 1400)]
OUTS = {"144p": "/w/144p.mp4", "360p": "/w/360p.mp4"}


def _value(args: list[str], flag: str, nth: int = 0) -> str:
    positions = [i for i, a in enumerate(args) if a == flag]
    return args[positions[nth] + 1]


def _chunk_args(chunk: Chunk, demuxer: str = "mov") -> list[str]:
    return commands.chunk_encode_args(
        ffmpeg="ffmpeg",
        source="/up/source",
        demuxer=demuxer,
        chunk=chunk,
        seg=SEG,
        rungs=RUNGS,
        outputs=OUTS,
    )


def _assert_untrusted_input(args: list[str], demuxer: str) -> None:
    i = args.index("-i")
    assert _value(args, "-protocol_whitelist") == "file,pipe"
    assert _value(args, "-f") == demuxer
    assert args.index("-protocol_whitelist") < i and args.index("-f") < i
    assert "-nostdin" in args


def test_chunk_encode_first_chunk() -> None:
    args = _chunk_args(Chunk(0, 0, 360, Fraction(30)))
    _assert_untrusted_input(args, "mov")
    assert "-ss" not in args
    head = ["fps=fps=30/1:start_time=0.0000005", "setpts=PTS-STARTPTS"]
    top = ["scale=640:360:flags=bicubic", "setsar=1", "format=yuv420p"]
    # A cascade: the largest rung from the source, each smaller one from the next larger.
    assert filter_chain(args, _value(args, "-map", 1)) == ("0:v:0", [*head, *top])
    small = ["scale=256:144:flags=bicubic", "setsar=1", "format=yuv420p"]
    assert filter_chain(args, _value(args, "-map", 0)) == ("0:v:0", [*head, *top, *small])
    # Each rung is scaled once; no other filter runs on a progressive SDR source.
    assert _value(args, "-filter_complex").count("scale=") == 2
    assert "bwdif" not in args[args.index("-filter_complex") + 1]


def test_chunk_encode_later_chunk_seeks_before_input() -> None:
    args = _chunk_args(Chunk(1, 360, 360, Fraction(30)))
    i = args.index("-i")
    assert args.index("-ss") < i and args.index("-noaccurate_seek") < i
    assert _value(args, "-ss") == "11.750000"  # a quarter second early (seek_margin)
    assert "start_time=12.0000005" in _value(args, "-filter_complex")
    assert {"-copyts", "-start_at_zero"} <= set(args[:i])


def test_chunk_encode_per_output_options() -> None:
    args = _chunk_args(Chunk(1, 360, 300, Fraction(30)))
    for nth, rung in enumerate(RUNGS):
        chain = filter_chain(args, _value(args, "-map", nth))[1]
        assert f"scale={rung.width}:{rung.height}:flags=bicubic" in chain
        assert _value(args, "-frames:v", nth) == "300"
        assert _value(args, "-g", nth) == "60"
        assert _value(args, "-keyint_min", nth) == "60"
        assert _value(args, "-sc_threshold", nth) == "0"
        assert _value(args, "-force_key_frames", nth) == "expr:eq(mod(n,60),0)"
        assert _value(args, "-b:v", nth) == f"{rung.video_kbps}k"
        assert _value(args, "-maxrate", nth) == f"{rung.maxrate_kbps}k"
        assert _value(args, "-bufsize", nth) == f"{rung.bufsize_kbits}k"
        assert _value(args, "-c:v", nth) == "libx264"
        assert _value(args, "-map_metadata", nth) == "-1"
    assert args[-1] == "/w/360p.mp4"
    assert args.count("-an") == 2


def test_chunk_encode_ntsc_start_time_is_exact() -> None:
    seg = plan_segmenting(Fraction(30000, 1001))
    chunk = Chunk(1, 360, 360, seg.fps)
    seek, first = commands.chunk_seek(chunk)
    # 360 frames at 29.97 fps = 12.012 s; fps truncates to microseconds, hence the extra 5.
    assert first == "12.0120005"
    assert seek == "11.762000"


def test_unreliable_seek_demuxers_decode_from_start() -> None:
    args = _chunk_args(Chunk(1, 360, 360, Fraction(30)), demuxer="mpegts")
    assert "-ss" not in args
    assert "start_time=12.0000005" in _value(args, "-filter_complex")
    assert commands.needs_remux("mpegts") and not commands.needs_remux("mov")
    remux = commands.remux_args(ffmpeg="ffmpeg", source="/s", demuxer="mpegts", out_path="/o.mkv")
    _assert_untrusted_input(remux, "mpegts")
    assert remux[-3:] == ["-f", "matroska", "/o.mkv"]


def test_chunk_encode_rejects_bad_plans() -> None:
    with pytest.raises(ValueError):
        _chunk_args(Chunk(1, 100, 360, Fraction(30)))  # not on a GOP boundary
    with pytest.raises(ValueError):
        commands.chunk_encode_args(
            ffmpeg="ffmpeg",
            source="/s",
            demuxer="mov",
            chunk=Chunk(0, 0, 10, Fraction(30)),
            seg=SEG,
            rungs=RUNGS,
            outputs={"144p": "/x"},
        )
    with pytest.raises(ValueError):
        _chunk_args(Chunk(0, 0, 10, Fraction(25)))


def test_audio_encode_args() -> None:
    args = commands.audio_encode_args(
        ffmpeg="ffmpeg", source="/up/s", demuxer="matroska", out_path="/w/a.mp4", duration_s=12.5
    )
    _assert_untrusted_input(args, "matroska")
    assert filter_chain(args, _value(args, "-map")) == ("0:a:0", ["aresample=async=1:first_pts=0"])
    assert _value(args, "-c:a") == "aac"
    assert _value(args, "-ac") == "2"
    assert _value(args, "-ar") == "48000"
    assert _value(args, "-b:a") == "128k"
    assert _value(args, "-t") == "12.500000"
    assert args.index("-t") < args.index("-i")
    assert _value(args, "-f", 1) == "mp4" and args[-1] == "/w/a.mp4"
    assert "-metadata:s:a:0" not in args  # no language known: nothing claimed


def test_audio_encode_keeps_the_chosen_track_and_its_language() -> None:
    args = commands.audio_encode_args(
        ffmpeg="ffmpeg", source="/up/s", demuxer="matroska", out_path="/w/a.mp4",
        duration_s=3, audio_stream=1, language="eng",
    )  # fmt: skip
    assert filter_chain(args, _value(args, "-map"))[0] == "0:a:1"
    assert _value(args, "-metadata:s:a:0") == "language=eng"
    # Set after the strip, which applies to copied metadata only.
    assert _value(args, "-map_metadata") == "-1"


def test_concat_list_quotes_and_durations() -> None:
    text = commands.concat_list(["/w/a.mp4", "/w/it's.mp4"], [12.0, 4.004])
    assert text == (
        "ffconcat version 1.0\n"
        "file '/w/a.mp4'\nduration 12.000000\n"
        "file '/w/it'\\''s.mp4'\nduration 4.004000\n"
    )
    with pytest.raises(ValueError):
        commands.concat_list(["/w/new\nline.mp4"])


def test_concat_args() -> None:
    args = commands.concat_args(ffmpeg="ffmpeg", list_path="/w/l.txt", out_path="/w/o.mp4")
    assert _value(args, "-f") == "concat"
    assert _value(args, "-safe") == "0"
    assert _value(args, "-protocol_whitelist") == "file,pipe"
    assert _value(args, "-c") == "copy"
    assert args[-3:] == ["-f", "mp4", "/w/o.mp4"]


def test_package_hls_args() -> None:
    args = commands.package_hls_args(
        ffmpeg="ffmpeg", source="/w/o.mp4", out_dir="/w/hls", segment_s=SEG.segment_us / 1e6
    )
    assert _value(args, "-hls_time") == "4.000000"
    assert _value(args, "-hls_segment_type") == "fmp4"
    assert _value(args, "-hls_playlist_type") == "vod"
    assert _value(args, "-hls_fmp4_init_filename") == "init.mp4"
    assert _value(args, "-hls_segment_filename") == "/w/hls/seg_%05d.m4s"
    assert _value(args, "-hls_flags") == "independent_segments"
    assert _value(args, "-map") == "0:v:0"
    assert args[-1] == "/w/hls/index.m3u8"
    odd = commands.package_hls_args(ffmpeg="ffmpeg", source="/s", out_dir="/w/100%", segment_s=4)
    assert _value(odd, "-hls_segment_filename") == "/w/100%%/seg_%05d.m4s"
    audio = commands.package_hls_args(
        ffmpeg="ffmpeg", source="/w/a.mp4", out_dir="/w/a", segment_s=4, kind="audio"
    )
    assert _value(audio, "-map") == "0:a:0"


def test_frames_and_poster_args() -> None:
    args = commands.frames_args(
        ffmpeg="ffmpeg", source="/w/144p.mp4", out_pattern="/w/f_%05d.jpg", every_s=2.5, width=160
    )
    assert filter_chain(args, _value(args, "-map")) == (
        "0:v:0",
        ["fps=2/5", "scale=160:-2:flags=bicubic"],
    )
    assert _value(args, "-i") == "/w/144p.mp4"
    assert _value(args, "-f", 1) == "image2"
    assert args[-1] == "/w/f_%05d.jpg"
    with pytest.raises(ValueError):
        commands.frames_args(ffmpeg="f", source="s", out_pattern="o", every_s=0, width=160)
    poster = commands.poster_args(ffmpeg="ffmpeg", source="/w/s.mp4", out_path="/w/p.png", at_s=3)
    assert poster.index("-ss") < poster.index("-i")
    assert _value(poster, "-frames:v") == "1"


def test_small_rungs_area_scale_only_when_asked_and_never_skip_deblocking():
    from fractions import Fraction

    from media_pipeline.commands import chunk_encode_args
    from media_pipeline.ladder import Chunk, Rung, plan_segmenting

    seg = plan_segmenting(Fraction(30))
    chunk = Chunk(index=0, start_frame=0, frames=120, fps=Fraction(30))
    rung = Rung("144p", 256, 144, 120, 180, 240)
    common = dict(
        ffmpeg="ffmpeg", source="/in", demuxer="mov", chunk=chunk, seg=seg, rungs=[rung],
        outputs={"144p": "/out.mp4"},
    )  # fmt: skip
    small = chunk_encode_args(**common, small_rungs=True)
    assert "scale=256:144:flags=area" in filter_chain(small, _value(small, "-map"))[1]
    plain = chunk_encode_args(**common)
    for args in (small, plain):  # a skipped in-loop filter drifts until the next keyframe
        assert "-skip_loop_filter" not in args and "-skip_frame" not in args
    assert "scale=256:144:flags=bicubic" in filter_chain(plain, _value(plain, "-map"))[1]


def test_a_thread_budget_covers_decoder_filters_and_encoders():
    args = commands.chunk_encode_args(
        ffmpeg="ffmpeg", source="/up/source", demuxer="mov", chunk=Chunk(0, 0, 360, Fraction(30)),
        seg=SEG, rungs=RUNGS, outputs={r.name: f"/w/{r.name}.mp4" for r in RUNGS}, threads=1,
    )  # fmt: skip
    i = args.index("-i")
    assert _value(args, "-threads") == "1" and args.index("-threads") < i  # the decoder
    assert _value(args, "-filter_complex_threads") == "1"
    assert args.count("-threads") == 1 + len(RUNGS)  # and every encoder
    unbounded = _chunk_args(Chunk(0, 0, 360, Fraction(30)))
    assert "-threads" not in unbounded and "-filter_complex_threads" not in unbounded


def test_deinterlace_and_tone_map_run_once_in_the_decode() -> None:
    chunk = Chunk(1, 360, 360, Fraction(30))
    decode = Decode(deinterlace="bff", hdr_transfer="arib-std-b67")
    args = commands.chunk_encode_args(
        ffmpeg="ffmpeg", source="/up/source", demuxer="mov", chunk=chunk, seg=SEG, rungs=RUNGS,
        outputs=OUTS, decode=decode,
    )  # fmt: skip
    graph = _value(args, "-filter_complex")
    # Once for every rung, before the rungs are scaled: the cascade shares it.
    assert graph.count("]bwdif=") == 1 and graph.count("]tonemap=") == 1
    source, chain = filter_chain(args, _value(args, "-map", 0))
    assert source == "0:v:0"
    assert chain[0] == "bwdif=deint=all:mode=send_field:parity=bff"
    assert chain[1].startswith("fps=")
    assert chain[3].startswith("zscale=") and "tin=arib-std-b67" in chain[3]
    assert "tonemap=desat=0:tonemap=hable" in chain
    last_of_decode = chain.index("scale=640:360:flags=bicubic") - 1
    assert chain[last_of_decode] == (
        "setparams=color_primaries=bt709:color_trc=bt709:colorspace=bt709:range=tv"
    )
    # A build without zscale keeps the HDR pixels (and their own tags) rather than failing.
    kept = commands.chunk_encode_args(
        ffmpeg="ffmpeg", source="/up/source", demuxer="mov", chunk=chunk, seg=SEG, rungs=RUNGS,
        outputs=OUTS, decode=Decode(hdr_transfer="smpte2084", tone_map=False),
    )  # fmt: skip
    assert "zscale" not in _value(kept, "-filter_complex")
    # SDR is never converted.
    assert "zscale" not in _value(_chunk_args(chunk), "-filter_complex")
