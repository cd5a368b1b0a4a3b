"""Subscribing on PostgreSQL under real concurrency: one row per (user, channel), and the
subscriber count equals the rows, whatever order subscribes and unsubscribes commit in."""

from __future__ import annotations

import random

import pytest
from django.db import connection
from rest_framework.test import APIClient

from apps.subscriptions.models import Subscription
from tests.conftest import require
from tests.factories import CreatorFactory, UserFactory
from tests.fixtures.concurrency import in_parallel

pytestmark = pytest.mark.postgres

THREADS = 12  # the PostgreSQL server is shared: at most this many connections at once


def _in_parallel(calls) -> list:
    return in_parallel(calls, THREADS)


def _call(user, method: str, channel):
    def call():
        client = APIClient()
        client.force_authenticate(user)
        return getattr(client, method)(f"/api/v1/channels/{channel.username}/subscription/")

    return call


def _public_count(channel) -> int:
    fan = UserFactory()
    client = APIClient()
    client.force_authenticate(fan)
    return client.get(f"/api/v1/channels/{channel.username}/subscription/").json()["subscribers"]


def test_parallel_subscribes_of_one_user_make_one_row(transactional_db, fresh_cache):
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    channel, fan = CreatorFactory(), UserFactory()
    answers = _in_parallel([_call(fan, "put", channel) for _ in range(30)])
    assert {a.status_code for a in answers} == {200}
    assert Subscription.objects.filter(channel=channel).count() == 1
    assert _public_count(channel) == 1


def test_many_users_subscribing_and_unsubscribing_at_once_leave_an_exact_count(
    transactional_db, fresh_cache
):
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    channel = CreatorFactory()
    fans = UserFactory.create_batch(40)
    # Every fan subscribes twice and the first 15 also unsubscribe twice, all interleaved.
    calls = [_call(f, "put", channel) for f in fans for _ in range(2)]
    calls += [_call(f, "delete", channel) for f in fans[:15] for _ in range(2)]
    random.Random(22).shuffle(calls)
    answers = _in_parallel(calls)
    assert {a.status_code for a in answers} == {200}
    rows = Subscription.objects.filter(channel=channel).count()
    # Whatever the order, the count is the rows: no lost or double update.
    assert _public_count(channel) == rows
    assert 25 <= rows <= 40
    # A final pass settles who is subscribed; the count follows exactly.
    _in_parallel([_call(f, "delete", channel) for f in fans[:15]])
    _in_parallel([_call(f, "put", channel) for f in fans[15:]])
    assert Subscription.objects.filter(channel=channel).count() == 25
    assert _public_count(channel) == 25
