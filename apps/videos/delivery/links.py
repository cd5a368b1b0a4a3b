"""The public URL of a stored file: pages, the API and the model all link media through here."""

from __future__ import annotations

from django.urls import reverse


def media_url(name: str, key: str | None = None) -> str | None:
    """`/media/<key>/<name>`, served by delivery.media with its access checks; None for no
    file. ``key`` is the video's `media_key`, renewed on every visibility change: a link handed
    out (and cached as immutable) while the video was public stops working when it turns
    private. Without it, `/media/<name>` redirects to the current keyed URL."""
    if not name:
        return None
    kwargs = {"key": key, "name": name} if key else {"name": name}
    return reverse("media", kwargs=kwargs)
