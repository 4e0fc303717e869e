"""The assessments panel of the case page: two queries, whatever the number of assessments and needs."""

from django import template

from casework.assessments import selectors
from casework.core.permissions import has_perm

register = template.Library()


@register.inclusion_tag("assessments/_case_assessments.html")
def case_assessments(case, user):
    return {"case": case, "assessments": selectors.assessment_lines_for_case(user=user, case=case),
            "needs": selectors.need_lines_for_case(user=user, case=case),
            "can_work": has_perm(user, "assessments.work_assessment", case)}
