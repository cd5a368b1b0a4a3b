"""Attempt limits for the HTML pages that hash a password (sign-in, sign-up, password reset and
change): each attempt costs a full PBKDF2, so they are counted per client address and per
account name, whatever the address. Counters live in the cache (Redis in production), in fixed
windows; an attempt over either limit gets 429 with Retry-After before any hashing.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from streamsite.client_address import client_address

_PERIODS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}
MESSAGE = "Too many attempts; wait a moment and try again."


def parse_rate(rate: str) -> tuple[int, int]:
    """`30/min` -> (30, 60)."""
    count, _, period = rate.partition("/")
    return int(count), _PERIODS[period.strip().lower()]


def _over(key: str, rate: str) -> int:
    """Count one attempt against `key`; seconds to wait if it is over `rate`, else 0."""
    limit, period = parse_rate(rate)
    now = time.time()
    window = int(now // period)
    bucket = f"authpage:{key}:{window}"
    # add() then incr(): both atomic in Redis and in the local-memory cache.
    cache.add(bucket, 0, timeout=period + 1)
    try:
        count = cache.incr(bucket)
    except ValueError:  # expired between the two calls: this attempt opens the window
        cache.add(bucket, 1, timeout=period + 1)
        count = 1
    if count <= limit:
        return 0
    return max(1, int((window + 1) * period - now))


def _account_key(name: str) -> str:
    return hashlib.sha256(name.strip().lower().encode()).hexdigest()[:32]


def attempt_check(request: HttpRequest, *, scope: str, account: str = "") -> int:
    """Count this attempt; seconds to wait if the address or the account is over its limit."""
    waits = [_over(f"{scope}:addr:{client_address(request)}", settings.AUTH_PAGE_RATE_PER_ADDRESS)]
    if account.strip():
        rate = settings.AUTH_PAGE_RATE_PER_ACCOUNT
        waits.append(_over(f"{scope}:acct:{_account_key(account)}", rate))
    return max(waits)


def throttled_page(
    scope: str, account: Callable[[HttpRequest, dict], str]
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Limit a page's POSTs; `account(request, view_kwargs)` names the account tried."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method == "POST":
                wait = attempt_check(request, scope=scope, account=account(request, kwargs))
                if wait:
                    context = {"message": MESSAGE, "title": "Slow down"}
                    response = render(request, "users/locked_out.html", context, status=429)
                    response["Retry-After"] = str(wait)
                    return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def posted(field: str) -> Callable[[HttpRequest, dict], str]:
    return lambda request, kwargs: request.POST.get(field, "")


def url_kwarg(name: str) -> Callable[[HttpRequest, dict], str]:
    return lambda request, kwargs: str(kwargs.get(name, ""))


def signed_in_user(request: HttpRequest, kwargs: dict) -> str:
    return request.user.get_username() if request.user.is_authenticated else ""
