"""Tiny test clips made with ffmpeg's lavfi sources, so no media is downloaded or committed.

Good clips cover the containers and shapes uploads really come in; bad clips are the hostile or
broken inputs the probe must refuse. Generation is idempotent: existing files are kept, so a
session-scoped fixture pays the cost once.
"""

from __future__ import annotations

import random
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

# Every generated clip is tiny and encoded with the cheapest settings: these run on 2 cores.
_FAST_X264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
_AAC = ["-c:a", "aac", "-b:a", "64k"]
_AV = ["-map", "0:v", "-map", "1:a", "-shortest"]


def _video_src(width: int, height: int, fps: int, seconds: float) -> list[str]:
    return ["-f", "lavfi", "-i", f"testsrc2=size={width}x{height}:rate={fps}:duration={seconds}"]


def _audio_src(seconds: float) -> list[str]:
    return ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}"]


def _default_ffmpeg() -> str:
    found = shutil.which("ffmpeg")
    if found:
        return found
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def _ffmpeg_maker(ffmpeg: str) -> Callable[[Path, list[str]], None]:
    def make(out: Path, args: list[str]) -> None:
        # Written under a temporary name so an interrupted run never leaves a half clip that a
        # later run would take as done.
        tmp = out.with_name(f".tmp-{out.name}")
        cmd = [ffmpeg, "-hide_banner", "-nostdin", "-v", "error", "-y", *args]
        fmt = {".mp4": "mp4", ".webm": "webm", ".mkv": "matroska", ".avi": "avi"}
        fmt |= {".ts": "mpegts", ".flv": "flv", ".gif": "gif"}
        cmd += ["-f", fmt[out.suffix], str(tmp)]
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)
        tmp.replace(out)

    return make


def _write(out: Path, data: bytes) -> None:
    tmp = out.with_name(f".tmp-{out.name}")
    tmp.write_bytes(data)
    tmp.replace(out)


def _png_bytes() -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buf, format="PNG")
    return buf.getvalue()


