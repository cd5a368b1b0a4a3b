import factory

from apps.playlists.models import Playlist
from tests.factories import UserFactory


class PlaylistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Playlist

    owner = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Playlist {n}")
    visibility = "public"
