import pytest


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Write throttles live in the cache; a previous test's user with the same id must not
    throttle this one."""
    from django.core.cache import cache

    cache.clear()
