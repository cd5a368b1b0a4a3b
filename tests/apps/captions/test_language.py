import pytest
from django.core.exceptions import ValidationError

from apps.captions.services import language_label, language_normalize


@pytest.mark.parametrize(
    ("tag", "normal"),
    [
        ("en", "en"),
        ("EN-us", "en-US"),
        ("zh-hant-tw", "zh-Hant-TW"),
        ("es-419", "es-419"),
        ("sr_latn", "sr-Latn"),
        ("en-US-x-twain", "en-US-x-twain"),
        ("x-klingon", "x-klingon"),
    ],
)
def test_language_tags_are_normalised(tag, normal):
    assert language_normalize(tag) == normal


@pytest.mark.parametrize("tag", ["", "english", "en US", "e", "en-", "../etc", "en-US-" + "a" * 40])
def test_malformed_language_tags_are_refused(tag):
    with pytest.raises(ValidationError):
        language_normalize(tag)


def test_default_labels_are_the_language_s_own_name():
    assert language_label("fr") == "Français" and language_label("de-AT") == "Deutsch"
    assert language_label("x-klingon") == "x-klingon"
