"""Framework-free media pipeline: probe untrusted uploads, plan and run an H.264 ladder, write
HLS/DASH manifests and thumbnails.

Nothing here imports Django or reads settings: every path, binary and limit is an argument, so the
same code runs in web processes, workers and tests. ``run.run_tool`` is the only place that starts
processes.
"""
