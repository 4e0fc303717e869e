from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "casework.assessments"
    label = "assessments"
    verbose_name = "Assessments and needs"
