"""The CMS in the Django admin: content (Editors), moderation (Moderators), the dashboard."""

from apps.cms.admin import content, dashboard, moderation  # noqa: F401 - registers them
