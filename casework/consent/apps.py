from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "casework.consent"
    label = "consent"
    verbose_name = "Consent and lawful bases for sharing"
