"""Workers, the ASGI router and the embedded recovery find each app's modules by role, also
where an app keeps them in a sub-package: a module not found means jobs nobody runs, websockets
that 404, or work never resumed after a restart."""

from streamsite.app_modules import app_modules
from streamsite.routing import websocket_urlpatterns


def test_the_videos_pipeline_modules_are_found_in_their_sub_packages():
    assert "apps.videos.pipeline.actors" in [m.__name__ for m in app_modules("actors")]
    recovery = [m.__name__ for m in app_modules("recovery")]
    assert "apps.videos.pipeline.recovery" in recovery


def test_the_video_websockets_are_routed():
    routes = [str(p.pattern) for p in websocket_urlpatterns()]
    assert "ws/videos/<str:video_id>/" in routes
    assert "ws/studio/" in routes
