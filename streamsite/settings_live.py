"""Settings of live streaming (apps.live), imported by streamsite.settings."""

from streamsite.env import env_bool, env_float, env_int, env_list, env_str

RTMP_PORT = env_int("RTMP_PORT", 1935)
RTMP_HOST = env_str("RTMP_HOST", "0.0.0.0")  # where `manage.py live_ingest` listens
RTMP_PUBLIC_HOST = env_str("RTMP_PUBLIC_HOST", "")  # shown to creators; default: the site's host
LIVE_SEGMENT_S = min(2.0, max(0.5, env_float("LIVE_SEGMENT_S", 1.0)))  # contract: <= 2 s
LIVE_WINDOW_SEGMENTS = env_int("LIVE_WINDOW_SEGMENTS", 6)  # the sliding window, in segments
LIVE_DVR_WINDOW_S = env_int("LIVE_DVR_WINDOW_S", 120)  # 0: no DVR, only the sliding window
LIVE_MAX_RUNGS = env_int("LIVE_MAX_RUNGS", 3)
LIVE_KEYFRAME_TIMEOUT_S = env_float("LIVE_KEYFRAME_TIMEOUT_S", 10.0)
# A recording file quiet this long in the ingest's work dir was left by a dead ingest.
LIVE_RECOVERY_QUIET_S = env_float("LIVE_RECOVERY_QUIET_S", 60.0)
# How long an ended stream's live window stays in storage once its recording is a video.
LIVE_WINDOW_KEEP_S = env_float("LIVE_WINDOW_KEEP_S", 600.0)
LIVE_HOOK_TOKEN = env_str("LIVE_HOOK_TOKEN", "")
LIVE_HOOK_ALLOWED_IPS = env_list("LIVE_HOOK_ALLOWED_IPS", ["127.0.0.1", "::1"])
# LL-HLS (apps/live/ingest/llsync.py): parts of a third of a segment, blocking playlist reloads.
LIVE_LOW_LATENCY = env_bool("LIVE_LOW_LATENCY", False)
LIVE_PARTS_PER_SEGMENT = min(6, max(2, env_int("LIVE_PARTS_PER_SEGMENT", 3)))
