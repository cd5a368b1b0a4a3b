"""Idempotent demo data: the four demo accounts, their roles and a few sample videos."""

from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from apps.users import services
from apps.users.models import User
from apps.users.roles import MODERATORS

DEMO_USERS = [
    # username, superuser, roles
    ("admin", True, []),
    ("moderator", False, ["moderator"]),
    ("creator", False, ["creator"]),
    ("viewer", False, []),
]


class Command(BaseCommand):
    help = "Create the demo accounts (password $DEMO_PASSWORD) and sample content; idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--no-media", action="store_true", help="Skip the sample videos.")

    def handle(self, *args, no_media: bool = False, **options):
        password = settings.DEMO_PASSWORD
        if not settings.DEBUG and not settings.DEMO_PASSWORD_SET:
            # A production site must never hold accounts whose password the README publishes.
            raise CommandError(
                "DEBUG is off: seed_demo makes no account with the well-known demo password. "
                "Set DEMO_PASSWORD to a password of your own to seed demo accounts anyway."
            )
        with transaction.atomic():
            services.roles_ensure()
            for username, superuser, roles in DEMO_USERS:
                user = User.objects.filter(username=username).first()
                if user is None:
                    user = User(username=username, email=f"{username}@example.com")
                user.is_superuser = superuser
                user.is_staff = superuser
                user.set_password(password)
                user.save()
                if "creator" in roles:
                    services.user_start_channel(user=user)
                if "moderator" in roles:
                    # Staff too: moderators work in the admin (its queue and dashboard).
                    services.user_grant_staff_role(user=user, role=MODERATORS)
                self.stdout.write(f"user {username} ready")
        if not no_media:
            # Each app may contribute demo content (videos, ads...) through its own `demo` module.
            for app in settings.INSTALLED_APPS:
                if app.startswith("apps.") and find_spec(f"{app}.demo") is not None:
                    import_module(f"{app}.demo").seed(stdout=self.stdout)
