"""The media storage, read from the environment (STORAGE_URL or django-storages' AWS_* names).

Kept beside settings.py so that settings stays a list of decisions; tests build a storage the way
an operator selects one.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

from django.core.exceptions import ImproperlyConfigured

from streamsite.env import env_bool, env_int, env_str


def storage_from_env() -> tuple[dict, Path | None]:
    """STORAGE_URL=s3://bucket?endpoint_url=…&region=… or the AWS_* settings select S3;
    file:///path (or nothing) local files. Returns the storage and, for file://, its root."""
    url = env_str("STORAGE_URL")
    bucket = env_str("AWS_STORAGE_BUCKET_NAME")
    if url.startswith("s3://"):
        parsed = urlparse(url)
        query = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
        bucket = parsed.netloc
        options = {
            "bucket_name": bucket,
            "location": parsed.path.strip("/"),
            "endpoint_url": query.get("endpoint_url") or env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": query.get("region") or env_str("AWS_S3_REGION_NAME") or None,
            "custom_domain": query.get("custom_domain") or None,
            "url_protocol": query.get("url_protocol") or None,
        }
    elif bucket:
        options = {"bucket_name": bucket}
    elif url and not url.startswith("file://"):
        raise ImproperlyConfigured(f"STORAGE_URL={url!r}: use s3://bucket… or file:///path")
    else:
        # Pipeline outputs have fixed names; a rerun replaces them instead of adding "_x7Yz".
        local = {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"allow_overwrite": True},
        }
        return local, Path(urlparse(url).path) if url else None
    options.update(
        default_acl=None,
        file_overwrite=True,
        querystring_auth=env_bool("AWS_QUERYSTRING_AUTH", True),
        querystring_expire=env_int("MEDIA_URL_EXPIRE_S", 300),  # see MEDIA_URL_EXPIRE_S
    )
    s3 = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {k: v for k, v in options.items() if v is not None or k == "default_acl"},
    }
    return s3, None


def signed_media_only(storage: dict) -> None:
    """Private segments and untouched originals live in the bucket: a URL that needs no
    signature (a plain custom domain, or query-string auth turned off) would serve them to
    anyone, so such a configuration is refused unless a signing CDN (CloudFront keys) signs."""
    options = storage["OPTIONS"]
    if env_str("AWS_CLOUDFRONT_KEY_ID") and env_str("AWS_CLOUDFRONT_KEY"):
        options["cloudfront_key_id"] = env_str("AWS_CLOUDFRONT_KEY_ID")
        options["cloudfront_key"] = env_str("AWS_CLOUDFRONT_KEY").encode()
        return
    if options.get("custom_domain") or not options.get("querystring_auth", True):
        raise ImproperlyConfigured(
            "Media would be served unsigned: remove custom_domain and keep "
            "AWS_QUERYSTRING_AUTH on, or sign with a CDN (AWS_CLOUDFRONT_KEY_ID and "
            "AWS_CLOUDFRONT_KEY)."
        )
