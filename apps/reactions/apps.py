from django.apps import AppConfig


class ReactionsConfig(AppConfig):
    name = "apps.reactions"
    label = "reactions"
