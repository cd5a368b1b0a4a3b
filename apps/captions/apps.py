from django.apps import AppConfig


class CaptionsConfig(AppConfig):
    name = "apps.captions"
    label = "captions"
    verbose_name = "Captions"

    def ready(self) -> None:
        from apps.captions import selectors, services
        from apps.videos import services as video_services
        from apps.videos.delivery import texttracks

        texttracks.register(selectors.text_tracks, prefetch="captions")
        if services.captions_on_upload not in video_services.CREATED_HOOKS:
            video_services.CREATED_HOOKS.append(services.captions_on_upload)
