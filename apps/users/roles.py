"""Roles are groups carrying permissions; code asks for permissions, not group names."""

from __future__ import annotations

CREATORS = "Creators"
MODERATORS = "Moderators"
AD_MANAGERS = "Ad managers"

# Permissions each role's group carries, as "app_label.codename". Apps that define a
# permission add it here, so one migration or `roles_ensure()` can attach it.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    CREATORS: ["videos.add_video", "live.add_livestream"],
    MODERATORS: [
        "broadcasts.add_broadcast",
        "broadcasts.change_broadcast",
        "broadcasts.delete_broadcast",
        "broadcasts.view_broadcast",
    ],
    # Staff who run advertising in the admin (they also need is_staff to sign in there).
    AD_MANAGERS: [
        f"ads.{action}_{model}"
        for model in ("advertiser", "campaign", "creative")
        for action in ("add", "change", "delete", "view")
    ]
    + ["ads.view_adfreesubscription"],
}


def ensure_roles(group_model, permission_model) -> None:
    """Create the role groups and attach every permission that exists so far (idempotent).

    Takes the models as arguments so data migrations can pass their historical versions.
    """
    for name, perms in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=name)
        for dotted in perms:
            app_label, codename = dotted.split(".", 1)
            perm = permission_model.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if perm is not None:
                group.permissions.add(perm)
