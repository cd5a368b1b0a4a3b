"""Signing in through the real login form, shared by the browser tests."""

from playwright.sync_api import expect

from tests.factories import PASSWORD


def log_in(page, user) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_have_count(0)
