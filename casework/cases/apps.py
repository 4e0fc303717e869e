from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "casework.cases"
    label = "cases"

    def ready(self) -> None:
        # Holding a case about a person is a legitimate relationship with them (see people/policies.py).
        from casework.cases.policies import CASE_RELATIONSHIP
        from casework.cases.selectors import routing_lines
        from casework.people.policies import register_relationship_source
        from casework.people.selectors import register_routing_source

        register_relationship_source(CASE_RELATIONSHIP)
        register_routing_source(routing_lines)
