import factory
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from apps.users.models import User
from apps.users.roles import CREATORS, MODERATORS, ensure_roles

PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CreatorFactory(UserFactory):
    @factory.post_generation
    def roles(obj, create, extracted, **kwargs):
        if create:
            obj.groups.add(Group.objects.get_or_create(name=CREATORS)[0])


class ModeratorFactory(UserFactory):
    @factory.post_generation
    def roles(obj, create, extracted, **kwargs):
        if create:
            # A transactional test's flush empties the groups the roles migration filled.
            ensure_roles(Group, Permission)
            obj.groups.add(Group.objects.get(name=MODERATORS))


class VideoFactory(factory.django.DjangoModelFactory):
    """A video row; pipeline outputs are not made (tests that need media use the pipeline)."""

    class Meta:
        model = "videos.Video"

    owner = factory.SubFactory(CreatorFactory)
    title = factory.Sequence(lambda n: f"Video number {n}")
    description = "A test video."
    visibility = "public"
    status = "ready"
    progress = 100
    duration = 12.0
    width = 640
    height = 360
    published_at = factory.LazyFunction(timezone.now)


def stored_upload(path, **fields):
    """A video whose upload is stored but not yet queued, so a test can open sockets or pages
    before processing starts (send `process_video` itself)."""
    from django.core.files import File
    from django.core.files.storage import default_storage

    video = VideoFactory(status="uploaded", progress=0, published_at=None, **fields)
    with open(path, "rb") as fh:
        video.source = default_storage.save(f"{video.storage_prefix}source/original", File(fh))
    video.save()
    return video
