import pytest

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_token_is_issued_and_authenticates(api_client):
    user = UserFactory()
    response = api_client.post(
        "/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert api_client.get("/api/v1/me/").status_code in (401, 403)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api_client.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["username"] == user.username


def test_wrong_password_gives_json_error(api_client):
    user = UserFactory()
    response = api_client.post(
        "/api/v1/auth/token/", {"username": user.username, "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert "error" in response.json()


def test_missing_fields_give_error_and_field_errors(api_client):
    response = api_client.post("/api/v1/auth/token/", {}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["error"] and "username" in body


def test_lockout_keys_on_username_and_address_not_address_alone(api_client):
    victim, bystander = UserFactory(), UserFactory()
    for _ in range(5):
        api_client.post(
            "/api/v1/auth/token/",
            {"username": victim.username, "password": "guess"},
            format="json",
            REMOTE_ADDR="10.0.0.7",
        )
    locked = api_client.post(
        "/api/v1/auth/token/",
        {"username": victim.username, "password": PASSWORD},
        format="json",
        REMOTE_ADDR="10.0.0.7",
    )
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) > 0
    assert "try again later" in locked.json()["error"]
    # Another account behind the same address is unaffected.
    other = api_client.post(
        "/api/v1/auth/token/",
        {"username": bystander.username, "password": PASSWORD},
        format="json",
        REMOTE_ADDR="10.0.0.7",
    )
    assert other.status_code == 200
    # The same account from another address still signs in.
    elsewhere = api_client.post(
        "/api/v1/auth/token/",
        {"username": victim.username, "password": PASSWORD},
        format="json",
        REMOTE_ADDR="10.0.0.8",
    )
    assert elsewhere.status_code == 200
