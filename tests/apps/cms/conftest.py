"""Fixtures of the CMS tests (tus uploads, as in tests/apps/videos)."""

from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture
def tus_dir(settings, tmp_path):
    settings.TUS_UPLOAD_DIR = str(tmp_path / "tus")
    # User ids repeat across tests; the creation throttle must not carry over between them.
    cache.clear()
    return tmp_path / "tus"
