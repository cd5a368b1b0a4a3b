"""Start-up refuses a storage configuration that would serve private media unsigned."""

import pytest

from tests.streamsite.test_settings import PRODUCTION, _manage

S3 = "s3://media?endpoint_url=https://s3.example.org&region=eu-west-1"
REFUSED = "Media would be served unsigned"


@pytest.mark.parametrize(
    "env",
    [
        {"STORAGE_URL": f"{S3}&custom_domain=media.example.org"},
        {"STORAGE_URL": S3, "AWS_QUERYSTRING_AUTH": "0"},
    ],
    ids=["custom_domain", "querystring_auth_off"],
)
def test_unsigned_media_refuses_to_start(env):
    result = _manage("check", env={**PRODUCTION, **env})
    assert result.returncode != 0
    assert REFUSED in result.stderr


def test_signed_media_starts():
    result = _manage("check", env={**PRODUCTION, "STORAGE_URL": S3})
    assert result.returncode == 0, result.stderr[-2000:]


def test_a_signing_cdn_may_use_a_custom_domain():
    env = {
        "STORAGE_URL": f"{S3}&custom_domain=cdn.example.org",
        "AWS_CLOUDFRONT_KEY_ID": "K2JCJMDEHXQW5F",
        "AWS_CLOUDFRONT_KEY": "-----BEGIN RSA PRIVATE KEY-----\n…",
    }
    result = _manage("check", env={**PRODUCTION, **env})
    assert REFUSED not in result.stderr
    assert result.returncode == 0, result.stderr[-2000:]


def test_the_compose_file_keeps_the_bucket_private_and_starts():
    import yaml

    from tests.streamsite.test_settings import ROOT

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    bucket_setup = compose["services"]["createbucket"]["entrypoint"]
    assert "mc anonymous set none" in bucket_setup
    assert not any(f"set {p}" in bucket_setup for p in ("download", "public", "upload"))
    storage_url = compose["x-app"]["environment"]["STORAGE_URL"]
    result = _manage("check", env={**PRODUCTION, "STORAGE_URL": storage_url})
    assert result.returncode == 0, result.stderr[-2000:]