def make_samples(outdir: Path, ffmpeg: str | None = None) -> dict[str, Path]:
    """Create (or reuse) every sample clip in ``outdir``; returns name -> path."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    ffmpeg = ffmpeg or _default_ffmpeg()
    make = _ffmpeg_maker(ffmpeg)
    paths: dict[str, Path] = {}

    def clip(name: str, args: list[str]) -> None:
        path = outdir / name
        if not path.exists():
            make(path, args)
        paths[name] = path

    def raw(name: str, data: Callable[[], bytes]) -> None:
        path = outdir / name
        if not path.exists():
            _write(path, data())
        paths[name] = path

    # --- clips the probe must accept -------------------------------------------------------
    av = ["-map", "0:v", "-map", "1:a", "-shortest"]
    clip(
        "tiny_360p_4s.mp4",
        [*_video_src(640, 360, 30, 4), *_audio_src(4), *av, *_FAST_X264, *_AAC],
    )
    clip(
        "vertical_720x1280_3s.mp4",
        [*_video_src(720, 1280, 30, 3), *_audio_src(3), *av, *_FAST_X264, *_AAC],
    )
    clip("no_audio_480p_3s.mp4", [*_video_src(854, 480, 30, 3), *_FAST_X264])
    clip(
        "vp9_opus_3s.webm",
        [
            *_video_src(640, 360, 30, 3),
            *_audio_src(3),
            *av,
            *["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "300k"],
            *["-c:a", "libopus", "-b:a", "48k"],
        ],
    )
    # A phone clip: coded landscape, displayed portrait.
    rotated = outdir / "rotated_phone_3s.mp4"
    if not rotated.exists():
        _make_rotated(make, outdir, ffmpeg, rotated)
    paths[rotated.name] = rotated
    clip(
        "chunky_60fps_14s.mp4",
        [*_video_src(320, 180, 60, 14), *_audio_src(14), *av, *_FAST_X264, *_AAC],
    )
    clip("mkv_h264_3s.mkv", [*_video_src(320, 180, 30, 3), *_audio_src(3), *av, *_FAST_X264, *_AAC])
    clip(
        "avi_mpeg4_2s.avi",
        [*_video_src(320, 180, 25, 2), "-c:v", "mpeg4", "-q:v", "5"],
    )
    clip("ts_2s.ts", [*_video_src(320, 180, 25, 2), *_audio_src(2), *av, *_FAST_X264, *_AAC])
    clip("flv_2s.flv", [*_video_src(320, 180, 25, 2), *_audio_src(2), *av, *_FAST_X264, *_AAC])

    _odd_media(clip)

    # --- inputs the probe must refuse ------------------------------------------------------
    raw("empty.mp4", lambda: b"")
    raw("text_named.mp4", lambda: b"this is not a video\n" * 50)
    raw("truncated.mp4", lambda: _first_quarter(paths["tiny_360p_4s.mp4"]))
    raw(
        "playlist.mp4",
        lambda: (
            b"#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n"
            b"#EXTINF:10.0,\nfile:///etc/passwd\n#EXTINF:10.0,\nhttp://127.0.0.1:9/x.ts\n"
            b"#EXT-X-ENDLIST\n"
        ),
    )
    faststart_cut = outdir / "truncated_faststart.mp4"
    if not faststart_cut.exists():
        # moov first, mdat cut: the header promises 4 s that the file no longer holds, which a
        # header-only probe does not notice.
        whole = outdir / ".faststart.mp4"
        make(whole, ["-i", str(paths["tiny_360p_4s.mp4"]), "-c", "copy", "-movflags", "+faststart"])
        _write(faststart_cut, whole.read_bytes()[: whole.stat().st_size // 2])
        whole.unlink()
    paths[faststart_cut.name] = faststart_cut
    raw("concat.mp4", lambda: b"ffconcat version 1.0\nfile '/etc/passwd'\n")
    raw("image.mp4", _png_bytes)
    clip("audio_only.mp4", [*_audio_src(2), *_AAC])
    raw("random.mp4", lambda: random.Random(1).randbytes(64 * 1024))
    gif = outdir / "tiny_gif.mp4"
    if not gif.exists():
        tmp_gif = outdir / ".anim.gif"
        make(tmp_gif, _video_src(64, 48, 5, 1))
        tmp_gif.replace(gif)
    paths["tiny_gif.mp4"] = gif
    return paths


def _make_rotated(make: Callable[[Path, list[str]], None], outdir: Path, ffmpeg: str, out: Path):
    """A stream copy given a 90-degree display matrix, with whichever ffmpeg makes the clips.

    ffmpeg 5.1 has no -display_rotation but turns the legacy "rotate" tag into the track's
    display matrix on a stream copy; ffmpeg 6 and later (the imageio-ffmpeg build a bare machine
    uses) silently drop that tag and take -display_rotation instead. A clip made with the
    wrong one is not rotated at all, so the result is checked rather than trusted."""
    plain = outdir / ".rotated-src.mp4"
    make(plain, [*_video_src(640, 360, 30, 3), *_FAST_X264])
    try:
        make(out, ["-display_rotation", "90", "-i", str(plain), "-c", "copy"])
    except subprocess.CalledProcessError:
        make(out, ["-i", str(plain), "-c", "copy", "-metadata:s:v:0", "rotate=90"])
    plain.unlink()
    banner = subprocess.run(
        [ffmpeg, "-hide_banner", "-nostdin", "-i", str(out)], capture_output=True, text=True
    ).stderr
    if "rotation of" not in banner.lower():
        out.unlink()
        raise RuntimeError(f"{ffmpeg} wrote no display matrix on {out.name}")


def _odd_media(clip: Callable[[str, list[str]], None]) -> None:
    """Held-out kinds of media that must still come out right (issue 17)."""
    # A 50i camcorder-like clip: 50 pictures a second woven into 25 frames of two fields, top
    # first, coded and flagged as interlaced. The moving test pattern combs every frame.
    fields = ["-vf", "tinterlace=mode=interleave_top,setfield=tff"]
    interlaced = ["-flags", "+ildct+ilme", "-x264-params", "tff=1"]
    clip(
        "interlaced_tff_2s.mp4",
        [*_video_src(640, 360, 50, 2), *_audio_src(2), *_AV, *fields, *_FAST_X264, *interlaced]
        + _AAC,
    )
    # The same pictures coded as progressive frames: the flag says progressive, the content
    # is combed. Only looking at the frames finds it.
    woven = ["-vf", "tinterlace=mode=interleave_top,setfield=prog"]
    clip("combed_flagged_progressive_2s.mkv", [*_video_src(640, 360, 50, 2), *woven, *_FAST_X264])
    # Bottom field first, but x264 flags every interlaced stream top first: the flag names the
    # wrong field, and deinterlacing in its order would play each pair of fields backwards.
    bottom = ["-vf", "tinterlace=mode=interleave_bottom,setfield=bff", "-flags", "+ildct+ilme"]
    clip("interlaced_bff_flagged_tff_2s.mp4", [*_video_src(640, 360, 50, 2), *bottom, *_FAST_X264])
    # HDR: 10-bit BT.2020 with the PQ (and HLG) transfer. setparams tags the frames, which
    # every ffmpeg carries into the stream (newer ones ignore -color_trc on the output).
    for transfer, name in (("smpte2084", "hdr_pq_2s.mp4"), ("arib-std-b67", "hdr_hlg_2s.mkv")):
        tags = f"color_primaries=bt2020:color_trc={transfer}:colorspace=bt2020nc:range=tv"
        clip(
            name,
            [*_video_src(320, 180, 25, 2), "-vf", f"format=yuv420p10le,setparams={tags}"]
            + ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p10le"],
        )
    # Two audio languages; the second track is the default one, so "the first" is wrong.
    clip(
        "two_languages_2s.mkv",
        [*_video_src(320, 180, 25, 2), *_audio_src(2), "-f", "lavfi"]
        + ["-i", "sine=frequency=880:sample_rate=48000:duration=2"]
        + ["-map", "0:v", "-map", "1:a", "-map", "2:a", "-shortest", *_FAST_X264, *_AAC]
        + ["-metadata:s:a:0", "language=eng", "-metadata:s:a:1", "language=fra"]
        + ["-disposition:a:0", "0", "-disposition:a:1", "default"],
    )


def _first_quarter(path: Path) -> bytes:
    data = path.read_bytes()
    return data[: len(data) // 4]
