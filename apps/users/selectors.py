from __future__ import annotations

from apps.users.models import User
from apps.users.roles import CREATORS, MODERATORS


def user_is_creator(user: User) -> bool:
    return bool(
        user.is_authenticated and (user.is_superuser or user.groups.filter(name=CREATORS).exists())
    )


def user_is_moderator(user: User) -> bool:
    return bool(
        user.is_authenticated
        and (user.is_superuser or user.groups.filter(name=MODERATORS).exists())
    )
