"""The four staff roles (console/roles.py), created with the permissions they need."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def roles_create(apps, schema_editor):
    from console.roles import roles_apply

    # On a fresh database the permissions are only created after all migrations: make them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    roles_apply(
        group_model=apps.get_model("auth", "Group"),
        permission_model=apps.get_model("auth", "Permission"),
        content_type_model=apps.get_model("contenttypes", "ContentType"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("console", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("partners", "0003_rate_limit_factor"),
        ("customers", "0001_initial"),
        ("ocpi_core", "0001_initial"),
        ("ocpi_locations", "0001_initial"),
        ("ocpi_sessions", "0002_customer_links"),
        ("ocpi_cdrs", "0003_conflict_review"),
        ("ocpi_tariffs", "0001_initial"),
        ("ocpi_tokens", "0003_token_push"),
        ("ocpi_commands", "0002_one_start_per_session"),
        ("sync", "0001_initial"),
        ("billing", "0002_cdrretail"),
    ]

    operations = [migrations.RunPython(roles_create, migrations.RunPython.noop)]
