"""Reported comments appear in the moderation queue; a decision there hides or keeps the
comment through apps.comments and is logged. Runs once apps.comments has its reports."""

import pytest

from apps.cms.models import ActionKind, ModerationAction
from apps.users.roles import MODERATORS
from apps.users.services import user_grant_staff_role
from tests.factories import UserFactory, VideoFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def comments():
    from apps.comments import services

    return services


def test_reported_comment_is_queued_hidden_and_logged(client, comments):
    video = VideoFactory()
    author = UserFactory()
    comment = comments.comment_post(video=video, by=author, body="Buy cheap pills here")
    for _ in range(2):
        comments.comment_report(comment_id=comment.pk, by=UserFactory(), reason="spam")
    moderator = user_grant_staff_role(user=UserFactory(), role=MODERATORS)
    client.force_login(moderator)
    queue = client.get("/admin/cms/queuedvideo/").content.decode()
    assert "Buy cheap pills here" in queue and f'data-comment="{comment.pk}"' in queue

    response = client.post(f"/admin/cms/queuedvideo/comments/{comment.pk}/", {"decision": "hide"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.state == "hidden"
    log = ModerationAction.objects.get(kind=ActionKind.COMMENT_HIDE)
    assert (log.by, log.comment_id, log.target_user) == (moderator, comment.pk, author)
    assert "Buy cheap pills here" not in client.get("/admin/cms/queuedvideo/").content.decode()


def test_viewers_cannot_decide(client, comments):
    comment = comments.comment_post(video=VideoFactory(), by=UserFactory(), body="fine")
    comments.comment_report(comment_id=comment.pk, by=UserFactory(), reason="spam")
    client.force_login(UserFactory(is_staff=True))
    response = client.post(f"/admin/cms/queuedvideo/comments/{comment.pk}/", {"decision": "hide"})
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.state != "hidden"
