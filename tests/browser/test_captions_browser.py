"""Captions in a real Chromium: the owner uploads an SRT (with HTML and script in it) from the
studio's caption panel; the player's caption menu lists it, its cue text is on screen as text,
and the choice is remembered on the next visit."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files import File
from playwright.sync_api import Page, expect

from apps.videos import services
from apps.videos.models import Video
from tests.browser.accounts import log_in
from tests.factories import CreatorFactory
from tests.fixtures.pipeline import wait_for_video

pytestmark = [pytest.mark.browser, pytest.mark.pipeline]
DASHJS = Path(__file__).parents[1] / "assets" / "vendor" / "dashjs" / "dash.mediaplayer.min.js"

SRT = (
    b"1\n00:00:00,000 --> 00:00:04,000\n"
    b"Hello <b>viewers</b><script>window.__xss = 1</script>"
    b'<img src=x onerror="window.__xss = 2"> 1 < 2\n'
)
# The text of the track that is showing, and what the cue would make as DOM.
ACTIVE_CUE = """() => {
  const v = document.getElementById('player');
  const track = Array.from(v.textTracks).find((t) => t.mode === 'showing');
  if (!track || !track.activeCues || !track.activeCues.length) return null;
  const cue = track.activeCues[0];
  const dom = cue.getCueAsHTML();
  return {
    label: track.label, text: cue.text, shown: dom.textContent,
    start: cue.startTime, end: cue.endTime,
    elements: Array.from(dom.querySelectorAll('*')).map((e) => e.localName),
  };
}"""


@pytest.fixture
def captioned(samples, pipeline_worker) -> Video:
    path = samples["mkv_h264_3s.mkv"]
    with open(path, "rb") as fh:
        video = services.video_create(
            owner=CreatorFactory(), title="Captions test", upload=File(fh, name=path.name),
            filename=path.name,
        )  # fmt: skip
    video = wait_for_video(video.id, timeout=120)
    assert video.status == "ready", video.error
    return video


def test_uploaded_caption_is_in_the_menu_and_on_screen_as_text(page: Page, captioned, tmp_path):
    log_in(page, captioned.owner)
    page.goto(f"/studio/videos/{captioned.id}/edit/")  # the studio's edit page
    panel = page.get_by_role("region", name="Captions")
    srt = tmp_path / "subs.srt"
    srt.write_bytes(SRT)
    panel.get_by_label("Caption file (WebVTT or SRT)").set_input_files(str(srt))
    panel.get_by_label("Language").fill("en")
    panel.get_by_label("Label").fill("English")
    panel.get_by_role("button", name="Upload captions").click()
    expect(page.get_by_text("Captions saved: English (en).")).to_be_visible()
    expect(panel.get_by_role("row").filter(has_text="English")).to_contain_text("Uploaded")

    page.goto(f"/watch/{captioned.id}/")
    cc = page.get_by_role("button", name="Captions")
    expect(cc).to_be_visible()
    page.evaluate("() => { const v = document.getElementById('player'); v.pause(); }")
    cc.click()
    menu = page.get_by_role("menu", name="Captions")
    expect(menu.get_by_role("menuitemradio")).to_have_text(["Off", "English"])
    expect(menu.get_by_role("menuitemradio", name="Off")).to_have_attribute("aria-checked", "true")
    menu.get_by_role("menuitemradio", name="English").click()
    expect(menu).to_be_hidden()
    expect(cc).to_have_attribute("aria-pressed", "true")
    page.evaluate("() => { const v = document.getElementById('player'); v.currentTime = 1; }")
    page.wait_for_function(f"() => ({ACTIVE_CUE})() !== null", timeout=15_000)
    cue = page.evaluate(ACTIVE_CUE)
    assert cue["label"] == "English"
    # On the video's timeline as written (the segments' media time starts at zero, so the
    # WebVTT needs no X-TIMESTAMP-MAP offset).
    assert abs(cue["start"]) < 0.1 and abs(cue["end"] - 4.0) < 0.1, cue
    assert cue["shown"] == "Hello viewers 1 < 2", cue
    assert set(cue["elements"]) <= {"b", "span", "i", "u", "ruby", "rt"}, cue
    assert "script" not in cue["text"] and "onerror" not in cue["text"]
    assert page.evaluate("() => window.__xss") is None
    assert page.locator("img[src='x']").count() == 0

    # Remembered: the next visit starts with English on, without touching the menu.
    page.reload()
    expect(cc).to_have_attribute("aria-pressed", "true")
    page.evaluate("() => { const v = document.getElementById('player'); v.currentTime = 2; }")
    page.wait_for_function(f"() => ({ACTIVE_CUE})() !== null", timeout=15_000)
    # `c` turns them off.
    page.locator("body").press("c")
    expect(cc).to_have_attribute("aria-pressed", "false")
    assert page.evaluate(ACTIVE_CUE) is None

    # DASH players find the same caption in the MPD's text AdaptationSet.
    dash_url = page.request.get(f"/api/v1/videos/{captioned.id}/").json()["dash_url"]
    page.evaluate("() => { window.streamsitePlayer.destroy(); }")
    page.route("**/test-assets/dash.js", lambda route: route.fulfill(path=DASHJS))
    page.add_script_tag(url="/test-assets/dash.js")
    page.evaluate(
        """(url) => {
            const el = document.createElement('video');
            el.id = 'dash-test';
            el.muted = true;
            document.body.append(el);
            const player = window.dashjs.MediaPlayer().create();
            player.on('streamInitialized', () => {
              const text = player.getTracksFor('text');
              window.__dashText = text.map((t) => t.lang);
              if (text.length) player.setTextTrack(0);
            });
            player.initialize(el, url, true);
        }""",
        dash_url,
    )
    page.wait_for_function(
        """() => Array.from(document.getElementById('dash-test').textTracks)
            .some((t) => t.cues && Array.from(t.cues).some((c) => c.text.includes('Hello')))""",
        timeout=15_000,
    )
    assert page.evaluate("() => window.__dashText") == ["en"]
