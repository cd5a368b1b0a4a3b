"""Sign-up, log-in and log-out as a person does it, in a real Chromium."""

import pytest

pytestmark = pytest.mark.browser


def test_signup_login_logout(page):
    page.goto("/")
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password", exact=True).fill("s3cret-Passw0rd!")
    page.get_by_label("Password confirmation").fill("s3cret-Passw0rd!")
    page.get_by_role("button", name="Create account").click()
    header = page.get_by_role("banner")
    assert header.get_by_role("link", name="alice").is_visible()

    header.get_by_role("button", name="Sign out").click()
    assert header.get_by_role("link", name="Sign in").is_visible()

    header.get_by_role("link", name="Sign in").click()
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("wrong-password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").first.is_visible()

    page.get_by_label("Password").fill("s3cret-Passw0rd!")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    assert page.get_by_role("banner").get_by_role("link", name="alice").is_visible()
