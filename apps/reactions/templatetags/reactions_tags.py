from __future__ import annotations

from django import template

from apps.reactions import selectors
from apps.reactions.models import Emoji

register = template.Library()


@register.inclusion_tag("reactions/likes.html", takes_context=True)
def likes_widget(context, video) -> dict:
    user = context["request"].user
    likes, dislikes = selectors.vote_counts(video_id=video.id)
    return {
        "video": video,
        "user": user,
        "likes": likes,
        "dislikes": dislikes,
        "liked": selectors.vote_of(video_id=video.id, user=user),
        "request": context["request"],
    }


@register.inclusion_tag("reactions/bar.html", takes_context=True)
def reaction_bar(context, video) -> dict:
    counts = selectors.reaction_counts(video_id=video.id)
    return {
        "video": video,
        "user": context["request"].user,
        "emojis": [(e.value, e.label, counts[e.value]) for e in Emoji],
    }
