"""Errors that services raise and every interface answers the same way."""

from __future__ import annotations


class LimitExceeded(Exception):
    """A per-account limit (uploads a day, bytes stored, open uploads): 413 for bytes, 429 for
    counts, with the reason to show. The API's exception handler answers it as such."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
