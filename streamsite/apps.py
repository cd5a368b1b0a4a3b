from django.apps import AppConfig


class StreamsiteConfig(AppConfig):
    name = "streamsite"
    verbose_name = "Streamsite"

    def ready(self) -> None:
        # Listed before every app, so the broker exists before any actor module is imported.
        from streamsite.broker import setup_broker

        setup_broker()
