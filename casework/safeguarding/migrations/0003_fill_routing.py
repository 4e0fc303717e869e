"""Concerns raised before routing was recorded all went to the safeguarding team of the organisation they were
recorded against (the case's holder, else the raiser's): that organisation raised and received them."""

from django.db import migrations


def fill(apps, schema_editor):
    SafeguardingConcern = apps.get_model("safeguarding", "SafeguardingConcern")
    for concern in SafeguardingConcern.objects.filter(routing="").select_related("routed_to_team").iterator():
        concern.raised_by_organisation_id = concern.organisation_id
        concern.routed_to_organisation_id = concern.routed_to_team.organisation_id
        concern.routing = "own_team"
        concern.save(update_fields=["raised_by_organisation", "routed_to_organisation", "routing"])


class Migration(migrations.Migration):
    dependencies = [
        ("safeguarding", "0002_routing"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
