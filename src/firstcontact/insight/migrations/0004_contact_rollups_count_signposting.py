"""Signposted contacts now count as resolved at first contact (contacts.models.FCR_OUTCOMES),
so the contact rollups built before hold the old 'resolved' counts: forget which days are
built, so pages read the contacts themselves until `refresh_insight_rollups` (nightly, or
with --all at once) rebuilds them."""

from django.db import migrations


def forget_contact_rollups(apps, schema_editor):
    RollupState = apps.get_model("insight", "RollupState")
    RollupState.objects.filter(name="contacts").update(built_from=None, built_through=None)


class Migration(migrations.Migration):
    dependencies = [("insight", "0003_service_agreements")]

    operations = [migrations.RunPython(forget_contact_rollups, migrations.RunPython.noop)]
