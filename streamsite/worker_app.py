"""Entry module for `dramatiq` worker processes started by `manage.py worker`.

Dramatiq imports this module in every worker process: it boots Django (which configures the
broker in `StreamsiteConfig.ready`) and then imports every app's actors.
"""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "streamsite.settings")
django.setup()

from streamsite.broker import import_actor_modules  # noqa: E402

import_actor_modules()
