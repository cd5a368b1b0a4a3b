import pytest
from django.db import connections


def test_healthz_answers_while_serving(client):
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_readyz_ok_names_every_check(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert set(response.json()["checks"]) == {"database", "channel_layer", "broker", "storage"}


@pytest.fixture
def unreachable_database():
    connection = connections["default"]
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = "/nonexistent-dir/streamsite.sqlite3"
    else:
        connection.settings_dict["PORT"] = "1"
    yield
    connection.close()
    connection.settings_dict.clear()
    connection.settings_dict.update(saved)


@pytest.mark.django_db(transaction=True)
def test_readyz_is_503_naming_the_database_when_it_is_unreachable(client, unreachable_database):
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["database"]
    assert body["checks"]["channel_layer"] == "ok"
    # Which check failed, never why: exception text names hosts, paths and buckets.
    assert body["checks"]["database"] == "fail"
    assert b"nonexistent-dir" not in response.content and b"Error" not in response.content


@pytest.mark.django_db
def test_metrics_are_prometheus_text(client):
    client.get("/healthz")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert b"django_http_requests_total_by_method_total" in response.content


@pytest.mark.django_db
def test_metrics_are_refused_to_other_addresses_even_when_they_claim_loopback(client):
    stranger = {"REMOTE_ADDR": "203.0.113.9"}
    assert client.get("/metrics", **stranger).status_code == 403
    spoofed = client.get("/metrics", HTTP_X_FORWARDED_FOR="127.0.0.1", **stranger)
    assert spoofed.status_code == 403
    assert b"django_http" not in spoofed.content


@pytest.mark.django_db
def test_metrics_answer_an_allowed_network_or_the_bearer_token(client, settings):
    settings.METRICS_ALLOWED_IPS = ["10.1.0.0/16"]
    settings.METRICS_TOKEN = "s3cret-scrape-token"
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics").status_code == 403  # loopback is no longer listed
    scraper = {"REMOTE_ADDR": "203.0.113.9"}
    bearer = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-scrape-token", **scraper)
    assert bearer.status_code == 200
    assert b"django_http_requests_total_by_method_total" in bearer.content
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer guess", **scraper)
    assert wrong.status_code == 403


@pytest.mark.django_db
def test_csp_connects_only_to_this_site_and_its_own_websocket_origin(client):
    policy = client.get("/", HTTP_HOST="localhost:8000")["Content-Security-Policy"]
    connect = next(d for d in policy.split(";") if d.strip().startswith("connect-src")).split()
    assert connect[1:] == ["'self'", "ws://localhost:8000", "wss://localhost:8000"]
