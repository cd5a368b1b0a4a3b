"""Password reset end to end: the site's own pages, an e-mail, a link that sets a password."""

import re

import pytest
from django.core import mail

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _main(response) -> str:
    """The page's own content (the header holds per-request tokens)."""
    body = response.content.decode()
    return body[body.index("<main") : body.index("</main>")]


def test_sign_in_links_to_password_reset(client):
    body = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/password_reset/"' in body


def test_reset_by_email_sets_a_new_password(client, fresh_cache):
    user = UserFactory(email="ada@example.com")
    form = client.get("/accounts/password_reset/")
    assert form.status_code == 200 and b"Reset your password" in form.content
    assert b"Django administration" not in form.content  # the site's template, not the admin's
    sent = client.post("/accounts/password_reset/", {"email": "ADA@example.com"}, follow=True)
    assert b"If an account uses that address" in sent.content
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ada@example.com"]
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)

    confirm = client.get(link, follow=True)
    assert b"Choose a new password" in confirm.content
    set_url = confirm.redirect_chain[-1][0]
    new = "a-brand-new-pass-42"
    done = client.post(set_url, {"new_password1": new, "new_password2": new}, follow=True)
    assert b"Password changed" in done.content
    user.refresh_from_db()
    assert user.check_password(new)
    # The link worked once.
    assert b"This link no longer works" in client.get(link, follow=True).content


def test_unknown_email_gets_the_same_answer_and_no_mail(client, fresh_cache):
    UserFactory(email="known@example.com")
    known = client.post("/accounts/password_reset/", {"email": "known@example.com"}, follow=True)
    unknown = client.post("/accounts/password_reset/", {"email": "ghost@example.com"}, follow=True)
    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain
    assert _main(known) == _main(unknown)
    assert len(mail.outbox) == 1


def test_reset_requests_are_throttled_per_address(client, settings, fresh_cache):
    settings.AUTH_PAGE_RATE_PER_ADDRESS = "3/min"
    for n in range(3):
        answer = client.post("/accounts/password_reset/", {"email": f"x{n}@example.com"})
        assert answer.status_code == 302
    refused = client.post("/accounts/password_reset/", {"email": "x9@example.com"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
