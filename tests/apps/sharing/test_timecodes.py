import pytest

from apps.sharing.timecodes import parse_start_time


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("90", 90.0),
        ("90s", 90.0),
        ("12.5", 12.5),
        ("1m30s", 90.0),
        ("1m", 60.0),
        ("2h", 7200.0),
        ("1h2m3s", 3723.0),
        (" 1M30S ", 90.0),
    ],
)
def test_accepted_forms(raw, expected):
    assert parse_start_time(raw) == expected


@pytest.mark.parametrize(
    "raw", [None, "", "0", "0s", "-5", "abc", "1m30", "m", "1h2h", "90x", "1e3", "nan", "inf"]
)
def test_invalid_values_are_ignored(raw):
    assert parse_start_time(raw) is None


def test_beyond_the_duration_is_ignored():
    assert parse_start_time("90", duration=100.0) == 90.0
    assert parse_start_time("100", duration=100.0) is None
    assert parse_start_time("2m", duration=100.0) is None
    assert parse_start_time("99999999999") is None
