"""Reads of votes and reactions."""

from __future__ import annotations

from django.db.models import Count, F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Floor

from apps.reactions.models import Emoji, Reaction, ReactionTally, Vote, VoteTally

HEAT_BUCKETS = 100


def reaction_counts(*, video_id: str) -> dict[str, int]:
    """Every emoji of the set with its count (0 for none yet), in the set's order."""
    stored = dict(ReactionTally.objects.filter(video_id=video_id).values_list("emoji", "count"))
    return {emoji: int(stored.get(emoji, 0)) for emoji in Emoji.values}


def vote_counts(*, video_id: str) -> tuple[int, int]:
    tally = VoteTally.objects.filter(video_id=video_id).values_list("likes", "dislikes").first()
    return tally or (0, 0)


def vote_of(*, video_id: str, user) -> bool | None:
    if user is None or not user.is_authenticated:
        return None
    return Vote.objects.filter(video_id=video_id, user=user).values_list("liked", flat=True).first()


def reaction_heat(*, video) -> dict:
    """How many reactions fell in each of HEAT_BUCKETS equal slices of the video."""
    duration = float(video.duration or 0)
    if duration <= 0:
        return {"bucket_s": 0, "buckets": []}
    size = duration / HEAT_BUCKETS
    rows = (
        Reaction.objects.filter(video_id=video.id)
        .annotate(bucket=Floor(F("video_time") / Value(size)))
        .values("bucket")
        .annotate(n=Count("id"))
        .values_list("bucket", "n")
    )
    buckets = [0] * HEAT_BUCKETS
    for bucket, n in rows:
        buckets[min(max(int(bucket), 0), HEAT_BUCKETS - 1)] += n
    return {"bucket_s": size, "buckets": buckets}


def annotate_vote_counts(videos):
    tally = VoteTally.objects.filter(video_id=OuterRef("pk"))
    zero = Value(0, output_field=IntegerField())
    return videos.annotate(
        likes_count=Coalesce(Subquery(tally.values("likes")[:1]), zero),
        dislikes_count=Coalesce(Subquery(tally.values("dislikes")[:1]), zero),
    )
