from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """Every account is a viewer; roles (creator, moderator) are groups, staff is Django's flag."""

    display_name = models.CharField(max_length=80, blank=True)
    bio = models.TextField(blank=True, max_length=2000)
    # Account-level flags that later rooms read (ads skip ad-free accounts).
    ad_free = models.BooleanField(default=False, help_text="Sees no ads.")

    class Meta:
        ordering = ["username"]

    @property
    def channel_name(self) -> str:
        return self.display_name or self.username
