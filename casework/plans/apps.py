from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "casework.plans"
    label = "plans"
    verbose_name = "Support plans, budgets and charging"

    def ready(self) -> None:
        # Support cannot start without an eligibility determination and a signed support plan.
        from casework.plans.charging_gates import register_financial_assessment_gates
        from casework.plans.support_gates import register_support_plan_gates

        register_support_plan_gates()
        # Planning warns when no financial assessment has been started (no surprise bills).
        register_financial_assessment_gates()
