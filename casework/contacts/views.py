from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from casework.accounts.choices import Role
from casework.accounts.models import User
from casework.accounts.selectors import actor_for
from casework.cases.selectors import case_get_for_user
from casework.contacts import selectors, services
from casework.contacts.duty import (
    REFUSED_ON_BEHALF,
    action_on_behalf,
    duty_call_record,
    duty_route,
    named_request_check,
    service_restart_on_behalf,
    service_suspend_on_behalf,
)
from casework.contacts.forms import (
    AbsenceForm,
    AdviceCheckForm,
    ContactForm,
    DutyCallForm,
    MessageForm,
    NamedRequestForm,
    OnBehalfForm,
)
from casework.contacts.models import Message
from casework.contacts.selectors import (
    actions_on_behalf_for_case,
    advice_check_contact,
    duty_addressees,
    messages_get_for_user,
)
from casework.core import clock, limits
from casework.core.errors import DomainError, PermissionRefused
from casework.core.forms import apply_service_error
from casework.core.pages import paginate, require_page_perm, run_form_service
from casework.core.permissions import has_perm
from casework.directory.selectors import service_choices_for_signposting
from casework.people.forms import PersonSearchForm
from casework.people.selectors import (
    person_get_for_user,
    person_index_card_get_with_subject,
    person_index_search,
    person_index_subjects,
)
from casework.plans import support_selectors
from casework.plans.support_display import plan_rows
from casework.plans.support_forms import RestartForm, SuspendForm
from casework.plans.support_views import active_service
from casework.tasks.choices import TaskKind
from casework.tasks.selectors import task_get_for_user


def contact_record(request):
    """Record a contact on a case (?case=) or on a person (?person=)."""
    case = person = None
    case_id, person_id = limits.id_from(request.GET.get("case")), limits.id_from(request.GET.get("person"))
    if case_id:
        case = case_get_for_user(user=request.user, case_id=case_id, purpose="opened_for_change")
    elif person_id:
        person = person_get_for_user(user=request.user, person_id=person_id, purpose="opened_for_change")
    else:
        raise Http404("Record a contact from a case or a person")
    now = timezone.localtime()
    attempt = request.GET.get("attempt") == "1"
    initial = {"date": now.date(), "time": now.strftime("%H:%M"), "is_scheduling_attempt": attempt}
    if attempt:
        initial |= {"direction": "outbound", "contact_role": "worker"}

    subject = person or case.person
    search = request.POST.get("signpost_search", "")
    choices = (
        service_choices_for_signposting(
            chosen_ids=request.POST.getlist("signposted_service_ids"),
            text=search,
            area=subject.postcode_district if subject and subject.postcode else "",
        )
        if request.method == "POST"
        else []
    )
    form = ContactForm(request.POST or None, initial=initial, service_choices=choices)
    finding = "find_services" in request.POST or request.headers.get("HX-Trigger-Name") == "find_services"
    if finding:
        form.without_errors()
    elif request.method == "POST" and form.is_valid():
        recorded = []
        if run_form_service(
            request,
            form,
            lambda _d: recorded.append(
                services.contact_record(user=request.user, case=case, person=person, **form.service_fields())
            ),
            "The contact has been recorded.",
        ):
            if form.cleaned_data.get("safeguarding_next"):
                return _raise_concern_next(recorded[0])
            return redirect("cases:case_contacts", case.pk) if case else redirect(person)
    return render(
        request,
        "contacts/contact_record.html",
        {
            "form": form,
            "case": case,
            "person": person,
            "attempt": attempt,
            "finding": finding,
            "searched": search.strip(),
        },
    )


def _raise_concern_next(event):
    return redirect(f"{reverse('safeguarding:concern_raise')}?contact={event.pk}")


def _require_duty(request):
    if not has_perm(request.user, "contacts.use_duty_desk"):
        raise PermissionDenied("The duty desk is for duty officers and practitioners.")


def duty_desk(request):
    """Find the person, see whether they are known, who is responsible and whether their worker is in; check
    whether a contact asking for a named worker or team may be passed to them."""

    _require_duty(request)
    form = PersonSearchForm(request.GET or None)
    addressees = duty_addressees(user=request.user)
    results = None
    found = []
    if (
        request.GET
        and form.is_valid()
        and run_form_service(
            request, form, lambda d: found.append(person_index_search(user=request.user, **d)), None
        )
    ):
        cards = found[0]
        people = person_index_subjects(cards=cards)
        results = [
            (
                card,
                duty_route(person=people[card.person_id]),
                NamedRequestForm(
                    initial={"named_person": card.person_id},
                    addressees=addressees,
                    auto_id=f"named-{card.person_id}-%s",
                ),
            )
            for card in cards
        ]
    named = None
    named_person = request.GET.get("named_person", "")
    if named_person.isdigit():
        query = request.GET.copy()
        if query.get("named_worker", "").isdigit() and not query.get("named"):
            query["named"] = f"user:{query['named_worker']}"  # the link form of the question
        named_form = NamedRequestForm(query, addressees=addressees, auto_id=f"named-{named_person}-%s")
        if named_form.is_valid():
            _card, person = person_index_card_get_with_subject(
                user=request.user, person_id=named_form.cleaned_data["named_person"]
            )
            worker, team = named_form.cleaned_data["named"]
            named = named_request_check(person=person, worker=worker, team=team)
        # The question, and its answer or error, stay with the person it is about.
        results = [(c, r, named_form if str(c.person_id) == named_person else f) for c, r, f in results or []]
    return render(
        request,
        "contacts/duty_desk.html",
        {
            "form": form,
            "results": results,
            "named": named,
            "named_person": named_person,
            "search_query": {
                k: v for k, v in request.GET.items() if k in form.fields or k.startswith("date_of_birth")
            },
        },
    )


