"""Referral pages: the delivery organisation's worklist, making a referral from a case, one referral (as each
side may see it) and the delivery organisation's actions on it.

Thin: reads through selectors and sharing.referral_shared, writes through services. A refusal is shown on the
form (GOV.UK error summary) and changes nothing; a refused permission is a 403; a referral the user may not
open is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from casework.cases.policies import holding_organisation_id
from casework.cases.selectors import case_get_for_user
from casework.consent.selectors import consent_list_for_case, consent_state
from casework.core import clock
from casework.core.pages import require_page_perm, run_action_service, run_form_service
from casework.core.permissions import has_perm
from casework.core.querysets import Pager
from casework.core.templatetags.govuk import govuk_date
from casework.directory.models import Service
from casework.referrals import selectors, services
from casework.referrals.choices import ReferralStatus
from casework.referrals.forms import (
    AcceptForm,
    ActionForm,
    CloseForm,
    DeclineForm,
    NeedStatusForm,
    PlanForm,
    ReferralMakeForm,
    WorklistFilterForm,
)
from casework.referrals.sharing import referral_shared

PAGE_SIZE = 25


# The worklist.


def worklist(request):
    require_page_perm(
        request.user,
        "referrals.view_worklist",
        message="Referrals are for the staff of delivery organisations.",
    )
    form = WorklistFilterForm(request.GET)
    form.is_valid()
    shown, rows = selectors.referral_list_for_user(
        user=request.user, pager=Pager.of_request(request, PAGE_SIZE), status=form.chosen_status()
    )
    return render(
        request,
        "referrals/worklist.html",
        {"form": form, "page": shown.page, "page_range": shown.page_range, "rows": rows},
    )


# Making a referral.


def _basis_choices(user, case) -> tuple[list[tuple[int, str]], list[int]]:
    """The case's records as radio choices saying what each covers and whether it is live; the live ones."""
    choices, live = [], []
    for record in consent_list_for_case(user=user, case=case):
        state = consent_state(record=record)
        organisations = ", ".join(org.name for org in record.organisations.all())
        choices.append(
            (
                record.pk,
                f"{record.kind_words} on {govuk_date(record.given_on)}, for {organisations} "
                f"({', '.join(record.data_category_labels).lower()}): {state['label'].lower()}",
            )
        )
        if state["state"] == "live":
            live.append(record.pk)
    return choices, live


def _service_choices() -> list[tuple[str, str]]:
    services_ = Service.objects.filter(status="active").select_related("organization").order_by("name")[:500]
    return [
        (str(s.pk), f"{s.name} ({s.organization.name})" if s.organization_id else s.name) for s in services_
    ]


def referral_make(request, case_id: int):
    user = request.user
    case = case_get_for_user(user=user, case_id=case_id, purpose="opened_for_referral")
    require_page_perm(user, "referrals.make_referral", case, services.MAKE_REFUSED)
    organisations = selectors.delivery_organisations_for(
        initiative_id=case.initiative_id, exclude_id=holding_organisation_id(case)
    )
    needs = list(selectors.referral_needs_referable(case=case))
    bases, live = _basis_choices(user, case)
    form = ReferralMakeForm(
        request.POST or None,
        organisations=organisations,
        needs=needs,
        bases=bases,
        services=_service_choices(),
        initial={"basis": live[0] if len(live) == 1 else None},
    )
    made = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen_needs = [n for n in needs if n.pk in set(data["needs"])]
        organisation = next((o for o in organisations if o.pk == data["delivery_organisation"]), None)
        basis = (
            consent_list_for_case(user=user, case=case).filter(pk=data["basis"]).first()
            if data["basis"]
            else None
        )
        if run_form_service(
            request,
            form,
            lambda _data: made.append(
                services.referral_make(
                    user=user,
                    case=case,
                    delivery_organisation=organisation,
                    needs=chosen_needs,
                    basis=basis,
                    circumstances=data["circumstances"],
                    instructions=data["instructions"],
                    service_id=data["service"] or None,
                )
            ),
            f"The referral has been sent to {organisation.name if organisation else 'the organisation'}.",
        ):
            return redirect(made[0])
    return render(
        request,
        "referrals/referral_make.html",
        {"case": case, "form": form, "needs": needs, "organisations": organisations, "bases": bases},
    )


# One referral.


def _referral(request, referral_id: int, purpose: str = "viewed"):
    return selectors.referral_get_for_user(user=request.user, referral_id=referral_id, purpose=purpose)


