"""The assessment settings pages in the navigation."""

from casework.assessments import selectors
from casework.cases.choices import CaseStage
from casework.cases.workspace import reached_from, section_register, value_register
from casework.core.navigation import nav_register
from casework.core.permissions import has_perm

nav_register(
    "Need definitions",
    "assessments:need_definitions",
    order=130,
    shown=lambda user: has_perm(user, "assessments.manage_need_definitions"),
)
nav_register(
    "Assessment forms",
    "assessments:assessment_forms",
    order=150,
    shown=lambda user: has_perm(user, "assessments.manage_forms"),
)


# The case workspace (cases/workspace.py): the case's assessments and needs.


def _value(name: str):
    def expression(user):
        return getattr(selectors, name)()

    return expression


value_register("has_assessments", _value("case_has_assessments_expression"))
value_register("has_needs", _value("case_has_needs_expression"))
section_register(
    "assessment",
    "Assessment and needs",
    path="assessment",
    order=30,
    template="assessments/case_section.html",
    context=lambda request, case, header: {},
    shown=lambda user, case: has_perm(user, "assessments.view_assessment", case),
    reached=reached_from(CaseStage.ASSESSMENT),
    unlocks="The assessment starts when the case moves on from Contact to Assessment.",
    opens_at=(CaseStage.ASSESSMENT,),
    values=("has_assessments", "has_needs"),
)
