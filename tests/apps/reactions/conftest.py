import faulthandler

import pytest


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Write throttles live in the cache; a previous test's user with the same id must not
    throttle this one."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def live_db(transactional_db):
    """A committed database for socket tests; at the end, waits for the coalescer to finish
    what it was sending and storing, before the database is emptied under it."""
    yield
    from apps.reactions.live import coalescer

    if not coalescer.wait_idle():
        # Where every thread is, for the CI log: what the coalescer waits on.
        faulthandler.dump_traceback(all_threads=True)
        pytest.fail("the reactions coalescer did not finish within its timeout")
