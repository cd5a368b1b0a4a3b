"""The broadcast's recording: joined at the end and handed to the video pipeline."""
