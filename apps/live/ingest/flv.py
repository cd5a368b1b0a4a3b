"""FLV tags: what the ingest writes for ffmpeg and the recording, and what it reads of a tag.

pyrtmp hands over RTMP audio/video message payloads, which are FLV tag bodies; wrapping them
is a fixed 11-byte header and a 4-byte trailer (FLV spec 10.1, annex E).
"""

from __future__ import annotations

import struct

AUDIO, VIDEO = 8, 9
CODEC_AVC = 7
HEADER = b"FLV\x01\x05" + struct.pack(">II", 9, 0)  # audio + video, then PreviousTagSize0


def tag(kind: int, timestamp_ms: int, payload: bytes) -> bytes:
    ts = timestamp_ms & 0xFFFFFFFF
    head = struct.pack(">B", kind) + len(payload).to_bytes(3, "big")
    head += (ts & 0xFFFFFF).to_bytes(3, "big") + bytes([ts >> 24]) + b"\x00\x00\x00"
    return head + payload + struct.pack(">I", 11 + len(payload))


def video_codec(payload: bytes) -> int:
    return payload[0] & 0x0F if payload else -1


def is_video_config(payload: bytes) -> bool:
    """An AVC sequence header (SPS/PPS): needed again by every new encoder process."""
    return len(payload) > 1 and video_codec(payload) == CODEC_AVC and payload[1] == 0


def is_keyframe(payload: bytes) -> bool:
    """An AVC key frame carrying picture data (not the sequence header)."""
    return (
        len(payload) > 1
        and payload[0] >> 4 == 1
        and video_codec(payload) == CODEC_AVC
        and payload[1] == 1
    )


def is_audio_config(payload: bytes) -> bool:
    """An AAC AudioSpecificConfig (sound format 10, packet type 0)."""
    return len(payload) > 1 and payload[0] >> 4 == 10 and payload[1] == 0
