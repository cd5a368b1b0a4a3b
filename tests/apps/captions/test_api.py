import io

import pytest
from django.core.files.storage import default_storage

from apps.captions import services
from apps.captions.models import Caption
from tests.factories import CreatorFactory, UserFactory, VideoFactory

pytestmark = pytest.mark.django_db

SRT = (
    b"1\r\n00:00:00,500 --> 00:00:03,000\r\nHello <b>there</b>\r\n\r\n"
    b"2\r\n00:00:03,500 --> 00:00:05,250\r\n<i>Second</i> line & more\r\n"
)
VTT = b"WEBVTT\n\n00:01.000 --> 00:02.000 align:start\nBonjour\n"


def _post(client, video, data: bytes, *, language="en", label="English", name="subs.srt"):
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(
        f"/api/v1/videos/{video.pk}/captions/",
        {"file": upload, "language": language, "label": label},
        format="multipart",
    )


def _stored(caption_id: int) -> str:
    with default_storage.open(Caption.objects.get(pk=caption_id).vtt, "rb") as fh:
        return fh.read().decode()


def test_owner_uploads_srt_and_gets_webvtt(api_client):
    video = VideoFactory()
    api_client.force_authenticate(video.owner)
    response = _post(api_client, video, SRT)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["language"] == "en" and body["label"] == "English" and not body["automatic"]
    assert body["url"].startswith(f"/media/{video.media_key}/videos/{video.pk}/cc/")
    vtt = _stored(body["id"])
    assert vtt.startswith("WEBVTT\n")
    assert "00:00:00.500 --> 00:00:03.000\nHello <b>there</b>" in vtt
    assert "00:00:03.500 --> 00:00:05.250\n<i>Second</i> line &amp; more" in vtt
    # The video JSON lists it too (contract: captions: [{language, label, url}]).
    listed = api_client.get(f"/api/v1/videos/{video.pk}/").json()["captions"]
    assert [(c["language"], c["label"], c["url"]) for c in listed] == [
        ("en", "English", body["url"])
    ]


def test_same_language_replaces_and_language_is_normalised(api_client):
    video = VideoFactory()
    api_client.force_authenticate(video.owner)
    first = _post(api_client, video, SRT, language="pt_br", label="").json()
    assert first["language"] == "pt-BR" and first["label"] == "Português Brasileiro"
    second = _post(api_client, video, VTT, language="PT-br", label="Brasil").json()
    assert second["id"] == first["id"] and second["url"] != first["url"]
    assert Caption.objects.filter(video=video).count() == 1
    assert "Bonjour" in _stored(second["id"])
    listed = api_client.get(f"/api/v1/videos/{video.pk}/captions/").json()
    assert [c["label"] for c in listed["results"]] == ["Brasil"]


def test_bad_language_tag_is_refused(api_client):
    video = VideoFactory()
    api_client.force_authenticate(video.owner)
    response = _post(api_client, video, SRT, language="english please")
    assert response.status_code == 400 and "BCP 47" in response.json()["error"]


def test_others_cannot_upload_or_delete(api_client):
    video = VideoFactory()
    api_client.force_authenticate(video.owner)
    caption_id = _post(api_client, video, SRT).json()["id"]
    api_client.force_authenticate(CreatorFactory())
    assert _post(api_client, video, SRT, language="de").status_code == 403
    url = f"/api/v1/videos/{video.pk}/captions/{caption_id}/"
    assert api_client.delete(url).status_code == 403
    api_client.force_authenticate(None)
    assert _post(api_client, video, SRT, language="de").status_code in (401, 403)
    assert Caption.objects.filter(video=video).count() == 1


