"""Where a concern went, as columns: the organisation that raised it, the routing, the organisation that
received it (a team is no longer required: with none anywhere the concern still stands). Added nullable
here, filled in 0003 and made required in 0004, each in its own transaction (PostgreSQL refuses to alter a
table with the fill's foreign-key checks still pending)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("referrals", "0001_initial"),
        ("safeguarding", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="safeguardingconcern",
            name="raised_by_organisation",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.organisation",
            ),
        ),
        migrations.AddField(
            model_name="safeguardingconcern",
            name="routed_to_organisation",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.organisation",
            ),
        ),
        migrations.AddField(
            model_name="safeguardingconcern",
            name="routing",
            field=models.CharField(blank=True, max_length=12),
        ),
        migrations.AddField(
            model_name="safeguardingconcern",
            name="referral",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="referrals.referral",
            ),
        ),
        migrations.AlterField(
            model_name="safeguardingconcern",
            name="routed_to_team",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.team",
            ),
        ),
    ]
