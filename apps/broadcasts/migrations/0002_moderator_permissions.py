from django.db import migrations


def attach_permissions(apps, schema_editor):
    """The Moderators group gets the broadcast permissions now that the model exists (the
    users app's role migration ran before it and attached only what existed then)."""
    from django.contrib.auth.management import create_permissions

    from apps.users.roles import ensure_roles

    config = apps.get_app_config("broadcasts")
    config.models_module = True
    create_permissions(config, verbosity=0)
    config.models_module = None
    ensure_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [
        ("broadcasts", "0001_initial"),
        ("users", "0002_roles"),
    ]

    operations = [migrations.RunPython(attach_permissions, migrations.RunPython.noop)]
