import pytest


@pytest.fixture(autouse=True)
def _fresh_throttles(fresh_cache):
    """Write throttles live in the cache: each test starts from zero."""
