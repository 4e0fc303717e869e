from django.apps import AppConfig


class CareActConfig(AppConfig):
    name = "casework.careact"
    label = "careact"
    verbose_name = "Care Act steps"

    def ready(self) -> None:
        # The Care Act steps decide whether a case may start an assessment or long-term support.
        from casework.careact.gates import register_care_act_gates

        register_care_act_gates()
