"""The operations dashboard: today's figures, problems with a retry, charts as SVG."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.videos.models import Video
from tests.factories import UserFactory, VideoFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_dashboard_shows_figures_problems_and_charts(admin_client):
    VideoFactory(title="Watched a lot", views=900, source_size=5 * 2**20)
    VideoFactory(title="Broken upload", status="failed", error="The file is empty.")
    stuck = VideoFactory(title="Stuck one", status="processing")
    Video.objects.filter(pk=stuck.pk).update(updated_at=timezone.now() - timedelta(hours=2))
    VideoFactory(title="Busy now", status="processing")
    html = admin_client.get("/admin/cms/dashboard/").content.decode()
    assert 'data-stat="uploads">4<' in html and 'data-stat="processing">2<' in html
    assert "Broken upload" in html and "Stuck one" in html and "Busy now" not in html
    assert html.count('<svg class="cms-chart"') == 3
    assert "Watched a lot: 900" in html and "5.0 MB" in html
    assert "<script" not in html.split('id="operations-dashboard"')[1]
    # The apps that landed beside the CMS fill their sections.
    assert "Broadcasts are not installed" not in html and "No banner is showing" in html
    assert "Ads are not installed" not in html and "impressions" in html


def test_retry_requeues_a_failed_video(admin_client, django_capture_on_commit_callbacks):
    video = VideoFactory(status="failed", error="boom")
    with django_capture_on_commit_callbacks(execute=False):
        response = admin_client.post(f"/admin/cms/dashboard/retry/{video.id}/")
    assert response.status_code == 302
    video.refresh_from_db()
    assert (video.status, video.generation, video.error) == ("uploaded", 2, None)


def test_dashboard_needs_its_permission(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get("/admin/cms/dashboard/").status_code == 403


def test_a_ready_video_with_a_failed_part_is_listed_and_retried(
    admin_client, django_capture_on_commit_callbacks
):
    from apps.videos.models import PipelineTask

    video = VideoFactory(title="Half done")
    PipelineTask.objects.create(
        video=video, generation=1, kind="chunk", rung="1080p", failed_at=timezone.now()
    )
    assert "Half done" in admin_client.get("/admin/cms/dashboard/").content.decode()
    with django_capture_on_commit_callbacks(execute=False):
        admin_client.post(f"/admin/cms/dashboard/retry/{video.id}/")
    video.refresh_from_db()
    assert video.status == "ready" and video.generation == 1  # only the part is redone
    assert not PipelineTask.objects.filter(video=video, failed_at__isnull=False).exists()
