"""People and household pages. Thin: each reads through selectors and writes through services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from casework.accounts.models import User
from casework.accounts.selectors import actor_for
from casework.cases.selectors import cases_for_person
from casework.contacts.selectors import PERSON_PAGE_CONTACTS, contacts_for_person
from casework.core import limits
from casework.core.errors import DomainError, PermissionRefused
from casework.core.forms import apply_service_error
from casework.core.pages import run_action_service, run_form_service
from casework.core.permissions import has_perm, require_perm
from casework.people import selectors, services
from casework.people.errors import PossibleDuplicates
from casework.people.forms import (
    BreakGlassForm,
    HouseholdEditForm,
    HouseholdForm,
    HouseholdMoveForm,
    NamedUserForm,
    PersonEditForm,
    PersonForm,
    PersonSearchForm,
    RelationshipForm,
    RestrictionForm,
    ReviewForm,
)
from casework.people.models import PersonRelationship
from casework.risk.cohort_selectors import person_index_rows_for_user


def _refuse(error: PermissionRefused):
    raise PermissionDenied(error.message)


def person_search(request):
    try:
        require_perm(request.user, "people.search_index")
    except PermissionRefused as error:
        _refuse(error)
    form = PersonSearchForm(request.GET or None)
    found = []
    if request.GET and form.is_valid():
        run_form_service(
            request, form, lambda d: found.append(selectors.person_index_search(user=request.user, **d)), None
        )
    return render(request, "people/person_search.html", {"form": form, "cards": found[0] if found else None})


def person_index_card(request, person_id: int):
    try:
        card = selectors.person_index_card_get(user=request.user, person_id=person_id)
    except PermissionRefused as error:
        _refuse(error)
    return render(request, "people/person_index_card.html", {"card": card})


def person_create(request):
    if not has_perm(request.user, "people.create_person"):
        raise PermissionDenied("Only people doing casework can add people.")
    form = PersonForm(request.POST or None)
    candidates = None
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(
                user=request.user,
                data=form.cleaned_data,
                confirmed_new=request.POST.get("confirmed_new") == "yes",
            )
        except PossibleDuplicates as error:
            candidates = error.candidates
        except DomainError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, f"{person.full_name} has been added.")
            return redirect(person)
    return render(request, "people/person_create.html", {"form": form, "candidates": candidates})


def person_detail(request, person_id: int):
    person = selectors.person_get_for_user(user=request.user, person_id=person_id)
    user = request.user
    context = {
        "person": person,
        "memberships": selectors.household_memberships_for_person(person=person),
        "relationships": selectors.relationships_for_person(user=user, person=person),
        "can_change": has_perm(user, "people.change_person", person),
        "can_manage_restriction": has_perm(user, "people.manage_restriction_person", person),
        "can_view_audit": has_perm(user, "people.view_audit_person", person),
        "named_users": selectors.restricted_access_list(person=person) if person.is_restricted else None,
        "cases": cases_for_person(user=user, person_id=person.pk),
        "can_raise_case": has_perm(user, "cases.raise_case"),
        "can_add_task": has_perm(user, "tasks.add_task_person", person),
        "can_raise_concern": has_perm(user, "safeguarding.raise_concern"),
        "can_record_contact": has_perm(user, "contacts.record_contact_person", person),
    }
    # Which risk categories the person is in and why, as far as the user may see it (risk decides; audited).
    context["risk_index_rows"] = person_index_rows_for_user(user=user, person=person, cases=context["cases"])
    # The newest contacts, and whether there are more (one row more is read, not counted).
    newest = list(contacts_for_person(user=user, person_id=person.pk)[: PERSON_PAGE_CONTACTS + 1])
    context.update(
        person_contacts=newest[:PERSON_PAGE_CONTACTS], more_contacts=len(newest) > PERSON_PAGE_CONTACTS
    )
    return render(request, "people/person_detail.html", context)


def person_edit(request, person_id: int):
    try:
        person = selectors.person_get_for_change(user=request.user, person_id=person_id)
    except PermissionRefused as error:
        _refuse(error)
    initial = {"version": person.version}
    form = PersonEditForm(
        request.POST or None, instance=person if not request.POST else None, initial=initial
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda d: services.person_update(
                user=request.user,
                person=person,
                version=d["version"],
                data={k: v for k, v in d.items() if k not in ("version", "reason")},
                reason=d.get("reason", ""),
            ),
            "The record has been updated.",
        )
    ):
        return redirect(person)
    return render(request, "people/person_edit.html", {"person": person, "form": form})


def person_break_glass(request, person_id: int):
    try:
        card, person = selectors.person_index_card_get_with_subject(user=request.user, person_id=person_id)
    except PermissionRefused as error:
        _refuse(error)
    if not has_perm(request.user, "people.break_glass_person", person):
        if card.can_open:
            return redirect(person)
        raise PermissionDenied("Break-glass access is not available for this record.")
    form = BreakGlassForm(request.POST or None)
    granted = []
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda d: granted.append(
                services.break_glass_open(user=request.user, person=person, reason=d["reason"])
            ),
            lambda: (
                f"You have access to this record until {granted[0].expires_at:%H:%M}. "
                "Your access is flagged for review."
            ),
        )
    ):
        return redirect(person)
    return render(request, "people/person_break_glass.html", {"card": card, "form": form})


def person_restriction(request, person_id: int):
    person = selectors.person_get_for_restriction(user=request.user, person_id=person_id)
    form = RestrictionForm(
        request.POST if request.POST.get("action") == "restriction" else None,
        initial={"restricted": "yes" if person.is_restricted else "no"},
    )
    named_form = NamedUserForm(
        request.POST if request.POST.get("action") == "name" else None,
        users=selectors.user_list_nameable_for_person(person=person),
    )
    action = request.POST.get("action") if request.method == "POST" else None
    if (
        action == "restriction"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda d: services.person_set_restricted(
                user=request.user, person=person, restricted=d["restricted"], reason=d["reason"]
            ),
            "The restriction has been updated.",
        )
    ):
        return redirect("people:person_restriction", person_id=person.pk)
    if (
        action == "name"
        and named_form.is_valid()
        and run_form_service(
            request,
            named_form,
            lambda d: services.restricted_access_grant(user=request.user, person=person, grantee=d["user"]),
            "The user has been named on this record.",
        )
    ):
        return redirect("people:person_restriction", person_id=person.pk)
    if action == "unname":
        grantee = User.objects.filter(pk=limits.id_from(request.POST.get("user"))).first()
        if grantee is not None:
            try:  # revoking refuses only a user who may not manage the restriction: a 403, as for the page
                services.restricted_access_revoke(user=request.user, person=person, grantee=grantee)
            except PermissionRefused as error:
                _refuse(error)
            messages.success(request, "The user is no longer named on this record.")
        return redirect("people:person_restriction", person_id=person.pk)
    return render(
        request,
        "people/person_restriction.html",
        {
            "person": person,
            "form": form,
            "named_form": named_form,
            "named_users": selectors.restricted_access_list(person=person),
        },
    )


def person_audit(request, person_id: int):
    person = selectors.person_get_for_user(user=request.user, person_id=person_id, purpose="audit_viewed")
    try:
        changes, views = selectors.person_audit_trail(user=request.user, person=person)
    except PermissionRefused as error:
        _refuse(error)
    return render(request, "people/person_audit.html", {"person": person, "changes": changes, "views": views})


def person_move_household(request, person_id: int):
    try:
        person = selectors.person_get_for_change(user=request.user, person_id=person_id)
    except PermissionRefused as error:
        _refuse(error)
    households = []
    if person.postcode:
        households = list(
            selectors.household_list_visible(user=request.user)
            .filter(postcode=person.postcode)
            .order_by("name")[:20]
        )
    form = HouseholdMoveForm(request.POST or None, households=households)
    moved_to = []

    def move(data: dict) -> None:
        if data["household"] == "new":
            household = services.household_create(
                user=request.user,
                data={
                    "name": services.household_name_for(person),
                    "address_line_1": person.address_line_1,
                    "address_line_2": person.address_line_2,
                    "town": person.town,
                    "postcode": person.postcode,
                    "uprn": person.uprn,
                },
            )
        else:
            household = next(h for h in households if str(h.pk) == data["household"])
        services.household_move_person(
            user=request.user,
            person=person,
            household=household,
            role=data["role"],
            start_date=data["start_date"],
        )
        moved_to.append(household)

    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(request, form, move, lambda: f"{person.full_name} now lives in {moved_to[0]}.")
    ):
        return redirect(person)
    return render(request, "people/person_move_household.html", {"person": person, "form": form})


def person_relationship_add(request, person_id: int):
    try:
        person = selectors.person_get_for_change(user=request.user, person_id=person_id)
    except PermissionRefused as error:
        _refuse(error)
    form = RelationshipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # The related person need only be on the index: the relationship does not open their record.
        related = selectors.person_related_get(
            person=person, related_person_id=form.cleaned_data["related_person"]
        )
        if related is None:
            form.add_error("related_person", "There is no person with that Casework ID")
        elif run_form_service(
            request,
            form,
            lambda d: services.relationship_create(
                user=request.user,
                person=person,
                related_person=related,
                kind=d["kind"],
                description=d["description"],
            ),
            "The relationship has been added.",
        ):
            return redirect(person)
    return render(request, "people/person_relationship_add.html", {"person": person, "form": form})


@require_POST
def relationship_end(request, person_id: int, relationship_id: int):
    try:
        person = selectors.person_get_for_change(user=request.user, person_id=person_id)
    except PermissionRefused as error:
        _refuse(error)
    relationship = PersonRelationship.objects.filter(pk=relationship_id, person=person).first()
    if relationship is None:
        raise Http404("No relationship found")
    run_action_service(
        request,
        lambda: services.relationship_end(user=request.user, relationship=relationship),
        "The relationship has been ended.",
    )
    return redirect(person)


def household_create(request):
    if not has_perm(request.user, "people.create_person"):
        raise PermissionDenied("Only people doing casework can add households.")
    form = HouseholdForm(request.POST or None)
    made = []
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda d: made.append(services.household_create(user=request.user, data=d)),
            "The household has been added.",
        )
    ):
        return redirect(made[0])
    return render(request, "people/household_create.html", {"form": form})


def household_detail(request, household_id: int):
    household = selectors.household_get_for_user(user=request.user, household_id=household_id)
    return render(
        request,
        "people/household_detail.html",
        {
            "household": household,
            "members": selectors.household_members(user=request.user, household=household),
            "former_members": selectors.household_members(
                user=request.user, household=household, current=False
            ),
            "can_change": has_perm(request.user, "people.change_household", household),
            "can_raise_case": has_perm(request.user, "cases.raise_case"),
        },
    )


def household_edit(request, household_id: int):
    household = selectors.household_get_for_user(user=request.user, household_id=household_id)
    if not has_perm(request.user, "people.change_household", household):
        raise PermissionDenied("You can read this household but not change it.")
    form = HouseholdEditForm(
        request.POST or None,
        instance=household if not request.POST else None,
        initial={"version": household.version},
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda d: services.household_update(
                user=request.user,
                household=household,
                version=d["version"],
                data={k: v for k, v in d.items() if k != "version"},
            ),
            "The household has been updated.",
        )
    ):
        return redirect(household)
    return render(request, "people/household_edit.html", {"household": household, "form": form})


# Break-glass review: an auditor checks each use of break-glass on their organisation's people (ADR 3).


def break_glass_review_list(request):
    if not actor_for(request.user).auditing_organisation_ids:
        raise PermissionDenied("Only auditors can review break-glass access.")
    show_all = request.GET.get("show") == "all"
    grants = selectors.break_glass_list_for_review(user=request.user, include_reviewed=show_all)
    page = Paginator(grants, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "people/break_glass_review_list.html",
        {"page": page, "show_all": show_all, "form": ReviewForm()},
    )


def break_glass_review(request, grant_id: int):
    grant = (
        selectors.break_glass_list_for_review(user=request.user, include_reviewed=True)
        .filter(pk=grant_id)
        .first()
    )
    if grant is None:
        raise Http404("No break-glass access found")
    form = ReviewForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda d: services.break_glass_review(user=request.user, grant=grant, note=d["note"]),
            "The review has been recorded.",
        )
    ):
        return redirect("people:break_glass_review_list")
    return render(request, "people/break_glass_review.html", {"grant": grant, "form": form})
