from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "apps.cms"
    label = "cms"
    verbose_name = "Site content and moderation"

    def ready(self) -> None:
        from apps.cms import uploads
        from apps.videos import services

        # Registered here so videos never imports cms (see apps.videos.services.CREATE_HOOKS).
        services.FIELD_CHECKS.append(uploads.check_category)
        services.CREATE_HOOKS.append(uploads.premoderate)
        services.CREATED_HOOKS.append(uploads.categorise)
