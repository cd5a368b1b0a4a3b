"""The CMS in the Django admin: content (Editors), moderation (Moderators), the dashboard."""

from . import content, dashboard, moderation  # noqa: F401 - registers them (relative: no self-import)
