"""Automatic captions: speech recognition over a video's sound (optional: faster-whisper)."""
