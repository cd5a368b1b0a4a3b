"""Search over public videos: title, tags, description and channel name.

PostgreSQL: a weighted tsvector (title A, tags and channel B, description C) under a GIN index,
ranked with ts_rank, plus trigram word similarity on the title (GIN, pg_trgm) so typos still
find a video. SQLite (the embedded default): substring matches, title matches ranked first.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramSimilarity,
)
from django.db import connection, transaction
from django.db.models import Case, F, IntegerField, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from apps.videos.models import SearchWord, Video, VideoStatus, Visibility

CONFIG = "english"
RANK_CAP = 1000
_WORD = re.compile(r"[^\W\d_]+")
# The search page's filters: value -> (label, seconds from, seconds to) and (label, days back).
DURATIONS: dict[str, tuple[str, int, int | None]] = {
    "short": ("Under 4 min", 0, 4 * 60),
    "medium": ("4–20 min", 4 * 60, 20 * 60),
    "long": ("Over 20 min", 20 * 60, None),
}
UPLOADED: dict[str, tuple[str, int]] = {
    "day": ("Today", 1),
    "week": ("This week", 7),
    "month": ("This month", 31),
    "year": ("This year", 366),
}
DURATION_CHOICES = [("", "Any length")] + [(k, label) for k, (label, *_) in DURATIONS.items()]
UPLOADED_CHOICES = [("", "Any time")] + [(k, label) for k, (label, _) in UPLOADED.items()]


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def search_document(video: Video) -> SearchVector:
    channel = f"{video.owner.username} {video.owner.display_name}"
    return (
        SearchVector(Value(video.title), weight="A", config=CONFIG)
        + SearchVector(Value(video.tags.replace(",", " ")), weight="B", config=CONFIG)
        + SearchVector(Value(channel), weight="B", config=CONFIG)
        + SearchVector(Value(video.description), weight="C", config=CONFIG)
    )


def video_reindex(*, video: Video, was_public: bool = False) -> None:
    """Refresh the stored search document (called by the services that change its inputs).
    A video that stops being public takes its words out of the spelling list (after commit)."""
    if _postgres():
        Video.objects.filter(pk=video.pk).update(search_vector=search_document(video))
        words_add(video=video)
        if was_public and video.visibility != Visibility.PUBLIC:
            transaction.on_commit(words_rebuild)


def tag_pattern(tag: str) -> str:
    """A regex matching one whole entry of the comma-separated tags, any case."""
    return r"(^|,)\s*" + re.escape(" ".join(tag.split()).lower()) + r"\s*(,|$)"


def apply_filters(
    videos: QuerySet[Video],
    *,
    duration: str = "",
    uploaded: str = "",
    category: str = "",
    tag: str = "",
) -> QuerySet[Video]:
    if category:
        # The link row belongs to apps.cms (categories); videos names only its relation.
        videos = videos.filter(category_link__category__slug=category)
    if tag.strip():
        videos = videos.filter(tags__iregex=tag_pattern(tag))
    if duration in DURATIONS:
        _, low, high = DURATIONS[duration]
        videos = videos.filter(duration__gte=low)
        if high is not None:
            videos = videos.filter(duration__lt=high)
    if uploaded in UPLOADED:
        videos = videos.filter(
            published_at__gte=timezone.now() - timedelta(days=UPLOADED[uploaded][1])
        )
    return videos


def rank(videos: QuerySet[Video], query: str) -> QuerySet[Video]:
    query = " ".join(query.split())[:200]
    if not query:
        return videos
    if _postgres():
        return _rank_postgres(videos, query)
    words = query.split()[:8]
    match = Q()
    for word in words:
        match &= (
            Q(title__icontains=word)
            | Q(tags__icontains=word)
            | Q(description__icontains=word)
            | Q(owner__username__icontains=word)
            | Q(owner__display_name__icontains=word)
        )
    title_hits = Q()
    for word in words:
        title_hits &= Q(title__icontains=word)
    return (
        videos.filter(match)
        .annotate(
            score=Case(
                When(title__iexact=query, then=Value(3)),
                When(title_hits, then=Value(2)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("-score", "-published_at")
    )


def _rank_postgres(videos: QuerySet[Video], query: str) -> QuerySet[Video]:
    """Full text, ranked; a query that finds nothing is spell-corrected word by word against
    the known words and tried again. Ranking is bounded to the newest RANK_CAP matches, so a
    very common word costs the same as a rare one."""
    ts_query = SearchQuery(query, search_type="websearch", config=CONFIG)
    corrected_query = query
    if not _any_text_match(query):
        corrected_query = _spell_correct(query)
        ts_query = SearchQuery(corrected_query, search_type="websearch", config=CONFIG)
    newest = videos.filter(search_vector=ts_query).order_by("-published_at").values("pk")[:RANK_CAP]
    return (
        videos.filter(pk__in=Subquery(newest))
        .annotate(score=SearchRank(F("search_vector"), ts_query))
        .order_by("-score", "-published_at")
    )


def _any_text_match(query: str) -> bool:
    # Not EXISTS / LIMIT 1: costed by its first row, that plan bets on a sequential scan finding
    # a match early, and reads all the rows when there is none (a typo's case). Counting up to
    # RANK_CAP matches is costed whole, so the GIN index answers. Only what anyone may find
    # counts: a private title's words must not change what a stranger's search does.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT 1 FROM videos_video "
            "WHERE search_vector @@ websearch_to_tsquery(%s::regconfig, %s) "
            "AND visibility = %s AND status = %s LIMIT %s) AS m",
            [CONFIG, query, Visibility.PUBLIC, VideoStatus.READY, RANK_CAP],
        )
        return cursor.fetchone()[0] > 0


def _spell_correct(query: str) -> str:
    words = []
    for word in query.split():
        lowered = word.lower()
        if (
            len(lowered) < 4
            or not lowered.isalpha()
            or SearchWord.objects.filter(pk=lowered).exists()
        ):
            words.append(word)
            continue
        best = (
            SearchWord.objects.filter(word__trigram_similar=lowered)
            .annotate(similarity=TrigramSimilarity("word", lowered))
            .order_by("-similarity", "word")
            .values_list("word", flat=True)
            .first()
        )
        words.append(best or word)
    return " ".join(words)


def _words(*texts: str) -> set[str]:
    return {w for text in texts for w in _WORD.findall(text.lower()) if 3 <= len(w) <= 60}


def words_add(*, video: Video) -> None:
    """Only public videos' words: the list suggests corrections to anyone."""
    if video.visibility != Visibility.PUBLIC:
        return
    SearchWord.objects.bulk_create(
        [SearchWord(word=w) for w in _words(video.title, video.tags)], ignore_conflicts=True
    )


# The words of every public title and tag list; visibility is a literal of Visibility.PUBLIC
# because ts_stat takes its query as text.
_PUBLIC_WORDS = (
    "SELECT word FROM ts_stat($$SELECT to_tsvector('simple', title || ' ' || "
    f"replace(tags, ',', ' ')) FROM videos_video WHERE visibility = '{Visibility.PUBLIC.value}'$$) "
    "WHERE length(word) BETWEEN 3 AND 60"
)


def words_rebuild() -> None:
    """Make the word list exactly the public videos' words (after bulk imports, and when a
    video stops being public or is deleted)."""
    if not _postgres():
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM videos_searchword WHERE word NOT IN ({_PUBLIC_WORDS})")
        cursor.execute(
            f"INSERT INTO videos_searchword (word) {_PUBLIC_WORDS} ON CONFLICT DO NOTHING"
        )
