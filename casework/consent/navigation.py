"""What the case workspace reads of consent (cases/workspace.py): the section is referrals' (Consent and
referrals)."""

from casework.cases.workspace import value_register
from casework.consent.selectors import case_has_consents_expression


def _case_has_consents(user):
    return case_has_consents_expression()


value_register("has_consents", _case_has_consents)
