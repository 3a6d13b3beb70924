"""Create the desk's two roles as groups with their permissions.

The permission lists are frozen here on purpose: a later change of roles is a new migration.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

DESK_MODELS = ["claim", "claimant", "claimtag", "evidence", "source", "tag", "review", "outlet", "affiliation"]

FACT_CHECKER_PERMISSIONS = [f"view_{model}" for model in DESK_MODELS] + [
    "add_claim",
    "change_claim",
    "add_claimant",
    "change_claimant",
    "add_claimtag",
    "delete_claimtag",
    "add_evidence",
    "change_evidence",
    "delete_evidence",
    "add_source",
    "change_source",
    "add_tag",
    "add_outlet",
    "add_review",
]

EDITOR_PERMISSIONS = [
    *FACT_CHECKER_PERMISSIONS,
    "change_review",
    "decide_review",
    "change_outlet",
    "add_affiliation",
    "change_affiliation",
    "change_tag",
]

ROLES = {"Fact-checkers": FACT_CHECKER_PERMISSIONS, "Editors": EDITOR_PERMISSIONS}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations have run; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(content_type__app_label="claims", codename__in=codenames)
        if permissions.count() != len(set(codenames)):
            raise RuntimeError(f"Some permissions for {name} do not exist; check the codenames.")
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
