"""Ad view tokens: a decision's facts, signed, so that a beacon can only count the view it
was made for (a viewer cannot forge one for another campaign or creative)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.core import signing

SALT = "apps.ads.view"
# Beacons for a view older than this are refused: a pre-roll and its page do not live longer.
MAX_AGE_S = 24 * 3600


class BadToken(Exception):
    pass


@dataclass(frozen=True)
class AdView:
    view: str  # random id: the unit of idempotency for beacons
    campaign: int
    creative: int
    video: str
    kind: str  # CreativeKind of the creative shown


def new_view_id() -> str:
    return secrets.token_hex(12)


def make_token(view: AdView) -> str:
    payload = {
        "i": view.view,
        "c": view.campaign,
        "k": view.creative,
        "v": view.video,
        "t": view.kind,
    }
    return signing.dumps(payload, salt=SALT, compress=False)


def read_token(token: str) -> AdView:
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE_S)
        return AdView(
            view=str(data["i"]),
            campaign=int(data["c"]),
            creative=int(data["k"]),
            video=str(data["v"]),
            kind=str(data["t"]),
        )
    except signing.SignatureExpired as exc:
        raise BadToken("This ad view has expired.") from exc
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise BadToken("This ad view token is not valid.") from exc
