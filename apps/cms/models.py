"""The CMS's data: categories, home sections, simple pages, reports and moderation actions."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models

from apps.videos.models import Video


class Category(models.Model):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    icon = models.CharField(max_length=8, blank=True, help_text="An emoji shown beside the name.")
    colour = models.CharField(
        max_length=7,
        blank=True,
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "A colour like #1a73e8.")],
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class VideoCategory(models.Model):
    """A video's one category; a row of its own so videos knows nothing of categories."""

    video = models.OneToOneField(
        Video, on_delete=models.CASCADE, primary_key=True, related_name="category_link"
    )
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="video_links")

    def __str__(self) -> str:
        return f"{self.video_id} in {self.category_id}"


class SectionKind(models.TextChoices):
    HERO = "hero", "Hero (a featured video with a headline)"
    FEATURED = "featured", "Featured (the videos picked below, large)"
    TRENDING = "trending", "Trending"
    NEW = "new", "New"
    LIVE = "live", "Live now"
    CONTINUE = "continue", "Continue watching (signed-in viewers)"
    CATEGORY = "category", "A category's latest"
    PICKED = "picked", "Hand-picked list"


class HomeSection(models.Model):
    kind = models.CharField(max_length=10, choices=SectionKind.choices)
    title = models.CharField(max_length=120)
    headline = models.CharField(max_length=200, blank=True, help_text="Hero only.")
    order = models.PositiveSmallIntegerField(default=0)
    starts_at = models.DateTimeField(null=True, blank=True, help_text="Empty: shown at once.")
    ends_at = models.DateTimeField(null=True, blank=True, help_text="Empty: shown until removed.")
    limit = models.PositiveSmallIntegerField(default=12)
    video = models.ForeignKey(
        Video, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", help_text="Hero."
    )
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.CASCADE, help_text="A category's latest."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_kind_display()})"


class SectionItem(models.Model):
    """A video of a Featured or hand-picked section, in its place."""

    section = models.ForeignKey(HomeSection, on_delete=models.CASCADE, related_name="items")
    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["section", "video"], name="section_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.section_id}: {self.video_id}"


class PageFormat(models.TextChoices):
    MARKDOWN = "markdown", "Markdown"
    HTML = "html", "HTML (allow-listed tags only)"


class Page(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=120)
    body = models.TextField(blank=True, help_text="Sanitised when shown: scripts never run.")
    format = models.CharField(max_length=10, choices=PageFormat.choices, default="markdown")
    in_footer = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)
    published = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "title"]

    def __str__(self) -> str:
        return self.title


class ReportReason(models.TextChoices):
    SPAM = "spam", "Spam or misleading"
    VIOLENCE = "violence", "Violent or repulsive"
    HATE = "hate", "Hateful or abusive"
    SEXUAL = "sexual", "Sexual content"
    COPYRIGHT = "copyright", "Infringes my rights"
    OTHER = "other", "Something else"


class Report(models.Model):
    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(max_length=12, choices=ReportReason.choices)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One open report per account and video: "N distinct accounts" counts rows.
            models.UniqueConstraint(
                fields=["video", "reporter"],
                condition=models.Q(resolved_at__isnull=True),
                name="report_open_once_per_reporter",
            )
        ]

    def __str__(self) -> str:
        return f"{self.video_id} by {self.reporter_id}: {self.reason}"


class ActionKind(models.TextChoices):
    APPROVE = "approve", "Approved"
    HIDE = "hide", "Hidden"
    DELETE = "delete", "Deleted"
    WARN = "warn", "Warned the uploader"
    BAN = "ban", "Banned the uploader"
    AUTO_HIDE = "auto_hide", "Hidden pending review (reports)"
    HOLD = "hold", "Held for review (new account)"
    COMMENT_HIDE = "comment_hide", "Hid a reported comment"
    COMMENT_KEEP = "comment_keep", "Kept a reported comment"


class ModerationAction(models.Model):
    """The log: who did what, when, to which video (or comment) and uploader, and why."""

    kind = models.CharField(max_length=16, choices=ActionKind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A deleted video's id and title stay readable in the log.
    video_id = models.CharField(max_length=16, blank=True, db_index=True)
    comment_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = models.CharField(max_length=300, blank=True, help_text="What it was about.")
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderation_actions",
    )
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"


class ModerationSettings(models.Model):
    """One row, edited in the admin: staff turn pre-moderation on without a deploy."""

    premoderate_new_accounts = models.BooleanField(default=False)
    new_account_days = models.PositiveSmallIntegerField(
        default=7, help_text="Accounts younger than this are new."
    )
    report_threshold = models.PositiveSmallIntegerField(
        default=3, help_text="Distinct accounts whose reports hide a video pending review."
    )

    class Meta:
        verbose_name = verbose_name_plural = "moderation settings"

    def __str__(self) -> str:
        return "Moderation settings"


class QueuedVideo(Video):
    """Videos as the moderation queue shows them (its own admin and permissions)."""

    class Meta:
        proxy = True
        verbose_name = "moderation queue entry"
        verbose_name_plural = "moderation queue"


class Dashboard(models.Model):
    """No rows: carries the permission to see the operations dashboard."""

    class Meta:
        managed = False
        default_permissions = ()
        verbose_name = verbose_name_plural = "operations dashboard"
        permissions = [("view_dashboard", "Can see the operations dashboard")]

    def __str__(self) -> str:
        return "Operations dashboard"
