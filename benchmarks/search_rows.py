"""Search latency figures for benchmarks/startup.py: generated rows and timed queries.

Kept apart from the browser and server figures; run through `benchmarks/startup.py`.
"""

from __future__ import annotations

import random
import time
from datetime import timedelta

# --- (c) search ---------------------------------------------------------------------------------
# Common words head the vocabulary; a long tail of made-up words stands in for names, places
# and jargon, so some words match tens of thousands of rows and most match a handful.
HEAD = (
    "how to make the best easy quick guide tutorial review live music video game play cooking "
    "recipe bread pasta chicken travel vlog city mountain river ocean beach drone footage "
    "morning evening night day week year new old first last top ten ultimate beginner advanced "
    "lesson piano guitar drums song cover remix dance workout yoga running cycling football "
    "basketball tennis highlights match goal final season episode trailer official movie film "
    "documentary nature wildlife birds cats dogs funny moments compilation explained science "
    "physics chemistry biology history space rocket launch planet star galaxy photosynthesis "
    "electricity engine car truck train plane airport build house garden kitchen repair fix "
    "phone laptop computer programming python javascript database server linux windows update "
    "unboxing setup camera lens photography painting drawing art craft knitting woodworking "
    "interview podcast news weather storm winter summer spring autumn festival holiday family "
    "wedding birthday party kids school university exam study notes math algebra geometry"
).split()
SYLLABLES = "ka lo mi ra ven tor sal bri quo den fu nel gar pi zu ther mon vel cas dri".split()


def _vocabulary(rng: random.Random, tail: int = 20_000) -> tuple[list[str], list[float]]:
    words = list(HEAD)
    seen = set(words)
    while len(words) < len(HEAD) + tail:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    weights, total = [], 0.0
    for rank in range(len(words)):  # Zipf-like: the n-th word is 1/n as frequent as the first
        total += 1 / (rank + 1) ** 1.05
        weights.append(total)
    return words, weights


def fill_search_rows(rows: int, fresh: bool) -> None:
    from django.contrib.postgres.search import SearchVector
    from django.db import connection
    from django.db.models import Value
    from django.db.models.functions import Replace
    from django.utils import timezone

    from apps.users.models import User
    from apps.videos.models import Video
    from apps.videos.search import words_rebuild

    mine = Video.objects.filter(owner__username__startswith="bench-search-")
    if not fresh and mine.count() == rows:
        print(f"search rows       {rows} kept from an earlier run (--fresh-search rebuilds)")
        words_rebuild()
        return
    with connection.cursor() as cursor:  # no cascades to follow: bench rows have no children
        cursor.execute(
            f"DELETE FROM {Video._meta.db_table} WHERE owner_id IN "
            f"(SELECT id FROM {User._meta.db_table} WHERE username LIKE %s)",
            ["bench-search-%"],
        )
    rng = random.Random(20240601)
    words, weights = _vocabulary(rng)

    def text(low: int, high: int) -> str:
        return " ".join(rng.choices(words, cum_weights=weights, k=rng.randint(low, high)))

    owners = [User.objects.get_or_create(username=f"bench-search-{i}")[0] for i in range(200)]
    now = timezone.now()
    start = time.perf_counter()
    batch = []
    for _ in range(rows):
        title = text(2, 8)
        batch.append(
            Video(
                owner=rng.choice(owners),
                title=title[:1].upper() + title[1:],
                description=text(10, 60),
                tags=",".join(text(1, 1) for _ in range(rng.randint(0, 5))),
                visibility=rng.choices(["public", "unlisted", "private"], [90, 5, 5])[0],
                status="ready",
                progress=100,
                duration=rng.uniform(10, 3600),
                published_at=now - timedelta(seconds=rng.uniform(0, 2 * 365 * 86400)),
            )
        )
        if len(batch) == 5000:
            Video.objects.bulk_create(batch)
            batch = []
    Video.objects.bulk_create(batch)
    inserted = time.perf_counter() - start
    start = time.perf_counter()
    mine.update(
        search_vector=SearchVector("title", weight="A", config="english")
        + SearchVector(Replace("tags", Value(","), Value(" ")), weight="B", config="english")
        + SearchVector("description", weight="C", config="english")
    )
    words_rebuild()  # what the services do row by row, in one statement
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Video._meta.db_table}")
    print(
        f"search rows       {rows} inserted in {inserted:.1f} s, "
        f"search_vector filled in {time.perf_counter() - start:.1f} s"
    )


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(["swap", "drop", "replace"])
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    return word[:i] + rng.choice("aeiouyrstln") + word[i + 1 :]


def search_latency(per_kind: int) -> dict[str, dict[str, list[float]]]:
    from apps.videos.models import Video
    from apps.videos.selectors import video_search

    rng = random.Random(7)
    # Ids are random tokens: ordering by them is a shuffle that repeats from run to run.
    titles = list(
        Video.objects.filter(owner__username__startswith="bench-search-", visibility="public")
        .order_by("id")
        .values_list("title", flat=True)[: per_kind * 3]
    )
    long_words = [w for t in titles for w in t.lower().split() if len(w) >= 7]
    queries = {
        "exact title": titles[:per_kind],
        "multi-word": [" ".join(rng.sample(HEAD, rng.randint(2, 3))) for _ in range(per_kind)],
        "typo": [_typo(rng.choice(long_words), rng) for _ in range(per_kind)],
    }
    for q in queries["multi-word"][:10] + queries["typo"][:10]:  # warm the caches
        list(video_search(query=q)[:24])
    times: dict[str, dict[str, list[float]]] = {}
    hits: dict[str, int] = {}
    for kind, qs in queries.items():
        times[kind] = {"page": [], "count": []}
        found = 0
        for q in qs:
            start = time.perf_counter()
            page = list(video_search(query=q)[:24])
            times[kind]["page"].append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            video_search(query=q).count()
            times[kind]["count"].append((time.perf_counter() - start) * 1000)
            found += bool(page)
        hits[kind] = found
    for kind, found in hits.items():
        print(f"  {kind:<12} queries with results: {found}/{len(queries[kind])}")
    return times
