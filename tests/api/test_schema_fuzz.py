"""Fuzz the API from its own OpenAPI schema (schemathesis): whatever a client sends, the answer is
never a 5xx and always matches the schema. Bounded so that it runs in CI: a few examples per
operation, signed in as a creator who owns the objects the paths name."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from tests.streamsite.access_world import world_kept_for_a_module

EXAMPLES = 8


@schemathesis.serializer("application/offset+octet-stream")
def _tus_chunk(ctx, value) -> bytes:
    """tus PATCH bodies are raw bytes."""
    return value if isinstance(value, bytes) else str(value).encode()


def _load_schema():
    from django.core.wsgi import get_wsgi_application

    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())


schema = _load_schema()


@pytest.fixture(autouse=True)
def _keep_the_test_transaction():
    """As Django's test client does: each request must not close the test's connection."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker):
    from rest_framework.authtoken.models import Token

    with world_kept_for_a_module(django_db_blocker) as world:
        with django_db_blocker.unblock():
            world.token = Token.objects.create(user=world.users["owner"]).key
        yield world


@pytest.fixture
def world(db, _module_world):
    """The module's world (made once; each operation's writes are rolled back after it)."""
    from django.core.cache import cache

    cache.clear()  # a previous run's throttles must not answer 429 for this one
    return _module_world


def _aim(case, world) -> None:
    """Point path parameters at objects that exist, so the fuzzing reaches the views' bodies
    instead of stopping at 404."""
    ids = world.ids()
    names = {
        "video_id": ids["public"],
        "comment_id": ids["comment"],
        "stream_id": ids["stream"],
        "broadcast_id": ids["broadcast"],
        "username": ids["owner"],
        "caption_id": ids["caption"],
    }
    for name in list(case.path_parameters or {}):
        if name in names:
            case.path_parameters[name] = names[name]


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_never_errors(case, world):
    _aim(case, world)
    response = case.call(headers={"Authorization": f"Token {world.token}"})
    case.validate_response(response, checks=(not_a_server_error, response_schema_conformance))
