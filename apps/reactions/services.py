"""Writes of votes and reactions. Every count change is an F() update in the transaction of the
write it counts; the live sockets learn of it through the coalescer once it has committed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from apps.reactions import live
from apps.reactions.models import Emoji, Reaction, ReactionTally, Vote, VoteTally
from apps.reactions.selectors import reaction_counts


@dataclass(frozen=True)
class VoteState:
    likes: int
    dislikes: int
    liked: bool | None


def _signed_in(user) -> None:
    if user is None or not user.is_authenticated:
        raise PermissionDenied("Sign in first.")


def _shift(video_id: str, *, likes: int = 0, dislikes: int = 0) -> VoteTally:
    VoteTally.objects.get_or_create(video_id=video_id)
    VoteTally.objects.filter(video_id=video_id).update(
        likes=F("likes") + likes, dislikes=F("dislikes") + dislikes
    )
    # Read under the row lock the update holds until commit: exact at this commit.
    return VoteTally.objects.get(video_id=video_id)


def vote_set(*, video, by, liked: bool) -> VoteState:
    """Like (True) or dislike (False); a second identical vote changes nothing, the other one
    switches. Concurrent requests of one user serialise on the vote row (its unique
    constraint, then its lock). A vote created and cleared by two other requests between this
    one's failed insert and its read leaves nothing to read: then it starts again."""
    _signed_in(by)
    for attempt in range(3):
        try:
            return _vote_set_once(video, by, liked)
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _vote_set_once(video, by, liked: bool) -> VoteState:
    with transaction.atomic():
        vote, created = Vote.objects.select_for_update().get_or_create(
            user=by, video=video, defaults={"liked": liked}
        )
        if created:
            tally = _shift(video.id, likes=int(liked), dislikes=int(not liked))
        elif vote.liked != liked:
            Vote.objects.filter(pk=vote.pk).update(liked=liked)
            step = 1 if liked else -1
            tally = _shift(video.id, likes=step, dislikes=-step)
        else:
            tally = VoteTally.objects.get_or_create(video_id=video.id)[0]
        if created or vote.liked != liked:
            transaction.on_commit(lambda: live.coalescer.touch(video.id, likes=True))
    return VoteState(tally.likes, tally.dislikes, liked)


def vote_clear(*, video, by) -> VoteState:
    _signed_in(by)
    with transaction.atomic():
        vote = Vote.objects.select_for_update().filter(user=by, video=video).first()
        if vote is None:
            tally = VoteTally.objects.get_or_create(video_id=video.id)[0]
        else:
            vote.delete()
            tally = _shift(video.id, likes=-int(vote.liked), dislikes=-int(not vote.liked))
            transaction.on_commit(lambda: live.coalescer.touch(video.id, likes=True))
    return VoteState(tally.likes, tally.dislikes, None)


def emoji_check(emoji: object) -> str:
    if emoji not in Emoji.values:
        raise ValidationError(f"Unknown emoji; use one of {' '.join(Emoji.values)}.")
    return str(emoji)


def clamp_time(value: object, duration: float | None) -> float:
    try:
        seconds = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    if seconds != seconds or seconds < 0:  # NaN or negative
        return 0.0
    return min(seconds, duration) if duration else seconds


def reactions_store(*, video_id: str, reactions: Iterable[tuple[int | None, str, float]]) -> None:
    """Store reactions (user id, emoji, video time) and add them to the tallies, in one
    transaction: one insert and one update per emoji, however many there are."""
    rows = [Reaction(video_id=video_id, user_id=u, emoji=e, video_time=t) for u, e, t in reactions]
    if not rows:
        return
    with transaction.atomic():
        Reaction.objects.bulk_create(rows)
        for emoji, n in sorted(Counter(r.emoji for r in rows).items()):
            ReactionTally.objects.get_or_create(video_id=video_id, emoji=emoji)
            ReactionTally.objects.filter(video_id=video_id, emoji=emoji).update(
                count=F("count") + n
            )


def reaction_add(*, video, by, emoji: str, video_time: object = 0) -> dict[str, int]:
    """A reaction sent through the API: stored at once, shown to viewers in the next window."""
    _signed_in(by)
    emoji = emoji_check(emoji)
    seconds = clamp_time(video_time, video.duration)
    reactions_store(video_id=video.id, reactions=[(by.pk, emoji, seconds)])
    live.coalescer.add_reaction(video.id, emoji, stored=True)
    return reaction_counts(video_id=video.id)
