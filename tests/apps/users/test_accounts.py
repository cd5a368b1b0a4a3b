import pytest
from django.contrib.auth.models import Group

from apps.users import services
from apps.users.models import User
from apps.users.roles import CREATORS
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_signup_creates_account_and_signs_in(client):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "newbie",
            "email": "",
            "password1": "a-Long-pass-2931",
            "password2": "a-Long-pass-2931",
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(username="newbie").exists()
    assert client.get("/accounts/profile/").status_code == 200


def test_signup_rejects_weak_password_with_a_reason(client):
    response = client.post(
        "/accounts/signup/", {"username": "weak", "password1": "123", "password2": "123"}
    )
    assert response.status_code == 200
    assert b"too short" in response.content
    assert not User.objects.filter(username="weak").exists()


def test_start_channel_makes_a_creator(client):
    user = UserFactory()
    client.force_login(user)
    client.post("/accounts/start-channel/")
    assert user.groups.filter(name=CREATORS).exists()
    assert (
        user.has_perm("videos.add_video")
        or not Group.objects.get(name=CREATORS).permissions.exists()
    )


def test_seed_demo_is_idempotent_and_assigns_roles(settings):
    from django.core.management import call_command

    settings.DEBUG = True  # as `make run` runs it

    call_command("seed_demo", "--no-media")
    call_command("seed_demo", "--no-media")
    assert (
        User.objects.filter(username__in=["admin", "moderator", "creator", "viewer"]).count() == 4
    )
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(settings.DEMO_PASSWORD)
    moderator = User.objects.get(username="moderator")
    assert moderator.groups.filter(name="Moderators").exists()
    assert moderator.is_staff and moderator.has_perm("cms.change_queuedvideo")
    assert User.objects.get(username="creator").groups.filter(name="Creators").exists()
    assert not User.objects.get(username="viewer").groups.exists()


def test_login_page_signs_in(client):
    user = UserFactory()
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert services.token_get_or_create(user=user)
