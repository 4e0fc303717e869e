from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "casework.core"
    label = "core"

    def ready(self) -> None:
        # Before any urls.py is read: every page URL names its ids as <id:...> (core/converters.py).
        from django.urls import register_converter

        from casework.core.converters import IdConverter

        register_converter(IdConverter, "id")

        # Every app's policies.py registers its permission predicates; load them all so has_perm knows them.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("policies")
        # And its navigation.py what it adds to the navigation and the home page (core/navigation.py).
        autodiscover_modules("navigation")
