"""The public URL of a stored file: pages, the API and the model all link media through here."""

from __future__ import annotations

from django.urls import reverse


def media_url(name: str) -> str | None:
    """`/media/<name>`, served by delivery.media with its access checks; None for no file."""
    return reverse("media", kwargs={"name": name}) if name else None
