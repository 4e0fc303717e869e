from django.apps import AppConfig


class SubjectAccessConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "casework.subjectaccess"
    label = "subjectaccess"
    verbose_name = "Subject access"
