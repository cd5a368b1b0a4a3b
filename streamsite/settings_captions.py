"""Settings of captions (apps.captions), imported by streamsite.settings."""

from streamsite.env import env_int, env_str

CAPTION_MAX_KB = env_int("CAPTION_MAX_KB", 1024)  # one caption file
CAPTION_MAX_CUES = env_int("CAPTION_MAX_CUES", 20_000)
CAPTION_MAX_PER_VIDEO = env_int("CAPTION_MAX_PER_VIDEO", 50)  # languages
# Automatic captions: a function (dotted path) taking a 16 kHz mono WAV path and returning
# (BCP 47 language, [media_pipeline.captions.Cue]). The default runs faster-whisper when that
# package is installed; without it no automatic-caption job is ever sent.
CAPTIONS_RECOGNIZER = env_str("CAPTIONS_RECOGNIZER", "apps.captions.speech.whisper.recognize")
CAPTIONS_WHISPER_MODEL = env_str("CAPTIONS_WHISPER_MODEL", "small")
CAPTIONS_JOB_TIME_LIMIT_S = env_int("CAPTIONS_JOB_TIME_LIMIT_S", 3600)
