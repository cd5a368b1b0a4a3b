"""The public URL of a stored file: pages, the API and the model all link media through here."""

from __future__ import annotations

from django.urls import reverse


def media_url(name: str, key: str) -> str | None:
    """`/media/<key>/<name>`, served by delivery.media with its access checks; None for no
    file. ``key`` is the video's `media_key`, renewed on every visibility change: a link handed
    out (and cached as immutable) while the video was public stops working when it turns
    private."""
    return reverse("media", kwargs={"key": key, "name": name}) if name else None
