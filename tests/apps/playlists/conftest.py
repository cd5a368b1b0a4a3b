import pytest


@pytest.fixture(autouse=True)
def _own_throttles(fresh_cache):
    """Write throttles count in the cache: each test starts from zero."""
