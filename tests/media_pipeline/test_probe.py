"""probe(): every good sample accepted with the right shape, every bad one refused with its own
reason, with ffprobe and with ffmpeg alone."""

from __future__ import annotations

import pickle
import socket
import subprocess
from fractions import Fraction
from pathlib import Path

import pytest

from media_pipeline import probe as probe_mod
from media_pipeline.probe import MediaInfo, ProbeLimits, ProbeRefused, human_duration, probe

# name -> (display width, height, demuxer, has audio)
GOOD = {
    "tiny_360p_4s.mp4": (640, 360, "mov", True),
    "vertical_720x1280_3s.mp4": (720, 1280, "mov", True),
    "no_audio_480p_3s.mp4": (854, 480, "mov", False),
    "vp9_opus_3s.webm": (640, 360, "matroska", True),
    "rotated_phone_3s.mp4": (360, 640, "mov", False),
    "chunky_60fps_14s.mp4": (320, 180, "mov", True),
    "mkv_h264_3s.mkv": (320, 180, "matroska", True),
    "avi_mpeg4_2s.avi": (320, 180, "avi", False),
    "ts_2s.ts": (320, 180, "mpegts", True),
    "flv_2s.flv": (320, 180, "flv", True),
}

# name -> refusal code; each code is distinct except where the cause really is the same.
BAD = {
    "empty.mp4": "empty",
    "text_named.mp4": "text",
    "truncated.mp4": "truncated",
    "truncated_faststart.mp4": "truncated",
    "playlist.mp4": "hls",
    "concat.mp4": "concat",
    "image.mp4": "image",
    "audio_only.mp4": "no_video",
    "random.mp4": "unrecognized",
    "tiny_gif.mp4": "image",
}


def _probe(path: Path, ffmpeg: str, ffprobe: str | None, **limits: float) -> MediaInfo:
    return probe(path, ffmpeg=ffmpeg, ffprobe=ffprobe, limits=ProbeLimits(**limits))


@pytest.fixture(params=["ffprobe", "ffmpeg-only", "imageio-ffmpeg"])
def probe_tools(request: pytest.FixtureRequest, ffmpeg_bin: str) -> tuple[str, str | None]:
    if request.param == "ffprobe":
        return ffmpeg_bin, request.getfixturevalue("ffprobe_bin")
    if request.param == "imageio-ffmpeg":
        # The wheel's build is a newer ffmpeg with no ffprobe and a differently worded banner.
        imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")
        return imageio_ffmpeg.get_ffmpeg_exe(), None
    return ffmpeg_bin, None


@pytest.mark.parametrize("name", sorted(GOOD))
def test_good_samples_accepted(
    name: str, samples: dict[str, Path], probe_tools: tuple[str, str | None]
) -> None:
    width, height, demuxer, has_audio = GOOD[name]
    info = _probe(samples[name], *probe_tools)
    assert (info.width, info.height) == (width, height)
    assert info.demuxer == demuxer
    assert info.has_audio is has_audio
    assert info.duration > 1.5
    assert info.fps in (Fraction(25), Fraction(30), Fraction(60))
    assert info.video_stream == 0


def test_rotation_reported(samples: dict[str, Path], probe_tools: tuple[str, str | None]) -> None:
    info = _probe(samples["rotated_phone_3s.mp4"], *probe_tools)
    assert (info.coded_width, info.coded_height) == (640, 360)
    assert info.rotation in (90, 270)
    assert info.width < info.height


def test_details(samples: dict[str, Path], ffmpeg_bin: str, ffprobe_bin: str) -> None:
    info = _probe(samples["vp9_opus_3s.webm"], ffmpeg_bin, ffprobe_bin)
    assert (info.video_codec, info.audio_codec) == ("vp9", "opus")
    assert info.format_name == "matroska,webm"
    ts = _probe(samples["ts_2s.ts"], ffmpeg_bin, ffprobe_bin)
    # MPEG-TS clocks start wherever the muxer began; durations are still the video's own.
    assert ts.start_time > 0
    assert ts.duration == pytest.approx(2.0, abs=0.05)


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_samples_refused(
    name: str, samples: dict[str, Path], probe_tools: tuple[str, str | None]
) -> None:
    with pytest.raises(ProbeRefused) as info:
        _probe(samples[name], *probe_tools)
    assert info.value.code == BAD[name]
    assert info.value.reason.endswith(".")


def test_bad_reasons_are_distinct(samples: dict[str, Path], ffmpeg_bin: str) -> None:
    reasons: dict[str, set[str]] = {}
    for name, code in BAD.items():
        with pytest.raises(ProbeRefused) as info:
            _probe(samples[name], ffmpeg_bin, None)
        reasons.setdefault(code, set()).add(info.value.reason)
    flat = [r for group in reasons.values() for r in group]
    assert len(flat) == len(set(flat)), "two causes share one message"
    assert "The file has no video stream (audio only)." in flat
    assert "HLS playlists are not accepted; upload the video file itself." in flat


