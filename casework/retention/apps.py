from django.apps import AppConfig


class RetentionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "casework.retention"
    label = "retention"
    verbose_name = "Retention"
