from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "casework.risk"
    label = "risk"
    verbose_name = "Identify: source data, record matching and the risk model"