def duty_call(request, person_id: int):
    """Record a call or written contact from the person, or a concern from someone else."""

    _require_duty(request)
    card, person = person_index_card_get_with_subject(user=request.user, person_id=person_id)
    routes = duty_route(person=person)
    form = DutyCallForm(request.POST or None, addressees=duty_addressees(user=request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        worker, team = form.addressee()
        try:
            outcome = duty_call_record(
                user=request.user,
                person=person,
                who=data["who"],
                contact=form.contact(),
                decision=data.get("decision", ""),
                reason=data.get("reason", ""),
                raise_case=data.get("raise_case", False),
                priority=data.get("priority") or "normal",
                review_requested=data.get("review_requested", False),
                addressed_to_user=worker,
                addressed_to_team=team,
            )
        except DomainError as error:
            apply_service_error(form, error)
        except PermissionRefused as error:
            form.add_error(None, error.message)
        else:
            if outcome.case is None:
                messages.success(request, "The concern has been recorded on the person.")
            elif outcome.raised_new_case:
                messages.success(request, "A new case has been raised: your organisation is responsible.")
            else:
                messages.success(request, "The contact has been recorded on the person's case.")
            if outcome.named is not None:
                if outcome.named.allowed:
                    name = worker.display_name if worker is not None else team.name
                    messages.info(
                        request, f"It has been passed to {name}, saying where the original is held."
                    )
                else:
                    messages.warning(
                        request,
                        "It has not been passed on. "
                        + outcome.named.message
                        + (f" Offer: {'; '.join(outcome.named.offer)}." if outcome.named.offer else ""),
                    )
            for task in outcome.reprioritise_tasks:
                messages.info(
                    request, f"The case waits on a list: {task.assignee_name} is asked to reprioritise it."
                )
            if outcome.review_task is not None:
                messages.info(
                    request, f"The review request is a task for {outcome.review_task.assignee_name}."
                )
            elif outcome.review_refused:
                messages.info(request, outcome.review_refused)
            if data.get("safeguarding_next"):
                return _raise_concern_next(outcome.contact)
            return redirect(outcome.case or "contacts:duty_desk")
    return render(request, "contacts/duty_call.html", {"card": card, "routes": routes, "form": form})


def advice_check(request, task_id: int):
    """Record whether the information and advice given at a contact helped: the outcome of its check task."""

    task = task_get_for_user(user=request.user, task_id=task_id, purpose="opened_for_change")
    if task.kind != TaskKind.ADVICE_CHECK:
        raise Http404("That task is not a check that advice helped")
    require_page_perm(
        request.user,
        "tasks.complete_task",
        task,
        "Only the people the check is given to can record its outcome.",
    )
    form = AdviceCheckForm(request.POST or None, initial={"version": task.version})
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda d: services.advice_check_record(user=request.user, task=task, **d),
            "The outcome of the check has been recorded.",
        )
    ):
        return redirect(task.case or task.person or "tasks:my_tasks")
    return render(
        request,
        "contacts/advice_check.html",
        {"task": task, "form": form, "contact": advice_check_contact(task=task)},
    )


def message_leave(request, case_id: int, user_id: int):
    """Leave the allocated worker a message about a contact."""

    _require_duty(request)
    case = case_get_for_user(user=request.user, case_id=case_id, purpose="opened_for_change")
    worker = (
        User.objects.filter(pk=user_id, case_assignments__case=case, case_assignments__ended_at__isnull=True)
        .distinct()
        .first()
    )
    if worker is None:
        raise Http404("That worker is not on this case")
    form = MessageForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda d: services.message_send(user=request.user, to_user=worker, case=case, **d),
            f"Your message has been left for {worker.display_name}.",
        )
    ):
        return redirect(case)
    return render(request, "contacts/message_leave.html", {"case": case, "worker": worker, "form": form})


