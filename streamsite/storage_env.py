"""Media storage from the environment: local files (the embedded default) or an S3 bucket.

Private segments and untouched originals live in that bucket, so it is only ever read through
signed URLs that expire after MEDIA_URL_EXPIRE_S: a configuration that would hand out unsigned
ones (a plain `custom_domain`, or query-string auth turned off) is refused at start, unless a
signing CDN (CloudFront keys) signs them.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

from django.core.exceptions import ImproperlyConfigured

from streamsite.env import env_bool, env_int, env_str


def media_root_from_env(default: Path) -> Path:
    """STORAGE_URL=file:///path, else MEDIA_ROOT, else ``default``."""
    url = env_str("STORAGE_URL")
    if url.startswith("file://"):
        return Path(urlparse(url).path)
    return Path(env_str("MEDIA_ROOT", str(default)))


def storage_from_env() -> dict:
    """STORAGE_URL=s3://bucket?endpoint_url=…&region=… or the AWS_* settings select S3."""
    url = env_str("STORAGE_URL")
    bucket = env_str("AWS_STORAGE_BUCKET_NAME")
    if url.startswith("s3://"):
        parsed = urlparse(url)
        query = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
        options = {
            "bucket_name": parsed.netloc,
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
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"allow_overwrite": True},
        }
    options.update(
        default_acl=None,
        file_overwrite=True,
        querystring_auth=env_bool("AWS_QUERYSTRING_AUTH", True),
        querystring_expire=env_int("MEDIA_URL_EXPIRE_S", 300),
    )
    _signed_only(options)
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {k: v for k, v in options.items() if v is not None or k == "default_acl"},
    }


def _signed_only(options: dict) -> None:
    if env_str("AWS_CLOUDFRONT_KEY_ID") and env_str("AWS_CLOUDFRONT_KEY"):
        options["cloudfront_key_id"] = env_str("AWS_CLOUDFRONT_KEY_ID")
        options["cloudfront_key"] = env_str("AWS_CLOUDFRONT_KEY").encode()
        return
    if options.get("custom_domain") or not options["querystring_auth"]:
        raise ImproperlyConfigured(
            "Media would be served unsigned: remove custom_domain and keep "
            "AWS_QUERYSTRING_AUTH on, or sign with a CDN (AWS_CLOUDFRONT_KEY_ID and "
            "AWS_CLOUDFRONT_KEY)."
        )
