"""Videos, their renditions and the pipeline's unit of work. Data and invariants only."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse

from apps.videos.delivery.links import media_url
from apps.videos.pipeline import layout
from streamsite.indexes import PostgresGinIndex


def new_video_id() -> str:
    # Random, not sequential: an unlisted video's link must not be guessable from another's.
    return secrets.token_urlsafe(8)


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public"
    UNLISTED = "unlisted", "Unlisted (anyone with the link)"
    PRIVATE = "private", "Private (only you)"


class VideoStatus(models.TextChoices):
    UPLOADED = "uploaded", "Uploaded"
    PROCESSING = "processing", "Processing"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"
    # A live stream's recording to come (apps.live): it exists from the stream's creation so
    # comments and reactions made during the broadcast stay with the recording. No source yet:
    # in no listing, search or count, and nothing for the pipeline until the stream ends.
    LIVE = "live", "Live recording"


class ModerationState(models.TextChoices):
    VISIBLE = "visible", "Visible"
    PENDING = "pending", "Pending review"
    HIDDEN = "hidden", "Hidden by moderators"


class Video(models.Model):
    id = models.CharField(primary_key=True, max_length=16, default=new_video_id, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="videos"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=10_000)
    tags = models.CharField(max_length=500, blank=True, help_text="Comma-separated.")
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    content_warning = models.CharField(
        max_length=200, blank=True, help_text="Shown before playback when set."
    )

    status = models.CharField(
        max_length=12, choices=VideoStatus.choices, default=VideoStatus.UPLOADED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(null=True, blank=True)
    # Bumped by "reprocess": jobs of an older generation find themselves stale and stop.
    generation = models.PositiveIntegerField(default=1)
    # Part of the URL of every output (apps.videos.delivery): a new one on every visibility
    # change, so a link handed out (and cached for a year) while public stops working.
    media_key = models.CharField(max_length=16, default=new_video_id, editable=False)
    # Times the watchdog re-queued work that had stopped moving, since the last progress.
    stall_requeues = models.PositiveSmallIntegerField(default=0)

    source = models.CharField(max_length=500, blank=True, help_text="Storage name of the upload.")
    source_size = models.BigIntegerField(default=0)
    original_filename = models.CharField(max_length=255, blank=True)

    # Facts from the probe.
    duration = models.FloatField(null=True, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    fps = models.CharField(max_length=20, blank=True, help_text="Output frame rate, e.g. 30/1.")
    demuxer = models.CharField(max_length=20, blank=True)
    has_audio = models.BooleanField(default=False)
    plan = models.JSONField(default=dict, blank=True, help_text="Rungs and chunks to make.")
    # The source's chapter markers, cleaned (media_pipeline.chapters). A valid chapter list in
    # the description wins over them (selectors.video_chapters).
    chapters = models.JSONField(
        default=list, blank=True, help_text="[{start: seconds, title}, …] from the source."
    )

    master_playlist = models.CharField(max_length=500, blank=True)
    dash_manifest = models.CharField(max_length=500, blank=True)
    poster = models.CharField(max_length=500, blank=True)
    thumbnails = models.JSONField(default=dict, blank=True, help_text="width -> storage name")
    sprite_vtt = models.CharField(max_length=500, blank=True)
    # The owner's own picture (apps.videos.studio), width -> storage name; empty: the poster.
    custom_thumbnails = models.JSONField(
        default=dict, blank=True, help_text="width -> storage name of the uploaded thumbnail"
    )
    downloads_enabled = models.BooleanField(
        default=False, help_text="Viewers who may watch it may also download the original."
    )

    # Maintained by apps.videos.search (PostgreSQL only, like its GIN index).
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    # Set by apps.cms moderation: anything but "visible" is seen only by the owner and staff.
    moderation_state = models.CharField(
        max_length=10,
        choices=ModerationState.choices,
        default=ModerationState.VISIBLE,
        db_index=True,
    )
    moderation_reason = models.CharField(
        max_length=500, blank=True, help_text="Shown to the owner while the video is hidden."
    )

    views = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    processing_started_at = models.DateTimeField(null=True, blank=True)
    processing_finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["visibility", "status", "-published_at"]),
            # Full-text search, and trigram matching of titles (pg_trgm) so typos still match.
            PostgresGinIndex(fields=["search_vector"], name="videos_video_search_gin"),
            PostgresGinIndex(
                fields=["title"], opclasses=["gin_trgm_ops"], name="videos_video_title_trgm"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.id})"

    def get_absolute_url(self) -> str:
        return reverse("watch", kwargs={"video_id": self.id})

    @property
    def thumbnail_url(self) -> str:
        """The grid's picture: the owner's thumbnail when set, else the automatic poster."""
        custom = self.custom_thumbnails or {}
        name = custom.get("640") or _largest(custom) or self.thumbnails.get("640") or self.poster
        return media_url(name, self.media_key) or ""

    @property
    def poster_url(self) -> str:
        """The player's poster: the owner's thumbnail (largest) when set, else the automatic."""
        name = _largest(self.custom_thumbnails or {}) or self.poster
        return media_url(name, self.media_key) or ""

    @property
    def duration_label(self) -> str:
        seconds = int(round(self.duration or 0))
        h, rest = divmod(seconds, 3600)
        m, s = divmod(rest, 60)
        return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"

    @property
    def storage_prefix(self) -> str:
        return layout.video_prefix(self.id)

    @property
    def output_prefix(self) -> str:
        return layout.generation_prefix(self.id, self.generation)


def _largest(sizes: dict[str, str]) -> str:
    return sizes[max(sizes, key=int)] if sizes else ""


class Rendition(models.Model):
    """A video rung whose segments and playlist are stored and listed in the master playlist."""

    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="renditions")
    generation = models.PositiveIntegerField()
    name = models.CharField(max_length=10)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    bandwidth = models.PositiveIntegerField(
        help_text="Peak video segment bitrate, b/s (audio is added in playlists)."
    )
    average_bandwidth = models.PositiveIntegerField(help_text="Average video bitrate, b/s.")
    codecs = models.CharField(max_length=60)
    playlist = models.CharField(max_length=500)
    init_segment = models.CharField(max_length=500)
    segments = models.JSONField(default=list, help_text="[[name, duration_s, bytes], …]")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["height"]
        constraints = [
            models.UniqueConstraint(
                fields=["video", "generation", "name"], name="rendition_once_per_generation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.video_id} {self.name}"


class TaskKind(models.TextChoices):
    CHUNK = "chunk", "Video chunk"
    AUDIO = "audio", "Audio track"
    PACKAGE = "package", "Package rung"
    THUMBNAILS = "thumbnails", "Poster and thumbnails"
    POSTER = "poster", "Sharp poster from the top rung"


class PipelineTask(models.Model):
    """One unit of pipeline work; its row records completion so a rerun does only what is missing.

    Chunks fan in through these rows: the job that marks the last chunk of a rung done (under
    the video's row lock) is the one that schedules packaging.
    """

    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="tasks")
    generation = models.PositiveIntegerField()
    kind = models.CharField(max_length=12, choices=TaskKind.choices)
    group = models.PositiveSmallIntegerField(default=0, help_text="Rung group (0 = first).")
    index = models.PositiveIntegerField(default=0, help_text="Chunk number.")
    rung = models.CharField(max_length=10, blank=True)
    weight = models.FloatField(default=1.0, help_text="Share of the work, for progress.")
    done_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # A task that failed for good (or can no longer be made without one that did) ends here,
    # with a reason for the owner and staff; a retry clears both.
    failed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["generation", "kind", "group", "index"]
        constraints = [
            models.UniqueConstraint(
                fields=["video", "generation", "kind", "group", "index", "rung"],
                name="pipeline_task_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.video_id} g{self.generation} {self.kind} {self.group}/{self.index}"


class SearchWord(models.Model):
    """Every word of every title and tag list, for spelling correction: a typo is matched by
    trigram similarity against these few thousand words, not against every title."""

    word = models.CharField(max_length=60, primary_key=True)

    class Meta:
        indexes = [
            PostgresGinIndex(
                fields=["word"], opclasses=["gin_trgm_ops"], name="videos_searchword_trgm"
            )
        ]

    def __str__(self) -> str:
        return self.word


class ResumableUpload(models.Model):
    """A tus upload in progress (apps.videos.uploads): its state lives here and its bytes in
    storage as parts, so any web node can take the next PATCH and losing a node loses nothing.
    Once complete the row stays as a receipt naming the video until it expires."""

    id = models.CharField(primary_key=True, max_length=64)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="resumable_uploads"
    )
    length = models.BigIntegerField()
    offset = models.BigIntegerField(default=0)
    metadata = models.JSONField(default=dict)
    parts = models.JSONField(default=list, help_text="[[storage name, bytes], …] in order.")
    video_id = models.CharField(max_length=16, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Idle time, not age, decides expiry: a slow upload that keeps going stays alive.
    touched_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.id} ({self.offset}/{self.length})"
