from django.apps import AppConfig


class ReactionsConfig(AppConfig):
    name = "apps.reactions"
    label = "reactions"

    def ready(self) -> None:
        from apps.reactions import selectors, sockets
        from apps.videos import counts
        from apps.videos.delivery import socket

        counts.register(
            names=("likes_count", "dislikes_count"), annotate=selectors.annotate_vote_counts
        )
        socket.register(sockets.plugin)
