"""Which campaigns may run on a view: pure functions over plain data, no queries.

A campaign's targeting is a `Target` snapshot; a view is a `Placement`. Every rule a campaign
sets must hold. New dimensions (the CMS's categories) add a field to both and one line to
`matches`, nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Placement:
    video: str
    owner: int
    tags: frozenset[str]
    signed_in: bool
    categories: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Target:
    audience: str = "everyone"  # Audience values
    tags: frozenset[str] = frozenset()
    channels: frozenset[int] = frozenset()
    excluded_videos: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()


def video_tags(raw: str) -> frozenset[str]:
    return frozenset(t.strip().lower() for t in (raw or "").split(",") if t.strip())


def matches(target: Target, placement: Placement) -> bool:
    if target.audience == "signed_in" and not placement.signed_in:
        return False
    if target.audience == "anonymous" and placement.signed_in:
        return False
    if placement.video in target.excluded_videos:
        return False
    if target.channels and placement.owner not in target.channels:
        return False
    if target.tags and not (target.tags & placement.tags):
        return False
    if target.categories and not (target.categories & placement.categories):
        return False
    return True


def in_schedule(starts_at: datetime, ends_at: datetime | None, now: datetime) -> bool:
    return starts_at <= now and (ends_at is None or now < ends_at)
