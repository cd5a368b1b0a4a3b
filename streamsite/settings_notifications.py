"""Settings of subscriptions and notifications (apps.subscriptions, apps.notifications),
imported by streamsite.settings. Outgoing mail uses Django's EMAIL_* settings
(streamsite/settings_sharing.py)."""

from streamsite.env import env_int, env_str

# Absolute links in emails sent outside a request (the digest).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# How often the digest of unread notifications goes to those who chose it (0: never).
NOTIFICATION_DIGEST_INTERVAL_S = env_int("NOTIFICATION_DIGEST_INTERVAL_S", 24 * 3600)
