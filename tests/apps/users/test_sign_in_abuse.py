"""Sign-in abuse: spoofed X-Forwarded-For, password hashing as a CPU weapon, sign-up modes."""

from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from rest_framework.throttling import ScopedRateThrottle

from apps.users.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]
ROOT = Path(__file__).resolve().parents[3]


def _spoofed(n: int) -> str:
    return f"203.0.113.{n % 250 + 1}"


def test_rotating_forwarded_for_does_not_reset_the_api_lockout(api_client):
    user = UserFactory()
    for n in range(12):
        api_client.post(
            "/api/v1/auth/token/",
            {"username": user.username, "password": f"guess-{n}"},
            format="json",
            HTTP_X_FORWARDED_FOR=_spoofed(n),
        )
    right = api_client.post(
        "/api/v1/auth/token/",
        {"username": user.username, "password": PASSWORD},
        format="json",
        HTTP_X_FORWARDED_FOR=_spoofed(99),
    )
    assert right.status_code == 429
    assert "token" not in right.json()


def test_rotating_forwarded_for_does_not_reset_the_page_lockout(client):
    user = UserFactory()
    for n in range(12):
        client.post(
            "/accounts/login/",
            {"username": user.username, "password": f"guess-{n}"},
            HTTP_X_FORWARDED_FOR=_spoofed(n),
        )
    right = client.post(
        "/accounts/login/",
        {"username": user.username, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR=_spoofed(99),
    )
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another account behind the same address still signs in.
    other = UserFactory()
    response = client.post("/accounts/login/", {"username": other.username, "password": PASSWORD})
    assert response.status_code == 302


def test_rotating_forwarded_for_does_not_escape_the_api_throttle(api_client, monkeypatch):
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "auth", "3/min")
    codes = [
        api_client.post(
            "/api/v1/auth/token/",
            {"username": f"nobody{n}", "password": "x"},
            format="json",
            HTTP_X_FORWARDED_FOR=_spoofed(n),
        ).status_code
        for n in range(5)
    ]
    assert codes[:3] == [400, 400, 400]
    assert codes[3:] == [429, 429]


def test_behind_one_proxy_the_address_it_saw_is_the_client(client, settings):
    """PROXY_COUNT=1: the proxy appends the address it saw; what the client wrote before it
    counts for nothing."""
    settings.PROXY_COUNT = 1
    user = UserFactory()
    for n in range(6):
        client.post(
            "/accounts/login/",
            {"username": user.username, "password": "guess"},
            HTTP_X_FORWARDED_FOR=f"{_spoofed(n)}, 198.51.100.7",
        )
    locked = client.post(
        "/accounts/login/",
        {"username": user.username, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR=f"{_spoofed(50)}, 198.51.100.7",
    )
    assert locked.status_code == 429
    # The same account from another real address (as the proxy saw it) is not locked out.
    elsewhere = client.post(
        "/accounts/login/",
        {"username": user.username, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.8",
    )
    assert elsewhere.status_code == 302


PAGES = [
    ("/accounts/login/", lambda name: {"username": name, "password": "wrong-password"}),
    (
        "/accounts/signup/",
        lambda name: {"username": name, "password1": "a-Long-pass-2931", "password2": "x"},
    ),
    ("/accounts/password_reset/", lambda name: {"email": f"{name}@example.com"}),
]


@pytest.mark.parametrize(("url", "form"), PAGES, ids=["login", "signup", "reset"])
def test_password_pages_are_throttled_per_address(client, settings, url, form):
    settings.AUTH_PAGE_RATE_PER_ADDRESS = "3/min"
    codes = [
        client.post(url, form(f"someone{n}"), HTTP_X_FORWARDED_FOR=_spoofed(n)).status_code
        for n in range(5)
    ]
    assert 429 not in codes[:3]
    assert codes[3:] == [429, 429]


@pytest.mark.parametrize(("url", "form"), PAGES, ids=["login", "signup", "reset"])
def test_password_pages_are_throttled_per_account_whatever_the_address(client, settings, url, form):
    settings.AUTH_PAGE_RATE_PER_ACCOUNT = "3/min"
    responses = [client.post(url, form("target"), REMOTE_ADDR=f"192.0.2.{n + 1}") for n in range(5)]
    codes = [r.status_code for r in responses]
    assert 429 not in codes[:3]
    assert codes[3:] == [429, 429]
    assert int(responses[-1]["Retry-After"]) > 0
    # Another account from one of those addresses is not held back.
    other = client.post(url, form("bystander"), REMOTE_ADDR="192.0.2.1")
    assert other.status_code != 429


def test_start_channel_never_redirects_off_site(client):
    client.force_login(UserFactory())
    for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        response = client.post("/accounts/start-channel/", {"next": target})
        assert response.status_code == 302
        assert response["Location"] == "/accounts/profile/", target
    response = client.post("/accounts/start-channel/", {"next": "/upload/"})
    assert response["Location"] == "/upload/"


def test_seed_demo_refuses_the_well_known_password_in_production(settings):
    settings.DEBUG = False
    settings.DEMO_PASSWORD_SET = False
    with pytest.raises(CommandError, match="DEMO_PASSWORD"):
        call_command("seed_demo", "--no-media")
    assert not User.objects.filter(username="admin").exists()
    settings.DEMO_PASSWORD = "an-operator-chose-this-9"
    settings.DEMO_PASSWORD_SET = True
    call_command("seed_demo", "--no-media")
    assert User.objects.get(username="admin").check_password("an-operator-chose-this-9")


def _signup(client, name: str):
    return client.post(
        "/accounts/signup/",
        {"username": name, "password1": "a-Long-pass-2931", "password2": "a-Long-pass-2931"},
    )


def test_signup_closed_makes_no_account(client, settings):
    settings.SIGNUP_MODE = "closed"
    assert client.get("/accounts/signup/").status_code == 403
    assert _signup(client, "latecomer").status_code == 403
    assert not User.objects.filter(username="latecomer").exists()


def test_signup_by_approval_waits_for_staff(client, settings):
    settings.SIGNUP_MODE = "approval"
    assert _signup(client, "hopeful").status_code == 302
    user = User.objects.get(username="hopeful")
    assert not user.is_active
    refused = client.post(
        "/accounts/login/", {"username": "hopeful", "password": "a-Long-pass-2931"}
    )
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    client.post("/admin/users/user/", {"action": "approve", "_selected_action": [user.pk]})
    user.refresh_from_db()
    assert user.is_active


def test_no_start_line_believes_proxy_headers():
    """Daphne's --proxy-headers lets any client choose its address; PROXY_COUNT does it right."""
    for name in ("Makefile", "Procfile", "Dockerfile", "docker-compose.yml"):
        assert "--proxy-headers" not in (ROOT / name).read_text(), name


def test_anonymous_sign_in_page_creates_no_session(client):
    client.get("/accounts/login/")
    assert Session.objects.count() == 0