def test_staff_may_delete_and_the_files_go(api_client, django_capture_on_commit_callbacks):
    video = VideoFactory()
    api_client.force_authenticate(video.owner)
    caption_id = _post(api_client, video, SRT).json()["id"]
    caption = Caption.objects.get(pk=caption_id)
    api_client.force_authenticate(UserFactory(is_staff=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.delete(f"/api/v1/videos/{video.pk}/captions/{caption_id}/")
    assert response.status_code == 204
    assert not Caption.objects.filter(pk=caption_id).exists()
    assert not default_storage.exists(caption.vtt) and not default_storage.exists(caption.playlist)
    assert api_client.get(f"/api/v1/videos/{video.pk}/").json()["captions"] == []


def test_private_video_captions_are_404_to_others(api_client):
    video = VideoFactory(visibility="private")
    api_client.force_authenticate(video.owner)
    assert _post(api_client, video, SRT).status_code == 201
    assert api_client.get(f"/api/v1/videos/{video.pk}/captions/").json()["count"] == 1
    api_client.force_authenticate(UserFactory())
    assert api_client.get(f"/api/v1/videos/{video.pk}/captions/").status_code == 404
    assert _post(api_client, video, SRT, language="de").status_code == 404


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b"1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\n00:00:03 --> 00:00:04\nbad\n", "Line 6"),
        (b"WEBVTT\n\n00:01.000 --> 00:02.000\nok\n\nnot a timing\ntext\n", "Line 6"),
        (b"WEBVTT\n\n00:05.000 --> 00:02.000\nbackwards\n", "Line 3"),
        (b"\xef\xbb\xbfHello, no captions here\n", "Line 1"),
    ],
)
def test_malformed_file_names_the_line(api_client, data, needle):
    video = VideoFactory()
    api_client.force_authenticate(video.owner)
    response = _post(api_client, video, data)
    assert response.status_code == 400
    assert needle in response.json()["error"], response.json()
    assert not Caption.objects.exists()


def test_binary_and_random_bytes_are_refused(api_client):
    video = VideoFactory()
    api_client.force_authenticate(video.owner)
    random_bytes = bytes((i * 7919 + 13) % 256 for i in range(4096))
    for data in (random_bytes, b"WEBVTT\n\n00:01.000 --> 00:02.000\nhi\x00there\n"):
        response = _post(api_client, video, data, name="captions.vtt")
        assert response.status_code == 400
        error = response.json()["error"]
        assert "binary" in error or "UTF-8" in error, error
    assert not Caption.objects.exists() and not list(_caption_files(video))


def _caption_files(video):
    try:
        return default_storage.listdir(f"videos/{video.pk}/cc")[1]
    except FileNotFoundError:
        return []


def test_oversized_and_too_many_cues_are_refused(api_client, settings):
    video = VideoFactory()
    api_client.force_authenticate(video.owner)
    settings.CAPTION_MAX_KB = 1
    big = b"WEBVTT\n\n" + b"00:01.000 --> 00:02.000\n" + b"x" * 2000 + b"\n"
    response = _post(api_client, video, big)
    assert response.status_code == 400 and "larger than 1 KB" in response.json()["error"]
    settings.CAPTION_MAX_KB = 1024
    settings.CAPTION_MAX_CUES = 3
    many = b"WEBVTT\n\n" + b"".join(
        f"00:0{i}.000 --> 00:0{i}.500\ncue {i}\n\n".encode() for i in range(5)
    )
    response = _post(api_client, video, many)
    assert response.status_code == 400 and "more than 3 cues" in response.json()["error"]


def test_html_and_script_in_cues_are_neutralised(api_client):
    video = VideoFactory()
    api_client.force_authenticate(video.owner)
    hostile = (
        b"1\n00:00:00,000 --> 00:00:04,000\n"
        b"<script>alert(1)</script><img src=x onerror=alert(2)>Hi <b onclick=x>there</b>\n"
        b'<font color="red">red</font> <v onerror=alert(3)>v</v> 1 < 2 > 0 &copy\n\n'
        b"2\n00:00:04,000 --> 00:00:05,000\n<style>*{}</style><iframe src=//evil>\n"
    )
    response = _post(api_client, video, hostile)
    assert response.status_code == 201, response.content
    vtt = _stored(response.json()["id"])
    for markup in ("<script", "<img", "onerror", "onclick", "<font", "<iframe", "<style"):
        assert markup not in vtt
    assert "alert(1)" not in vtt  # a script's content goes with it
    assert "Hi <b>there</b>\nred <v>v</v> 1 &lt; 2 &gt; 0 &amp;copy" in vtt
    # A cue left with no text is dropped, not kept empty.
    assert "00:00:04.000 -->" not in vtt


def test_a_label_cannot_break_the_manifests(api_client):
    video = VideoFactory()
    api_client.force_authenticate(video.owner)
    body = _post(api_client, video, SRT, label='Eng"lish\x00\n#EXT-X-ENDLIST').json()
    assert body["label"] == "Eng'lish #EXT-X-ENDLIST"


def test_admin_lists_captions(client):
    video = VideoFactory()
    caption = services.caption_upload(
        video=video, by=video.owner, file=io.BytesIO(SRT), language="en", label="English"
    )
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert "English" in client.get("/admin/captions/caption/").content.decode()
    assert client.get(f"/admin/captions/caption/{caption.pk}/change/").status_code == 200
    assert client.get("/admin/captions/captionsettings/").status_code == 200
