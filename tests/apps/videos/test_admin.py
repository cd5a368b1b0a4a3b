import io

import pytest
from django.core.files.storage import default_storage

from apps.videos.models import Video
from tests.factories import UserFactory, VideoFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_admin_lists_status_error_and_rungs(staff_client):
    VideoFactory(title="Broken one", status="failed", error="The file is empty.")
    page = staff_client.get("/admin/videos/video/")
    assert page.status_code == 200
    assert b"Broken one" in page.content and b"The file is empty." in page.content


def test_reprocess_action_starts_a_new_generation(staff_client, django_capture_on_commit_callbacks):
    video = VideoFactory(status="failed", error="boom")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = staff_client.post(
            "/admin/videos/video/", {"action": "reprocess", "_selected_action": [video.pk]}
        )
    assert response.status_code == 302
    video.refresh_from_db()
    assert (video.status, video.generation, video.error, video.progress) == ("uploaded", 2, None, 0)
    assert callbacks


def test_admin_delete_removes_every_stored_file(staff_client, django_capture_on_commit_callbacks):
    video = VideoFactory()
    names = [f"videos/{video.id}/source/original", f"videos/{video.id}/g1/v/144p/init.mp4"]
    for name in names:
        default_storage.save(name, io.BytesIO(b"x"))
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(f"/admin/videos/video/{video.pk}/delete/", {"post": "yes"})
    assert not Video.objects.filter(pk=video.pk).exists()
    assert not any(default_storage.exists(n) for n in names)