def inbox(request):
    """The user's messages, unread first; opening the page does not mark them read."""

    message_id = limits.id_from(request.POST.get("message"))
    if request.method == "POST" and message_id:
        message = Message.objects.filter(pk=message_id, to_user=request.user).first()
        if message is None:
            raise Http404("No such message")
        services.message_mark_read(user=request.user, message=message)
        return redirect("contacts:inbox")
    return render(request, "contacts/inbox.html", {"inbox": messages_get_for_user(user=request.user)})


def act_on_behalf(request, case_id: int):
    """Do something for the allocated worker while they are away; they get a message about it."""

    _require_duty(request)
    case = case_get_for_user(user=request.user, case_id=case_id, purpose="opened_for_change")
    form = OnBehalfForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda d: action_on_behalf(user=request.user, case=case, **d),
            "Recorded, and the allocated worker has been sent a message.",
        )
    ):
        return redirect("cases:case_contacts", case.pk)
    return render(request, "contacts/act_on_behalf.html", {"case": case, "form": form})


def _case_for_service_on_behalf(request, case_id: int):
    _require_duty(request)
    case = case_get_for_user(user=request.user, case_id=case_id, purpose="opened_for_change")
    require_page_perm(request.user, "contacts.record_contact_case", case, REFUSED_ON_BEHALF)
    found = support_selectors.case_support_plan_get_for_user(
        user=request.user, case=case, purpose="opened_for_change"
    )
    return case, found


def services_on_behalf(request, case_id: int):
    """The services of the case's active support plan, to suspend or restart for the allocated worker."""

    case, found = _case_for_service_on_behalf(request, case_id)
    rows = plan_rows(found.active) if found.active else None
    return render(request, "contacts/services_on_behalf.html", {"case": case, "rows": rows})


def _service_on_behalf(request, case_id: int, template: str, form_class, call, success: str):
    case, found = _case_for_service_on_behalf(request, case_id)
    back = reverse("contacts:services_on_behalf", args=[case.pk])
    service = active_service(found, request.GET.get("service", ""))
    if service is None:
        messages.error(request, "Choose a service of the active support plan.")
        return redirect(back)
    form = form_class(request.POST or None, initial={"version": service.version, **form_class.today()})
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda d: call(user=request.user, case=case, service=service, **d),
            success,
        )
    ):
        return redirect("cases:case_contacts", case.pk)
    context = {
        "case": case,
        "form": form,
        "service": service,
        "for_worker": case.primary_worker,
        "back_url": back,
    }
    return render(request, f"plans/support/{template}", context)


def service_suspend_for_worker(request, case_id: int):
    """Suspend a service for the allocated worker (a hospital admission, respite agreed in the plan)."""

    return _service_on_behalf(
        request,
        case_id,
        "suspend.html",
        SuspendForm,
        service_suspend_on_behalf,
        "The service is suspended, and the allocated worker has been sent a message.",
    )


def service_restart_for_worker(request, case_id: int):
    """Restart a suspended service for the allocated worker (a discharge from hospital)."""

    return _service_on_behalf(
        request,
        case_id,
        "restart.html",
        RestartForm,
        service_restart_on_behalf,
        "The service has restarted, and the allocated worker has been sent a message.",
    )


def absences(request):
    """Record absences (your own, or your team's as a team manager) and see who is away."""

    _require_duty(request)
    actor = actor_for(request.user)
    managed = actor.organisations_with_role(Role.TEAM_MANAGER)
    workers = User.objects.filter(pk=request.user.pk)
    if managed:
        workers = (
            User.objects.filter(
                memberships__organisation_id__in=managed, memberships__is_active=True, is_active=True
            )
            .distinct()
            .order_by("first_name", "last_name")
        )
    form = AbsenceForm(request.POST or None, workers=workers, initial={"worker": request.user.pk})
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda d: services.absence_record(user=request.user, **d),
            "The absence has been recorded.",
        )
    ):
        return redirect("contacts:absences")
    return render(
        request,
        "contacts/absences.html",
        {"form": form, "today": clock.today(), "upcoming": selectors.absences_upcoming(user=request.user)},
    )


def actions_on_behalf(request, case_id: int):
    """The case's actions on behalf of the allocated worker: service changes, respite, referrals, for
    review."""

    case = case_get_for_user(user=request.user, case_id=case_id)
    page, page_range = paginate(request, actions_on_behalf_for_case(case=case))
    return render(
        request, "contacts/actions_on_behalf.html", {"case": case, "page": page, "page_range": page_range}
    )


def person_contacts(request, person_id: int):
    """Every contact about a person the user may see, newest first, 50 a page (the person page shows the
    newest)."""

    person = person_get_for_user(user=request.user, person_id=person_id, purpose="contacts_viewed")
    page, page_range = paginate(
        request, selectors.contacts_for_person(user=request.user, person_id=person.pk), per_page=50
    )
    return render(
        request,
        "contacts/person_contacts.html",
        {
            "person": person,
            "person_contacts": page.object_list,
            "page": page,
            "page_range": page_range,
            "all_contacts": True,
        },
    )
