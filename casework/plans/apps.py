from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "casework.plans"
    label = "plans"
    verbose_name = "Support plans, budgets and charging"

    def ready(self) -> None:
        # Support cannot start without an eligibility determination and a signed support plan.
        from casework.plans.support_gates import register_support_plan_gates

        register_support_plan_gates()
