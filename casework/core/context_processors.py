from dataclasses import dataclass

from django.urls import reverse

from casework.accounts.choices import Role
from casework.accounts.selectors import actor_for
from casework.contacts.selectors import unread_message_count
from casework.core.permissions import has_perm


@dataclass(frozen=True)
class ActingOrganisation:
    pk: int
    name: str


def casework(request):
    """The navigation and the acting organisation for the layout."""
    user = getattr(request, "user", None)
    # No navigation before sign-in is finished: signed out, or at the multi-factor step (accounts.views).
    if user is None or not user.is_authenticated or getattr(request, "casework_mfa_pending", False):
        return {"casework_nav": [], "acting_organisation": None}
    actor = actor_for(user)
    items = [("Home", reverse("core:home"))]
    if has_perm(user, "people.search_index"):
        items.append(("Find a person", reverse("people:person_search")))
    if has_perm(user, "people.create_person"):
        items.append(("Add a person", reverse("people:person_create")))
    if actor.organisations_with_role(Role.PRACTITIONER, Role.TEAM_MANAGER, Role.CASE_MANAGER):
        items.append(("My cases", reverse("cases:my_cases")))
    if actor.organisations_with_role(Role.PRACTITIONER, Role.TEAM_MANAGER):
        items.append(("Team worklist", reverse("cases:worklist")))
    if actor.organisations_with_role(Role.TEAM_MANAGER, Role.DUTY_OFFICER, Role.PRACTITIONER):
        items.append(("Waiting list", reverse("waiting_list:waiting_list")))
    items.append(("Find a service", reverse("directory:service_search")))
    if has_perm(user, "tasks.view_my_tasks"):
        items.append(("Tasks", reverse("tasks:my_tasks")))
    if actor.safeguarding_team_ids:
        items.append(("Safeguarding", reverse("safeguarding:concern_list")))
    if has_perm(user, "referrals.view_worklist"):
        items.append(("Referrals", reverse("referrals:worklist")))
    if has_perm(user, "contacts.use_duty_desk"):
        items.append(("Duty desk", reverse("contacts:duty_desk")))
    if actor.lead_of_initiative_ids or actor.casework_organisation_ids or actor.auditing_organisation_ids:
        items.append(("Case index", reverse("cases:case_index")))
    if has_perm(user, "cases.manage_allocation_rules"):
        items.append(("Allocation rules", reverse("allocation:rules")))
    if has_perm(user, "assessments.manage_need_definitions"):
        items.append(("Need definitions", reverse("assessments:need_definitions")))
    if has_perm(user, "cases.manage_outcomes"):
        items.append(("Closing outcomes", reverse("cases:case_outcomes")))
    if has_perm(user, "assessments.manage_forms"):
        items.append(("Assessment forms", reverse("assessments:assessment_forms")))
    if has_perm(user, "waiting_list.manage_timescales"):
        items.append(("Timescales", reverse("waiting_list:timescales")))
    if has_perm(user, "letters.manage_templates"):
        items.append(("Letters", reverse("letters:templates")))
    if actor.organisations_with_role(Role.ORG_ADMIN):
        items.append(("Failed jobs", reverse("core:job_failures")))
    if actor.auditing_organisation_ids:
        items.append(("Break-glass review", reverse("audit:break_glass_review_list")))
    if actor.casework_organisation_ids:
        unread = unread_message_count(user=user)
        items.append((f"Messages ({unread} unread)" if unread else "Messages", reverse("contacts:inbox")))
    # The current item is the one whose URL is the longest prefix of the path.
    path = request.path
    matches = [url for _label, url in items if path == url or (url != "/" and path.startswith(url))]
    current = max(matches, key=len) if matches else None
    nav = [{"label": label, "url": url, "active": url == current} for label, url in items]
    organisation = None
    if actor.primary_organisation_id:
        # Its name came with the user's memberships: the layout needs nothing else of it.
        organisation = ActingOrganisation(
            actor.primary_organisation_id, actor.organisation_names[actor.primary_organisation_id]
        )
    return {"casework_nav": nav, "acting_organisation": organisation}
