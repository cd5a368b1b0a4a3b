"""The channel page, its Subscribe button without JavaScript, the feed page, and the owner's
channel settings with re-encoded avatar and banner images."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from apps.subscriptions.models import ChannelProfile, Subscription
from tests.factories import CreatorFactory, UserFactory, VideoFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.MEDIA_IS_LOCAL = True


def _signed_in(client, user):
    client.force_login(user)
    return client


def _image(fmt="PNG", size=(640, 480), exif=True) -> SimpleUploadedFile:
    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    extra = {}
    if exif:
        info = Image.Exif()
        info[0x010F] = "SecretCam"  # Make
        info[0x8825] = {2: (51.0, 30.0, 0.0)}  # GPS latitude
        extra["exif"] = info.tobytes()
    image.save(out, format=fmt, **extra)
    return SimpleUploadedFile(f"photo.{fmt.lower()}", out.getvalue(), content_type="image/png")


def test_channel_page_shows_count_videos_and_a_subscribe_form_that_works_without_js(client):
    channel, fan = CreatorFactory(display_name="Cooking Corner"), UserFactory()
    VideoFactory(owner=channel, title="Pasta night")
    VideoFactory(owner=channel, title="Secret draft", visibility="private")
    page = client.get(f"/c/{channel.username}/").content.decode()
    assert "Cooking Corner" in page and "Pasta night" in page and "Secret draft" not in page
    assert "Sign in to subscribe" in page and "count>0 subscribers</span>" in page
    _signed_in(client, fan)
    page = client.get(f"/c/{channel.username}/").content.decode()
    assert f'action="/c/{channel.username}/subscribe/"' in page
    response = client.post(f"/c/{channel.username}/subscribe/")
    assert response.status_code == 302 and response["Location"] == f"/c/{channel.username}/"
    assert Subscription.objects.filter(user=fan, channel=channel).exists()
    page = client.get(f"/c/{channel.username}/").content.decode()
    assert "count>1 subscriber</span>" in page and "Unsubscribe" in page
    client.post(f"/c/{channel.username}/notify/", {"notify": "none"})
    assert Subscription.objects.get(user=fan, channel=channel).notify == "none"
    client.post(f"/c/{channel.username}/unsubscribe/")
    assert not Subscription.objects.exists()
    assert ChannelProfile.objects.get(user=channel).subscribers == 0


def test_no_subscribe_button_on_ones_own_channel_and_posting_anyway_is_refused(client):
    channel = CreatorFactory()
    _signed_in(client, channel)
    page = client.get(f"/c/{channel.username}/").content.decode()
    assert "/subscribe/" not in page and "Edit channel" in page
    response = client.post(f"/c/{channel.username}/subscribe/", follow=True)
    assert "cannot subscribe to your own channel" in response.content.decode()
    assert not Subscription.objects.exists()


def test_anonymous_subscribe_and_pages_redirect_to_sign_in(client):
    channel = CreatorFactory()
    for response in (
        client.post(f"/c/{channel.username}/subscribe/"),
        client.get("/feed/"),
        client.get("/studio/channel/"),
    ):
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Subscription.objects.exists()
    assert client.get("/c/nobody-at-all/").status_code == 404


def test_channel_tabs_list_live_streams_and_playlists_when_present(client):
    from apps.live.models import LiveStream

    channel = CreatorFactory()
    LiveStream.objects.create(owner=channel, title="Morning show", status="live")
    LiveStream.objects.create(owner=channel, title="Old show", status="ended")
    page = client.get(f"/c/{channel.username}/?tab=live").content.decode()
    assert "Morning show" in page and "LIVE" in page and "Old show" not in page
    playlists = client.get(f"/c/{channel.username}/?tab=playlists").content.decode()
    assert "No public playlists" in playlists


def test_feed_page_lists_followed_channels_videos(client):
    channel, fan = CreatorFactory(), UserFactory()
    VideoFactory(owner=channel, title="Fresh upload")
    VideoFactory(title="Someone else's")
    _signed_in(client, fan)
    assert "You follow no channel yet" in client.get("/feed/").content.decode()
    client.post(f"/c/{channel.username}/subscribe/")
    page = client.get("/feed/").content.decode()
    assert "Fresh upload" in page and "Someone else" not in page
    assert 'href="/feed/"' in page  # the header's link for signed-in users


def test_owner_uploads_avatar_and_banner_reencoded_without_metadata(
    client, django_capture_on_commit_callbacks
):
    channel = CreatorFactory()
    _signed_in(client, channel)
    response = client.post(
        "/studio/channel/",
        {
            "description": "Weekly <b>recipes</b>",
            "avatar": _image("PNG", (640, 480)),
            "banner": _image("JPEG", (3000, 1000)),
        },
    )
    assert response.status_code == 302
    profile = ChannelProfile.objects.get(user=channel)
    for name, size in ((profile.avatar, (256, 256)), (profile.banner, (1600, 400))):
        stored = Image.open(default_storage.open(name))
        assert stored.format == "WEBP" and stored.size == size
        assert not stored.info.get("exif") and not stored.getexif()
    page = client.get(f"/c/{channel.username}/").content.decode()
    assert "Weekly &lt;b&gt;recipes&lt;/b&gt;" in page
    image = client.get(f"/media/{profile.avatar}")
    assert image.status_code == 200 and image["Content-Type"] == "image/webp"
    assert f"/media/{profile.avatar}" in page and f"/media/{profile.banner}" in page
    # Replacing the avatar deletes the old file once committed.
    old = profile.avatar
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/studio/channel/", {"description": "", "avatar": _image()})
    assert not default_storage.exists(old)


@pytest.mark.parametrize(
    "upload, reason",
    [
        (SimpleUploadedFile("x.png", b"not an image at all", "image/png"), "not a JPEG, PNG"),
        (SimpleUploadedFile("x.png", b"", "image/png"), "empty"),
    ],
)
def test_a_bad_image_is_refused_with_a_reason(client, upload, reason):
    channel = CreatorFactory()
    _signed_in(client, channel)
    response = client.post("/studio/channel/", {"description": "", "avatar": upload})
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert ChannelProfile.objects.filter(user=channel).exclude(avatar="").count() == 0


def test_an_image_with_too_many_pixels_is_refused_before_decoding(client, monkeypatch):
    from PIL import ImageFile

    from apps.subscriptions import services

    monkeypatch.setattr(services, "IMAGE_MAX_PIXELS", 100_000)
    decoded = []
    real_load = ImageFile.ImageFile.load
    monkeypatch.setattr(
        ImageFile.ImageFile, "load", lambda self: decoded.append(1) or real_load(self)
    )
    channel = CreatorFactory()
    _signed_in(client, channel)
    response = client.post("/studio/channel/", {"banner": _image("PNG", (640, 480), exif=False)})
    assert response.status_code == 400
    assert "megapixels are allowed" in response.content.decode()
    assert decoded == []  # judged from the header alone
    assert not ChannelProfile.objects.exclude(banner="").exists()


def test_channel_images_outside_the_naming_scheme_are_404(client):
    assert client.get("/media/channels/1/../../secret.webp").status_code == 404
    assert client.get("/media/channels/1/avatar-zzz.webp").status_code == 404


def test_recount_fixes_a_count_after_rows_went_without_the_service():
    from apps.subscriptions import services

    channel = CreatorFactory()
    fans = UserFactory.create_batch(3)
    for fan in fans:
        services.subscription_set(user=fan, channel=channel)
    fans[0].delete()  # the database's cascade removes the row, not the service
    assert ChannelProfile.objects.get(user=channel).subscribers == 3
    assert services.channel_subscribers_recount(channel=channel) == 2
    assert ChannelProfile.objects.get(user=channel).subscribers == 2


def test_playlists_tab_lists_the_channels_public_playlists_only(client):
    from tests.apps.playlists.factories import PlaylistFactory

    channel = CreatorFactory()
    PlaylistFactory(owner=channel, title="Road <b>trips</b>")
    PlaylistFactory(owner=channel, title="Secret list", visibility="private")
    page = client.get(f"/c/{channel.username}/?tab=playlists").content.decode()
    assert "Road &lt;b&gt;trips&lt;/b&gt;" in page and "Secret list" not in page
    client.force_login(channel)  # the owner sees all of theirs
    assert "Secret list" in client.get(f"/c/{channel.username}/?tab=playlists").content.decode()