def test_name_is_never_trusted(samples: dict[str, Path], tmp_path: Path, ffmpeg_bin: str) -> None:
    disguised = tmp_path / "holiday.ts"
    disguised.write_bytes(samples["mkv_h264_3s.mkv"].read_bytes())
    assert _probe(disguised, ffmpeg_bin, None).demuxer == "matroska"


@pytest.fixture(scope="module")
def odd_inputs(tmp_path_factory: pytest.TempPathFactory, ffmpeg_bin: str) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("odd")
    sine = ["-f", "lavfi", "-i", "sine=duration=1"]
    video = ["-f", "lavfi", "-i", "testsrc2=size=64x48:rate=10:duration=1"]
    jobs = {
        "wav_named.mp4": [*sine, "-f", "wav"],
        "raw_h264.mp4": [*video, "-c:v", "libx264", "-preset", "ultrafast", "-f", "h264"],
    }
    paths = {}
    for name, args in jobs.items():
        path = out / name
        cmd = [ffmpeg_bin, "-v", "error", "-y", *args, str(path)]
        subprocess.run(cmd, check=True, timeout=60)
        paths[name] = path
    return paths


@pytest.mark.parametrize(
    ("name", "code", "words"),
    [
        ("wav_named.mp4", "audio_only", "audio file (wav)"),
        ("raw_h264.mp4", "raw_stream", "without a container"),
    ],
)
def test_refusal_names_what_was_found(
    odd_inputs: dict[str, Path],
    probe_tools: tuple[str, str | None],
    name: str,
    code: str,
    words: str,
) -> None:
    with pytest.raises(ProbeRefused) as info:
        _probe(odd_inputs[name], *probe_tools)
    assert info.value.code == code
    assert words in info.value.reason


def test_whitelist_stops_playlists_even_past_the_sniffer(
    tmp_path: Path, probe_tools: tuple[str, str | None]
) -> None:
    """Defence in depth: if sniffing missed a playlist, the demuxer whitelist refuses it before
    the HLS demuxer reads its header, so nothing it names is fetched."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    playlist = tmp_path / "x.mp4"
    playlist.write_text(
        "#EXTM3U\n#EXT-X-TARGETDURATION:2\n"
        f"#EXTINF:2,\nhttp://127.0.0.1:{port}/a.ts\n#EXTINF:2,\nfile:///etc/passwd\n"
        "#EXT-X-ENDLIST\n"
    )
    ffmpeg, ffprobe = probe_tools
    with pytest.raises(ProbeRefused) as info:
        with probe_mod._neutral_name(playlist) as src:
            probe_mod._read_container(
                src, ffmpeg=ffmpeg, ffprobe=ffprobe, limits=ProbeLimits(), head=b""
            )
    # ffmpeg 5.1 names the demuxer it refused; newer builds do not even detect HLS without a
    # .m3u8 name, which is just as safe.
    assert info.value.code in {"hls", "unrecognized"}
    with pytest.raises(TimeoutError):
        listener.accept()
    listener.close()


@pytest.mark.parametrize(
    ("limits", "code", "words"),
    [
        ({"max_duration_s": 2}, "too_long", "The video is 4 s long; the limit is 2 s."),
        ({"max_width": 320, "max_height": 320}, "dimensions", "640x360"),
        ({"max_fps": 24}, "fps", "30 fps"),
        ({"max_file_bytes": 1000}, "too_large", "the limit is 1000 bytes"),
        ({"timeout_s": 0.001}, "timeout", "took too long"),
    ],
)
def test_limits(
    samples: dict[str, Path], ffmpeg_bin: str, limits: dict[str, float], code: str, words: str
) -> None:
    with pytest.raises(ProbeRefused) as info:
        _probe(samples["tiny_360p_4s.mp4"], ffmpeg_bin, None, **limits)
    assert info.value.code == code
    assert words in info.value.reason


def test_rotated_limits_apply_to_display_size(samples: dict[str, Path], ffmpeg_bin: str) -> None:
    # 720x1280 fits a 1280x720 box once orientation is ignored.
    info = _probe(
        samples["vertical_720x1280_3s.mp4"], ffmpeg_bin, None, max_width=1280, max_height=720
    )
    assert (info.width, info.height) == (720, 1280)


def test_cut_matroska_is_refused(samples: dict[str, Path], tmp_path: Path, ffmpeg_bin: str) -> None:
    data = samples["mkv_h264_3s.mkv"].read_bytes()
    cut = tmp_path / "cut.mkv"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(ProbeRefused) as info:
        _probe(cut, ffmpeg_bin, None)
    assert info.value.code == "truncated"


def test_refusal_survives_pickling() -> None:
    copy = pickle.loads(pickle.dumps(ProbeRefused("The file is empty.", "empty")))
    assert (copy.reason, copy.code) == ("The file is empty.", "empty")


def test_human_duration() -> None:
    assert human_duration(4 * 3600 + 600) == "4 h 10 min"
    assert human_duration(14400) == "4 h"
    assert human_duration(3570) == "59 min 30 s"
    assert human_duration(45.2) == "45 s"
