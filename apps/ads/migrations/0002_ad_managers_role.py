from django.db import migrations


def create_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    from apps.users.roles import ensure_roles

    # Permissions are normally created after all migrations; make them now so the
    # "Ad managers" group gets the ads permissions on a fresh database too.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    ensure_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [("ads", "0001_initial"), ("users", "0002_roles")]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
