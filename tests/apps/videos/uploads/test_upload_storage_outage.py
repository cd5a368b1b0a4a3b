"""The one-request upload (`POST /api/v1/videos/`) while storage is unreachable: a 503 with
Retry-After that the client can act on, no video row left behind, and the same upload accepted
once storage is back (the tus upload's outage is tested in test_tus_nodes.py)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from apps.videos.models import Video
from tests.factories import CreatorFactory

pytestmark = pytest.mark.slow


def _post(client: APIClient, path) -> object:
    with open(path, "rb") as fh:
        return client.post(
            "/api/v1/videos/", {"title": "During the outage", "file": fh}, format="multipart"
        )


def test_an_upload_during_a_storage_outage_is_a_retry(
    s3, moto_server, transactional_db, samples, django_capture_on_commit_callbacks
):
    from moto.server import ThreadedMotoServer

    client = APIClient()
    client.force_authenticate(CreatorFactory())
    host, port = moto_server.get_host_and_port()
    moto_server.stop()
    down = _post(client, samples["tiny_360p_4s.mp4"])
    assert down.status_code == 503, down.content
    assert down["Retry-After"] and "retry" in down.json()["error"]
    assert not Video.objects.exists()

    server = ThreadedMotoServer(ip_address=host, port=int(port), verbose=False)
    server.start()
    try:
        with django_capture_on_commit_callbacks(execute=False):
            back = _post(client, samples["tiny_360p_4s.mp4"])
        assert back.status_code == 201, back.content
        assert Video.objects.get().title == "During the outage"
    finally:
        server.stop()
