"""Staff roles as groups: each sees and changes only its part of the admin."""

import pytest

from apps.users.roles import AD_MANAGERS, EDITORS, MODERATORS
from apps.users.services import user_grant_staff_role
from tests.factories import UserFactory, VideoFactory

pytestmark = pytest.mark.django_db

EDITOR, MODERATOR, AD_MANAGER = "editor", "moderator", "ad manager"
ROLES = {EDITOR: EDITORS, MODERATOR: MODERATORS, AD_MANAGER: AD_MANAGERS}

# admin page -> the roles that may open it; every other role gets 403.
MATRIX = {
    "/admin/cms/category/": {EDITOR},
    "/admin/cms/category/add/": {EDITOR},
    "/admin/cms/homesection/": {EDITOR},
    "/admin/cms/homesection/add/": {EDITOR},
    "/admin/cms/page/": {EDITOR},
    "/admin/cms/page/add/": {EDITOR},
    "/admin/cms/queuedvideo/": {MODERATOR},
    "/admin/cms/report/": {MODERATOR},
    "/admin/cms/moderationaction/": {MODERATOR},
    "/admin/cms/moderationsettings/": {MODERATOR},
    "/admin/cms/dashboard/": {MODERATOR, AD_MANAGER},
    "/admin/broadcasts/broadcast/": {MODERATOR},
    "/admin/broadcasts/broadcast/add/": {MODERATOR},
    "/admin/broadcasts/videodisclaimer/": {MODERATOR},
    "/admin/ads/advertiser/": {AD_MANAGER},
    "/admin/ads/campaign/": {AD_MANAGER},
    "/admin/ads/campaign/add/": {AD_MANAGER},
    "/admin/ads/creative/": {AD_MANAGER},
    "/admin/users/user/": set(),
    "/admin/auth/group/": set(),
    "/admin/videos/pipelinetask/": set(),
    "/admin/videos/video/add/": set(),
}
# The admin index lists exactly these models per role.
INDEX = {
    EDITOR: {"Categories", "Home sections", "Pages", "Videos"},
    MODERATOR: {
        "Moderation queue",
        "Reports",
        "Moderation actions",
        "Moderation settings",
        "Operations dashboard",
    },  # fmt: skip
    AD_MANAGER: {"Operations dashboard"},
}
KNOWN = set().union(*INDEX.values()) | {"Users", "Groups", "Pipeline tasks", "Tokens"}


@pytest.fixture
def staff():
    users = {}
    for name, group in ROLES.items():
        users[name] = user_grant_staff_role(user=UserFactory(), role=group)
    return users


@pytest.mark.parametrize("url", list(MATRIX))
@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_opens_only_its_pages(client, staff, role, url):
    client.force_login(staff[role])
    status = client.get(url).status_code
    assert status == (200 if role in MATRIX[url] else 403), (role, url, status)


@pytest.mark.parametrize("role", list(ROLES))
def test_the_admin_index_lists_only_the_roles_models(client, staff, role):
    import re

    client.force_login(staff[role])
    html = client.get("/admin/").content.decode()
    listed = set(re.findall(r'<th scope="row"[^>]*>\s*<a href="[^"]+"[^>]*>([^<]+)</a>', html))
    assert listed & KNOWN == INDEX[role]


def test_editors_change_content_and_nothing_else(client, staff):
    client.force_login(staff[EDITOR])
    made = client.post(
        "/admin/cms/category/add/", {"name": "Music", "slug": "music", "order": 0, "colour": ""}
    )
    assert made.status_code == 302
    video = VideoFactory()
    # Editors may look up videos (to pick them for sections) but not change them.
    assert client.get(f"/admin/videos/video/{video.pk}/change/").status_code == 200
    changed = client.post(f"/admin/videos/video/{video.pk}/change/", {"title": "Renamed"})
    assert changed.status_code == 403
    hide = client.post(
        "/admin/cms/queuedvideo/", {"action": "hide", "_selected_action": [video.pk], "reason": "x"}
    )
    assert hide.status_code == 403


def test_moderators_cannot_edit_content(client, staff):
    client.force_login(staff[MODERATOR])
    made = client.post("/admin/cms/category/add/", {"name": "Music", "slug": "music", "order": 0})
    assert made.status_code == 403
