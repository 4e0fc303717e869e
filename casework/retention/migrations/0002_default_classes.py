"""The default retention schedule every organisation starts from (council practice: Blackpool and Derbyshire,
the Records Management Code of Practice). An organisation changes a class to get its own in its place."""

from django.db import migrations

DEFAULTS = [
    # (covers, name, trigger, period, unit, action)
    ("advice_only", "Information and advice only", "last_contact", 2, "years", "destroy"),
    ("closed_case", "Case records", "closure", 8, "years", "destroy"),
    ("deceased", "Case records of people who have died", "death", 8, "years", "review"),
    ("direct_payment", "Direct payment records", "direct_payment_end", 6, "years", "review"),
]


def seed(apps, schema_editor):
    RecordClass = apps.get_model("retention", "RecordClass")
    for covers, name, trigger, period, unit, action in DEFAULTS:
        RecordClass.objects.get_or_create(
            organisation=None,
            covers=covers,
            defaults={
                "name": name,
                "trigger": trigger,
                "period": period,
                "period_unit": unit,
                "action": action,
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("retention", "RecordClass").objects.filter(organisation=None).delete()


class Migration(migrations.Migration):
    dependencies = [("retention", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
