from django.db import migrations


def create_defaults(apps, schema_editor):
    from firstcontact.retention.defaults import create_default_rules

    create_default_rules(apps.get_model("retention", "RetentionRule"))


class Migration(migrations.Migration):
    dependencies = [("retention", "0001_retention_rules_holds_erasure")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
