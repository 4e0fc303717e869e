from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "casework.core"
    label = "core"

    def ready(self) -> None:
        # Every app's policies.py registers its permission predicates; load them all so has_perm knows them.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("policies")
