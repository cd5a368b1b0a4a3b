"""Fixtures shared by the video app's tests."""

from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture
def tus_uploads(settings, tmp_path):
    # Parts are stored media: each test starts from an empty store.
    settings.MEDIA_ROOT = str(tmp_path / "media")
    # User ids repeat across tests; the creation throttle must not carry over between them.
    cache.clear()
