from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "casework.reporting"
    label = "reporting"
    verbose_name = "Reports and exports"
