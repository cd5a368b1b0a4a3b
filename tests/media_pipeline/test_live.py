"""The live ladder's ffmpeg arguments and playlists, as data."""

from __future__ import annotations

import json
from pathlib import Path

from media_pipeline import live


def _source(width=1280, height=720, fps=30.0, audio=True) -> live.LiveSource:
    return live.LiveSource(width, height, fps, "h264", audio)


def _probe(**video) -> str:
    stream = {"codec_type": "video", "codec_name": "h264", "width": 1280, "height": 720,
              "r_frame_rate": "30/1", "avg_frame_rate": "30/1", **video}  # fmt: skip
    return json.dumps({"streams": [stream, {"codec_type": "audio", "codec_name": "aac"}]})


def test_rungs_never_exceed_the_source_and_are_capped_in_number():
    rungs = live.live_ladder(_source(1920, 1080), max_rungs=3)
    assert [r.name for r in rungs] == ["1080p", "720p", "480p"]
    small = live.live_ladder(_source(320, 180), max_rungs=3)
    assert [(r.width, r.height) for r in small] == [(320, 180), (256, 144)]
    assert all(r.height <= 180 for r in small)
    odd = live.live_ladder(_source(1000, 563), max_rungs=2)
    assert odd[0].height == 562 and odd[0].width % 2 == 0


def test_hostile_sources_are_refused_with_a_reason():
    assert "resolution" in live.parse_probe(_probe(width=20000, height=20000))
    assert "frame rate" in live.parse_probe(_probe(r_frame_rate="1000/1"))
    assert "H.264" in live.parse_probe(_probe(codec_name="hevc"))
    assert live.parse_probe(json.dumps({"streams": [{"codec_type": "audio"}]})) == (
        "The stream has no video."
    )
    assert live.parse_probe("not json") == "The stream could not be read."
    ok = live.parse_probe(_probe())
    assert isinstance(ok, live.LiveSource) and ok.fps == 30 and ok.has_audio


def test_transcode_args_make_an_aligned_short_segment_sliding_window():
    source = _source()
    rungs = live.live_ladder(source, max_rungs=3)
    args = live.transcode_args(
        "ffmpeg", source=source, rungs=rungs, out_dir=Path("/w"), segment_s=1.0, list_size=6
    )
    joined = " ".join(args)
    assert args[args.index("-protocol_whitelist") + 1] == "pipe,file"
    assert args[args.index("-f") + 1] == "flv" and "pipe:0" in args
    assert args[args.index("-hls_time") + 1] == "1"
    assert args[args.index("-hls_list_size") + 1] == "6"
    flags = args[args.index("-hls_flags") + 1].split("+")
    assert {"delete_segments", "program_date_time", "omit_endlist"} <= set(flags)
    assert "append_list" not in flags
    # One keyframe grid for every rung: GOP = fps x segment, no scene-cut keyframes.
    assert args[args.index("-g") + 1] == "30" and args[args.index("-sc_threshold") + 1] == "0"
    assert "expr:gte(t,n_forced*1)" in args
    assert args[args.index("-var_stream_map") + 1] == (
        "v:0,a:0,name:720p v:1,a:1,name:480p v:2,a:2,name:360p"
    )
    assert "split=3" in joined and "scale=640:360" in joined and "fps=" not in joined
    resumed = live.transcode_args(
        "ffmpeg", source=source, rungs=rungs, out_dir=Path("/w"), segment_s=1.0, list_size=6,
        resume=True,
    )  # fmt: skip
    assert {"append_list", "discont_start"} <= set(
        resumed[resumed.index("-hls_flags") + 1].split("+")
    )


def test_silent_sources_map_no_audio_and_fast_ones_are_capped():
    source = _source(fps=120.0, audio=False)
    args = live.transcode_args(
        "ffmpeg", source=source, rungs=live.live_ladder(source, max_rungs=1), out_dir=Path("/w"),
        segment_s=2.0, list_size=6,
    )  # fmt: skip
    assert "0:a:0" not in args and "-c:a" not in args
    assert args[args.index("-var_stream_map") + 1] == "v:0,name:720p"
    assert "fps=60" in " ".join(args) and args[args.index("-g") + 1] == "120"


def test_list_size_covers_the_dvr_window():
    assert live.list_size(segment_s=1, window_segments=6, dvr_window_s=0) == 6
    assert live.list_size(segment_s=1, window_segments=6, dvr_window_s=120) == 120
    assert live.list_size(segment_s=2, window_segments=6, dvr_window_s=7) == 6


def test_master_playlist_declares_what_players_need():
    rungs = live.live_ladder(_source(), max_rungs=2)
    text = live.master_playlist(rungs, fps=30)
    assert text.startswith("#EXTM3U\n")
    assert text.count("#EXT-X-STREAM-INF") == 2
    assert "AVERAGE-BANDWIDTH=" in text and "FRAME-RATE=30.000" in text
    assert "RESOLUTION=1280x720" in text and "720p/index.m3u8" in text


def test_end_playlist_once():
    closed = live.end_playlist("#EXTM3U\nseg.ts\n")
    assert closed.endswith("#EXT-X-ENDLIST\n")
    assert live.end_playlist(closed) == closed


def test_progress_block_becomes_health():
    block = ["frame=300", "fps=29.97", "drop_frames=4", "speed=1.02x", "out_time_us=10000000",
             "progress=continue"]  # fmt: skip
    assert live.parse_progress(block) == {
        "encoder_fps": 30.0, "dropped_frames": 4, "speed": 1.02, "out_time_s": 10.0,
    }  # fmt: skip


def test_recording_join_copies_and_lists_only_local_files():
    listing = live.concat_list([Path("/w/part-0000.flv"), Path("/w/it's.flv")])
    assert listing.splitlines()[0] == "ffconcat version 1.0"
    assert "file '/w/it'\\''s.flv'" in listing
    args = live.join_recording_args("ffmpeg", Path("/w/l"), Path("/w/out.mp4"))
    assert args[args.index("-protocol_whitelist") + 1] == "file"
    assert args[args.index("-c") + 1] == "copy"
