"""The Care Act pages of a case: record advocacy, the advocate in place, a manager's exception, prevention,
financial information and eligibility; and the history of every record.

Thin: the case comes through cases.selectors (404 when the user may not open it), the records through
careact.selectors (audited reads), writes through careact.services; a refusal is a 403.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from casework.careact import eligibility as rules
from casework.careact import selectors, services
from casework.careact.choices import AdvocacyActivity, EligibilityKind
from casework.careact.forms import (
    AdvocacyDecisionForm,
    AdvocacyExceptionForm,
    AdvocateForm,
    EligibilityForm,
    FinancialInformationForm,
    PreventionForm,
)
from casework.careact.gates import subject_first_name
from casework.cases.selectors import case_get_for_user
from casework.core.pages import require_page_perm, run_form_service
from casework.directory.selectors import service_choices_for_signposting


def _case_for_recording(request, case_id: int):
    case = case_get_for_user(user=request.user, case_id=case_id, purpose="opened_for_change")
    require_page_perm(
        request.user, "careact.record_steps_case", case, services.REFUSED if case.is_open else services.CLOSED
    )
    return case


def _back(case) -> str:
    return reverse("cases:case_care_act", args=[case.pk]) + "#care-act"


def _replaces(record) -> dict:
    return {"replaces_id": record.pk, "version": record.version} if record else {}


def steps_history(request, case_id: int):
    case = case_get_for_user(user=request.user, case_id=case_id)
    history = selectors.care_act_history_get_for_user(user=request.user, case=case)
    return render(
        request,
        "careact/steps_history.html",
        {"case": case, "history": history, "name": subject_first_name(case)},
    )


# Advocacy.


def advocacy_decide(request, case_id: int, activity: str):
    if activity not in AdvocacyActivity.values:
        raise Http404("No such activity")
    case = _case_for_recording(request, case_id)
    steps = selectors.care_act_steps_get_for_user(user=request.user, case=case, purpose="opened_for_change")
    current = next(decision for value, _label, decision in steps.advocacy if value == activity)
    initial = _replaces(current)
    if current:
        initial |= {
            name: "yes" if getattr(current, name) else "no"
            for name in (*AdvocacyDecisionForm.DIFFICULTIES, "appropriate_person")
        }
        initial |= {
            name: getattr(current, name)
            for name in (
                "appropriate_person_name",
                "appropriate_person_relationship",
                "referral_to",
                "referral_on",
                "notes",
            )
        }
    form = AdvocacyDecisionForm(request.POST or None, initial=initial)
    label = AdvocacyActivity(activity).label.lower()
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda data: services.advocacy_decision_record(
                user=request.user,
                case=case,
                activity=activity,
                **{
                    name: data[name]
                    for name in (
                        *AdvocacyDecisionForm.DIFFICULTIES,
                        "appropriate_person",
                        "appropriate_person_name",
                        "appropriate_person_relationship",
                        "referral_to",
                        "referral_on",
                        "notes",
                        "replaces_id",
                        "version",
                    )
                },
            ),
            f"The advocacy decision for the {label} has been recorded.",
        )
    ):
        return redirect(_back(case))
    return render(
        request,
        "careact/advocacy_form.html",
        {
            "case": case,
            "form": form,
            "current": current,
            "activity_label": label,
            "name": subject_first_name(case),
        },
    )


def _decision(request, case, decision_id: int):
    return selectors.advocacy_decision_get_for_user(user=request.user, case=case, decision_id=decision_id)


def advocacy_advocate(request, case_id: int, decision_id: int):
    case = _case_for_recording(request, case_id)
    decision = _decision(request, case, decision_id)
    form = AdvocateForm(
        request.POST or None,
        initial={
            "version": decision.version,
            "advocate_name": decision.advocate_name,
            "advocate_organisation": decision.advocate_organisation,
            "advocate_from": decision.advocate_from,
        },
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda data: services.advocacy_advocate_record(
                user=request.user,
                decision=decision,
                advocate_name=data["advocate_name"],
                advocate_organisation=data["advocate_organisation"],
                advocate_from=data["advocate_from"],
                version=data["version"],
            ),
            f"The advocate for the {decision.get_activity_display().lower()} has been recorded.",
        )
    ):
        return redirect(_back(case))
    return render(
        request,
        "careact/advocate_form.html",
        {"case": case, "form": form, "decision": decision, "name": subject_first_name(case)},
    )


def advocacy_exception(request, case_id: int, decision_id: int):
    case = case_get_for_user(user=request.user, case_id=case_id, purpose="opened_for_change")
    require_page_perm(
        request.user, "careact.record_advocacy_exception_case", case, services.EXCEPTION_REFUSED
    )
    decision = _decision(request, case, decision_id)
    form = AdvocacyExceptionForm(request.POST or None, initial={"version": decision.version})
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda data: services.advocacy_exception_record(
                user=request.user, decision=decision, reason=data["reason"], version=data["version"]
            ),
            f"The exception has been recorded: the {decision.get_activity_display().lower()} may start "
            f"before an advocate is in place.",
        )
    ):
        return redirect(_back(case))
    return render(
        request,
        "careact/advocacy_exception_form.html",
        {"case": case, "form": form, "decision": decision, "name": subject_first_name(case)},
    )


# Prevention and financial information.


def prevention(request, case_id: int):
    case = _case_for_recording(request, case_id)
    steps = selectors.care_act_steps_get_for_user(user=request.user, case=case, purpose="opened_for_change")
    current = steps.prevention
    initial = _replaces(current)
    if current:
        initial |= {
            "services_considered": "\n".join(
                current.services_list + [s["name"] for s in current.directory_services]
            ),
            "why_not_enough": current.why_not_enough,
        }
    search = request.POST.get("signpost_search", "")
    area = case.person.postcode_district if case.person_id and case.person.postcode else ""
    choices = (
        service_choices_for_signposting(
            chosen_ids=request.POST.getlist("directory_service_ids"), text=search, area=area
        )
        if request.method == "POST"
        else []
    )
    form = PreventionForm(request.POST or None, initial=initial, service_choices=choices)
    finding = "find_services" in request.POST or request.headers.get("HX-Trigger-Name") == "find_services"
    if finding:
        form.without_errors()
    elif (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda data: services.prevention_record(
                user=request.user,
                case=case,
                services_considered=data["services_considered"],
                directory_service_ids=data["directory_service_ids"],
                why_not_enough=data["why_not_enough"],
                replaces_id=data["replaces_id"],
                version=data["version"],
            ),
            "The prevention and community services considered have been recorded.",
        )
    ):
        return redirect(_back(case))
    return render(
        request,
        "careact/prevention_form.html",
        {
            "case": case,
            "form": form,
            "current": current,
            "searched": search.strip(),
            "finding": finding,
            "name": subject_first_name(case),
        },
    )


def financial_information(request, case_id: int):
    case = _case_for_recording(request, case_id)
    steps = selectors.care_act_steps_get_for_user(user=request.user, case=case, purpose="opened_for_change")
    current = steps.financial_information
    form = FinancialInformationForm(request.POST or None, initial=_replaces(current))
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda data: services.financial_information_record(
                user=request.user,
                case=case,
                method=data["method"],
                given_on=data["given_on"],
                notes=data["notes"],
                replaces_id=data["replaces_id"],
                version=data["version"],
            ),
            "The financial information given has been recorded.",
        )
    ):
        return redirect(_back(case))
    return render(
        request,
        "careact/financial_information_form.html",
        {"case": case, "form": form, "current": current, "name": subject_first_name(case)},
    )


# Eligibility.


def _outcome_fields(form: EligibilityForm) -> dict[str, str]:
    """An outcome's error ("outcomes.<code>") goes on that outcome's ways."""
    return {
        f"outcomes.{name.removeprefix('ways_')}": name for name in form.fields if name.startswith("ways_")
    }


def eligibility(request, case_id: int, kind: str):
    if kind not in EligibilityKind.values:
        raise Http404("No such determination")
    case = _case_for_recording(request, case_id)
    steps = selectors.care_act_steps_get_for_user(user=request.user, case=case, purpose="opened_for_change")
    current = next(record for value, _label, record in steps.eligibility if value == kind)
    name = subject_first_name(case)
    form = EligibilityForm(request.POST or None, kind=kind, name=name, initial=_replaces(current))
    checked = []
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda _d: checked.append(rules.eligibility_check(**form.check_args())),
            None,
            _outcome_fields(form),
        )
        and request.POST.get("action") == "record"
        and run_form_service(
            request,
            form,
            lambda d: services.eligibility_determination_record(
                user=request.user,
                case=case,
                cared_for=d.get("cared_for", ""),
                confirmed_eligible=d["confirmed_eligible"],
                reason=d["reason"],
                replaces_id=d["replaces_id"],
                version=d["version"],
                **form.check_args(),
            ),
            "The eligibility determination has been recorded.",
            _outcome_fields(form),
        )
    ):
        return redirect(_back(case))
    result = checked[0] if checked else None
    return render(
        request,
        "careact/eligibility_form.html",
        {
            "case": case,
            "form": form,
            "current": current,
            "result": result,
            "name": name,
            "kind_label": EligibilityKind(kind).label,
            "is_carer": kind == EligibilityKind.CARER,
        },
    )
