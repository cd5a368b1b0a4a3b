"""Settings of subscriptions and notifications (apps.subscriptions, apps.notifications) and of
outgoing email, under Django's standard names, imported by streamsite.settings."""

from streamsite.env import env_int, env_str

# Outgoing mail: the console by default (printed, not sent); SMTP with EMAIL_HOST & co.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_str("EMAIL_USE_TLS", "0") == "1"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Streamsite <noreply@localhost>")
# Absolute links in emails.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# How often the digest of unread notifications goes to those who chose it (0: never).
NOTIFICATION_DIGEST_INTERVAL_S = env_int("NOTIFICATION_DIGEST_INTERVAL_S", 24 * 3600)
