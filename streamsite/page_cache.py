"""A micro-cache of whole pages for anonymous viewers (home, search, watch).

Most viewers are not signed in, and for them a page is the same bytes for everyone for a few
seconds: rendering it again per request was most of a web node's CPU under mixed load
(docs/benchmarks.md, "Mixed load"). So an anonymous GET of a cached view is answered from the
cache for `PAGE_CACHE_S` seconds (0 turns it off). What keeps that honest:

- Only requests that carry no session and no messages cookie are served from or stored in the
  cache: a signed-in viewer, or an anonymous one with a session (a dismissed banner, a message
  to show), always gets a page rendered for them.
- A response is stored only if it is a plain 200 that set no cookie, used no CSRF token (a page
  with a form for this visitor) and is not marked private or no-store.
- The key carries the site's page generation, bumped (on commit) whenever a broadcast is shown
  or ended and whenever moderation or an owner takes a video down, so such a change reaches the
  next page load at once, not after the timeout; and a view may add a version of its own (the
  watch page: the video's row, so an edited, hidden or private video is never served stale).
- Only the view's own response is cached: the middleware (security headers, CSP, Vary) still
  runs on every answer, hit or miss.

Everything else a cached page shows (counts, comments, related videos) is at most
`PAGE_CACHE_S` old, and the live parts of the page (likes, reactions, viewers, banners) are
brought up to date by its websockets anyway.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Hashable
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe

logger = logging.getLogger(__name__)

GENERATION_KEY = "page-cache:generation"
# The view's own headers worth keeping; everything else is the middleware's business.
_KEPT_HEADERS = ("Content-Type", "Content-Language", "Link", "X-Robots-Tag")
VersionFunc = Callable[..., Hashable | None]
T = TypeVar("T")
_MISSING = object()


def window_s() -> int:
    """How long a cached page or shared value may be served (0: caching is off)."""
    return int(getattr(settings, "PAGE_CACHE_S", 0) or 0)


def _anonymous(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def _generation() -> int:
    return int(cache.get(GENERATION_KEY) or 0)


def invalidate() -> None:
    """Every cached page is stale once the current transaction commits (a new generation; the
    old entries expire by themselves)."""

    def bump() -> None:
        # add-then-incr: incr alone refuses a missing key on some backends.
        cache.add(GENERATION_KEY, 0, timeout=None)
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:
            cache.set(GENERATION_KEY, 1, timeout=None)

    transaction.on_commit(bump)


def _key(request: HttpRequest, generation: int, version: Hashable) -> str:
    # The full path with its query string: `?list=`, `?q=` and `?page=` are different pages.
    raw = f"{request.method == 'HEAD'}|{request.get_full_path()}|{version!r}"
    digest = hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()
    return f"page-cache:{generation}:{digest}"


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False  # the page holds a CSRF token: it is this visitor's own
    control = response.get("Cache-Control", "")
    return "private" not in control and "no-store" not in control


def _frozen(response: HttpResponse) -> dict[str, Any]:
    headers = {h: response[h] for h in _KEPT_HEADERS if h in response}
    return {"content": response.content, "headers": headers}


def _thawed(entry: dict[str, Any]) -> HttpResponse:
    response = HttpResponse(entry["content"])
    for header, value in entry["headers"].items():
        response[header] = value
    response["X-Page-Cache"] = "hit"
    # Served by the cookies a request carries: no shared cache may give it to a signed-in one.
    patch_vary_headers(response, ["Cookie"])
    return response


def shared(name: str, compute: Callable[[], T]) -> T:
    """What a page shows that is the same for many viewers, signed in or not (the banners in
    force, the footer's pages), computed once per `PAGE_CACHE_S` and page generation: pages
    rendered for one viewer still share it. As stale as a cached anonymous page, at most."""
    seconds = window_s()
    if seconds <= 0:
        return compute()
    key = f"page-shared:{_generation()}:{name}"
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, timeout=seconds)
    return value


def fragment(name: str, render: Callable[[], str]) -> str:
    """A part of a page that is the same for every viewer (a video's related list), rendered
    once per `PAGE_CACHE_S` and page generation (see `shared`)."""
    return mark_safe(shared(f"fragment:{name}", render))


def anonymous_page(version: VersionFunc | None = None) -> Callable:
    """Cache this view's page for anonymous viewers. `version(request, **kwargs)` names what
    the page depends on beyond its URL; it returns None when the page must not be cached at all
    (the view then answers as usual: a 404, a redirect, a page only its owner may see)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            seconds = window_s()
            if seconds <= 0 or not _anonymous(request):
                return view(request, *args, **kwargs)
            extra = version(request, **kwargs) if version is not None else ()
            if extra is None:
                return view(request, *args, **kwargs)
            key = _key(request, _generation(), extra)
            entry = cache.get(key)
            if entry is not None:
                return _thawed(entry)
            response = view(request, *args, **kwargs)
            if _storable(request, response):
                cache.set(key, _frozen(response), timeout=seconds)
                response["X-Page-Cache"] = "miss"
            return response

        return wrapped

    return decorator
