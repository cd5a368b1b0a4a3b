from django.db import migrations

PAGES = [
    (
        "about",
        "About",
        0,
        "Streamsite is an open-source video site: watch, upload and stream live.",
    ),
    ("terms", "Terms of use", 1, "By using this site you agree to these terms."),
    ("privacy", "Privacy", 2, "We keep what the site needs to work and nothing more."),
    (
        "community-guidelines",
        "Community guidelines",
        3,
        "Be kind. No harassment, hate, spam or illegal content. Report what breaks these rules.",
    ),
]


def seed(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    from apps.users.roles import ensure_roles

    Page = apps.get_model("cms", "Page")
    for slug, title, order, body in PAGES:
        Page.objects.get_or_create(
            slug=slug, defaults={"title": title, "order": order, "body": body}
        )
    # Permissions are normally made after all migrations; make them now so the groups get them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    ensure_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    # After the apps whose permissions the roles carry, so the groups get them all.
    dependencies = [
        ("cms", "0001_initial"),
        ("users", "0002_roles"),
        ("broadcasts", "0002_moderator_permissions"),
        ("ads", "0002_ad_managers_role"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
