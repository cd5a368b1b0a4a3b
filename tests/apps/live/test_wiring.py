"""The live app's modules kept in sub-packages are found by the workers and the router: a
miss would mean recordings nobody joins and a live page whose socket 404s."""

from streamsite.app_modules import app_modules
from streamsite.routing import websocket_urlpatterns


def test_the_live_actors_and_socket_are_found():
    assert "apps.live.recording.actors" in [m.__name__ for m in app_modules("actors")]
    assert "ws/live/<str:stream_id>/" in [str(p.pattern) for p in websocket_urlpatterns()]
