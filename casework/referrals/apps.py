from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "casework.referrals"
    label = "referrals"
    verbose_name = "Referrals to delivery organisations"
