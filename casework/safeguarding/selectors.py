from django.db.models import Exists, OuterRef, Q, QuerySet

from casework.accounts.choices import Role
from casework.accounts.selectors import actor_for
from casework.safeguarding.models import SafeguardingConcern
from casework.safeguarding.policies import safeguarding_team_ids


def concern_list_visible(*, user) -> QuerySet[SafeguardingConcern]:
    """Twin of policies.can_view_concern."""
    actor = actor_for(user)
    managing = actor.organisations_with_role(Role.TEAM_MANAGER, Role.CASE_MANAGER)
    q = Q(routed_to_team_id__in=safeguarding_team_ids(user)) | Q(organisation_id__in=managing) | Q(
        case__primary_worker_id=user.pk)
    return SafeguardingConcern.objects.filter(q)


def concerns_for_case(*, user, case) -> list[SafeguardingConcern]:
    return list(concern_list_visible(user=user).filter(case=case).select_related("routed_to_team"))


def case_has_concern(*, case) -> bool:
    """Whether the case is flagged: everyone who can open the case sees the flag, not the detail."""
    return SafeguardingConcern.objects.filter(case=case).exists()


def case_has_concern_expression() -> Exists:
    """case_has_concern as an expression on a case row, read with the case (`also` of case_get_for_page)."""
    return Exists(SafeguardingConcern.objects.filter(case_id=OuterRef("pk")))
