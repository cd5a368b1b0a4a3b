from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "apps.comments"
    label = "comments"

    def ready(self) -> None:
        from apps.comments import selectors, sockets
        from apps.videos import counts
        from apps.videos.delivery import socket

        counts.register(names=("comments_count",), annotate=selectors.annotate_comment_count)
        socket.register(sockets.plugin)
