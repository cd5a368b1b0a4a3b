"""The studio's caption panel (plain forms), the automatic-captions switch and its admin."""

import io
from importlib.util import find_spec

import pytest
from django.core.files.storage import default_storage

from apps.captions import jobs, services
from apps.captions.models import Caption, CaptionSettings
from tests.factories import CreatorFactory, UserFactory, VideoFactory

pytestmark = pytest.mark.django_db

SRT = b"1\n00:00:01,000 --> 00:00:02,000\n<i>Hi</i> <img src=x onerror=alert(1)>\n"
FAKE = "tests.apps.captions.fake_recognizer.recognize"


def _file(data: bytes = SRT, name: str = "subs.srt") -> io.BytesIO:
    upload = io.BytesIO(data)
    upload.name = name
    return upload


def test_owner_uploads_and_deletes_from_the_studio_panel(client):
    video = VideoFactory()
    client.force_login(video.owner)
    page = client.get(f"/studio/videos/{video.pk}/captions/")
    assert page.status_code == 200 and b'name="language"' in page.content
    response = client.post(
        f"/studio/videos/{video.pk}/captions/",
        {"file": _file(), "language": "fr", "label": "Français", "next": "/studio/"},
    )
    assert response.status_code == 302 and response["Location"] == "/studio/"
    caption = Caption.objects.get(video=video)
    assert caption.language == "fr" and caption.label == "Français"
    page = client.get(f"/studio/videos/{video.pk}/captions/").content.decode()
    assert "Captions saved: Français (fr)." in page and "<code>fr</code>" in page
    # The label is escaped where the panel shows it.
    response = client.post(
        f"/studio/videos/{video.pk}/captions/",
        {"file": _file(), "language": "de", "label": "<b onmouseover=x>DE</b>"},
    )
    page = client.get(f"/studio/videos/{video.pk}/captions/").content.decode()
    assert "<b onmouseover" not in page and "&lt;b onmouseover=x&gt;DE&lt;/b&gt;" in page
    client.post(
        f"/studio/videos/{video.pk}/captions/{caption.pk}/delete/",
        {"next": "https://evil.example/"},
    )
    assert not Caption.objects.filter(pk=caption.pk).exists()


def test_studio_panel_reports_a_malformed_file_with_its_line(client):
    video = VideoFactory()
    client.force_login(video.owner)
    response = client.post(
        f"/studio/videos/{video.pk}/captions/",
        {"file": _file(b"1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\nnonsense\n"), "language": "en"},
        follow=True,
    )
    # An unsafe `next` is ignored: back to the watch page.
    assert response.redirect_chain[-1][0] == f"/watch/{video.pk}/"
    assert "Captions not saved: Line 6" in response.content.decode()
    assert not Caption.objects.exists()


def test_others_get_404_from_the_studio_panel(client):
    video = VideoFactory()
    client.force_login(CreatorFactory())
    assert client.get(f"/studio/videos/{video.pk}/captions/").status_code == 404
    response = client.post(
        f"/studio/videos/{video.pk}/captions/", {"file": _file(), "language": "en"}
    )
    assert response.status_code == 404 and not Caption.objects.exists()
    client.logout()
    assert client.get(f"/studio/videos/{video.pk}/captions/").status_code == 302  # to sign in


def test_staff_may_use_the_panel(client):
    video = VideoFactory()
    client.force_login(UserFactory(is_staff=True))
    client.post(f"/studio/videos/{video.pk}/captions/", {"file": _file(), "language": "en"})
    assert Caption.objects.get(video=video).label == "English"


def _switch_on() -> None:
    CaptionSettings.objects.update_or_create(pk=1, defaults={"automatic_for_new_uploads": True})


def test_new_upload_sends_the_job_when_on_and_installed(settings, monkeypatch):
    sent: list[str] = []
    monkeypatch.setattr(jobs, "send_transcribe", sent.append)
    settings.CAPTIONS_RECOGNIZER = FAKE
    video = VideoFactory()
    services.captions_on_upload(video, {})
    assert sent == []  # switched off by default
    _switch_on()
    services.captions_on_upload(video, {})
    assert sent == [video.pk]


def test_without_a_model_the_job_is_never_sent_and_the_admin_says_why(
    settings, monkeypatch, client
):
    sent: list[str] = []
    monkeypatch.setattr(jobs, "send_transcribe", sent.append)
    settings.CAPTIONS_RECOGNIZER = "apps.captions.speech.whisper.recognize"
    if find_spec("faster_whisper") is not None:
        # A machine that has the model: a recognizer that is not there stands in for it.
        settings.CAPTIONS_RECOGNIZER = "no_such_module.recognize"
    _switch_on()
    services.captions_on_upload(VideoFactory(), {})
    assert sent == []
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get("/admin/captions/captionsettings/1/change/").content.decode()
    assert "Automatic captions will not run" in page
    assert "faster-whisper" in page or "cannot be imported" in page


def test_automatic_captions_never_replace_a_persons(settings):
    from media_pipeline.captions import Cue

    video = VideoFactory()
    services.caption_upload(video=video, by=video.owner, file=_file(), language="en")
    made = services.caption_store_automatic(
        video=video, language="en", cues=[Cue(start=0.0, end=1.0, text="heard")]
    )
    assert made is None
    caption = Caption.objects.get(video=video)
    assert caption.source == "manual"
    with default_storage.open(caption.vtt, "rb") as fh:
        assert b"heard" not in fh.read()
    # The studio panel marks automatic ones as such, and the video JSON says so.
    made = services.caption_store_automatic(
        video=video, language="de", cues=[Cue(start=0.0, end=1.0, text="gehört")]
    )
    assert made is not None and made.label == "Deutsch" and made.automatic


def test_seed_demo_captions_the_creator_s_videos_once():
    import io as _io

    from apps.captions import demo

    video = VideoFactory(owner=CreatorFactory(username="creator"))
    out = _io.StringIO()
    demo.seed(stdout=out)
    demo.seed(stdout=out)
    assert sorted(Caption.objects.filter(video=video).values_list("language", flat=True)) == [
        "en",
        "fr",
    ]
    assert out.getvalue().count("sample captions added") == 1
