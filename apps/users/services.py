"""Writes for accounts and roles."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied
from django.db import transaction
from rest_framework.authtoken.models import Token

from apps.users.models import User
from apps.users.roles import CREATORS, MODERATORS, STAFF_ROLES, ensure_roles


def roles_ensure() -> None:
    ensure_roles(Group, Permission)


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    email: str = "",
    display_name: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
    is_active: bool = True,
) -> User:
    user = User(
        username=username,
        email=email,
        display_name=display_name,
        is_staff=is_staff or is_superuser,
        is_superuser=is_superuser,
        is_active=is_active,
    )
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


def user_signup(*, username: str, password: str, email: str = "") -> User:
    """Self-service sign-up as SIGNUP_MODE allows: `open` makes an active account, `approval`
    an inactive one that staff activate (the admin's "Approve" action), `closed` none."""
    if settings.SIGNUP_MODE == "closed":
        raise PermissionDenied("Sign-up is closed on this site.")
    return user_create(
        username=username,
        email=email,
        password=password,
        is_active=settings.SIGNUP_MODE == "open",
    )


def users_approve(*, users: list[User], by: User) -> int:
    if not by.is_staff:
        raise PermissionDenied("Only staff may approve accounts.")
    return User.objects.filter(pk__in=[u.pk for u in users], is_active=False).update(is_active=True)


def _join(user: User, group_name: str) -> User:
    roles_ensure()
    user.groups.add(Group.objects.get(name=group_name))
    # Permission checks cache per instance; drop the cache so the new role counts at once.
    for attr in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(attr, None)
    return user


def user_start_channel(*, user: User) -> User:
    """Self-serve: any signed-in viewer may become a creator."""
    return _join(user, CREATORS)


def user_make_moderator(*, user: User) -> User:
    return _join(user, MODERATORS)


def user_grant_staff_role(*, user: User, role: str) -> User:
    """Editors, Moderators, Ad managers work in the admin: staff, limited by their group."""
    if role not in STAFF_ROLES:
        raise ValueError(f"{role!r} is not a staff role")
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return _join(user, role)


def token_get_or_create(*, user: User) -> str:
    token, _ = Token.objects.get_or_create(user=user)
    return token.key
