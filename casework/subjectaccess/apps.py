from django.apps import AppConfig


class SubjectAccessConfig(AppConfig):
    name = "casework.subjectaccess"
    label = "subjectaccess"
    verbose_name = "Subject access"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from casework.subjectaccess import policies  # noqa: F401  (registers the permissions)
