"""The assessments panel of the case page: two queries, whatever the number of assessments and needs."""

from django import template

from casework.assessments import selectors
from casework.core.permissions import has_perm

register = template.Library()


@register.inclusion_tag("assessments/_case_assessments.html")
def case_assessments(case, user):
    # A case read for its page says whether it has any assessment or need (cases.views._case_page_also): the
    # list it has none of takes no query.
    assessments = needs = []
    if getattr(case, "has_assessments", True):
        assessments = selectors.assessment_lines_for_case(user=user, case=case)
    if getattr(case, "has_needs", True):
        needs = selectors.need_lines_for_case(user=user, case=case)
    return {
        "case": case,
        "assessments": assessments,
        "needs": needs,
        "can_work": has_perm(user, "assessments.work_assessment", case),
    }