def referral_detail(request, referral_id: int):
    referral = _referral(request, referral_id)
    shared = referral_shared(referral, side=referral.side)
    can_work = referral.side == "delivery" and has_perm(request.user, "referrals.work_referral", referral)
    return render(
        request,
        "referrals/referral_detail.html",
        {
            "referral": shared,
            "can_work": can_work,
            "can_respond": can_work and referral.status == ReferralStatus.SENT,
            # Once the basis no longer covers the referral it can only be declined.
            "can_accept": can_work and referral.status == ReferralStatus.SENT and not shared.notice,
            "can_act": can_work and referral.status == ReferralStatus.ACCEPTED,
            "accept_form": AcceptForm(initial={"version": referral.version}, auto_id="accept-%s"),
            "case": referral.case if referral.side == "responsible" else None,
            # The delivery organisation never opens the case, so it raises a concern about the person here.
            "can_raise_concern": referral.side == "delivery"
            and referral.case.person_id is not None
            and has_perm(request.user, "safeguarding.raise_concern"),
        },
    )


def _work(request, referral_id: int):
    referral = _referral(request, referral_id, purpose="opened_for_change")
    require_page_perm(request.user, "referrals.work_referral", referral, services.WORK_REFUSED)
    return referral


def _action_page(request, referral, form, **context):
    context.setdefault("submit_label", "Save")
    return render(
        request,
        "referrals/referral_action.html",
        {"referral": referral, "shared": referral_shared(referral, side="delivery"), "form": form, **context},
    )


@require_POST
def referral_accept(request, referral_id: int):
    referral = _work(request, referral_id)
    form = AcceptForm(request.POST)
    if form.is_valid():
        run_action_service(
            request,
            lambda: services.referral_accept(
                user=request.user,
                referral=referral,
                version=form.cleaned_data["version"],
                note=form.cleaned_data["note"],
            ),
            f"You have accepted {referral.reference}.",
        )
    else:
        messages.error(request, next(iter(form.errors.values()))[0])
    return redirect(referral)


def referral_decline(request, referral_id: int):
    referral = _work(request, referral_id)
    form = DeclineForm(request.POST or None, initial={"version": referral.version})
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda _data: services.referral_decline(
                user=request.user,
                referral=referral,
                version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            ),
            f"You have declined {referral.reference}.",
        )
    ):
        return redirect(referral)
    return _action_page(
        request,
        referral,
        form,
        heading="Decline the referral",
        submit_label="Decline the referral",
        button_class="govuk-button--warning",
    )


def referral_plan(request, referral_id: int):
    referral = _work(request, referral_id)
    form = PlanForm(request.POST or None, initial={"version": referral.version, "plan": referral.plan})
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda _data: services.referral_plan_record(
                user=request.user,
                referral=referral,
                version=form.cleaned_data["version"],
                plan=form.cleaned_data["plan"],
            ),
            "The plan has been saved.",
        )
    ):
        return redirect(referral)
    return _action_page(request, referral, form, heading="Record the plan", submit_label="Save the plan")


def referral_action_add(request, referral_id: int):
    referral = _work(request, referral_id)
    form = ActionForm(request.POST or None, initial={"occurred_on": clock.today()})
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda _data: services.referral_action_record(
                user=request.user,
                referral=referral,
                occurred_on=form.cleaned_data["occurred_on"],
                description=form.cleaned_data["description"],
            ),
            "The action has been recorded.",
        )
    ):
        return redirect(referral)
    return _action_page(request, referral, form, heading="Record an action", submit_label="Save the action")


def referral_need_status(request, referral_id: int, need_id: int):
    referral = _work(request, referral_id)
    need = next((n for n in referral.needs.all() if n.pk == need_id), None)
    if need is None:
        raise Http404("No such need on the referral")
    form = NeedStatusForm(request.POST or None, initial={"version": need.version, "status": need.status})
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda _data: services.referral_need_status_update(
                user=request.user,
                referral=referral,
                need=need,
                version=form.cleaned_data["version"],
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            ),
            f"‘{need.definition.name}’ is now {need.get_status_display().lower()}.",
        )
    ):
        return redirect(referral)
    return _action_page(
        request,
        referral,
        form,
        heading=f"Update ‘{need.definition.name}’",
        submit_label="Save the status",
        intro=f"It is {need.get_status_display().lower()} now.",
    )


def referral_close(request, referral_id: int):
    referral = _work(request, referral_id)
    form = CloseForm(request.POST or None, initial={"version": referral.version})
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda _data: services.referral_close(
                user=request.user,
                referral=referral,
                version=form.cleaned_data["version"],
                note=form.cleaned_data["note"],
            ),
            f"{referral.reference} is closed.",
        )
    ):
        return redirect(referral)
    return _action_page(
        request,
        referral,
        form,
        heading="Close the referral",
        submit_label="Close the referral",
        intro="Close it when you have finished. Update the status of each need first.",
    )
