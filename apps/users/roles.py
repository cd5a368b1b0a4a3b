"""Roles are groups carrying permissions; code asks for permissions, not group names."""

from __future__ import annotations

CREATORS = "Creators"
MODERATORS = "Moderators"
EDITORS = "Editors"
AD_MANAGERS = "Ad managers"
# Staff roles work in the admin: their members need is_staff, and see only what these allow.
STAFF_ROLES = (EDITORS, MODERATORS, AD_MANAGERS)


def _crud(app_label: str, *models: str) -> list[str]:
    return [f"{app_label}.{op}_{m}" for m in models for op in ("add", "change", "delete", "view")]


# Permissions each role's group carries, as "app_label.codename". Apps that define a
# permission add it here, so one migration or `roles_ensure()` can attach it.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    CREATORS: ["videos.add_video", "live.add_livestream"],
    MODERATORS: [
        *_crud("broadcasts", "broadcast", "videodisclaimer"),
        "broadcasts.view_broadcastlogentry",
        "cms.view_queuedvideo",
        "cms.change_queuedvideo",
        "cms.delete_queuedvideo",
        "cms.view_report",
        "cms.view_moderationaction",
        "cms.view_moderationsettings",
        "cms.change_moderationsettings",
        "cms.view_dashboard",
        # Comments reported by viewers (apps.comments), once that app defines them.
        "comments.view_comment",
        "comments.change_comment",
        "comments.delete_comment",
    ],
    EDITORS: [
        *_crud("cms", "category", "homesection", "sectionitem", "page"),
        # To pick videos for sections (the admin's video search).
        "videos.view_video",
    ],
    # Staff who run advertising in the admin (they also need is_staff to sign in there).
    AD_MANAGERS: [
        *_crud("ads", "advertiser", "campaign", "creative"),
        "ads.view_adfreesubscription",
        "cms.view_dashboard",
    ],
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
