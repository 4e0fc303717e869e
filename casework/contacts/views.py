from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from casework.cases.selectors import case_get_for_user
from casework.contacts import services
from casework.contacts.forms import ContactForm
from casework.core.errors import DomainError, PermissionRefused
from casework.core.forms import apply_service_error
from casework.people.selectors import person_get_for_user


def contact_record(request):
    """Record a contact on a case (?case=) or on a person (?person=)."""
    case = person = None
    if request.GET.get("case", "").isdigit():
        case = case_get_for_user(user=request.user, case_id=int(request.GET["case"]), purpose="opened_for_change")
    elif request.GET.get("person", "").isdigit():
        person = person_get_for_user(user=request.user, person_id=int(request.GET["person"]),
                                     purpose="opened_for_change")
    else:
        raise Http404("Record a contact from a case or a person")
    now = timezone.localtime()
    attempt = request.GET.get("attempt") == "1"
    initial = {"date": now.date(), "time": now.strftime("%H:%M"), "is_scheduling_attempt": attempt}
    if attempt:
        initial |= {"direction": "outbound", "contact_role": "worker"}
    from casework.directory.selectors import service_choices_for_signposting

    subject = person or case.person
    search = request.POST.get("signpost_search", "")
    choices = service_choices_for_signposting(
        chosen_ids=request.POST.getlist("signposted_service_ids"), text=search,
        area=subject.postcode_district if subject and subject.postcode else "") if request.method == "POST" else []
    form = ContactForm(request.POST or None, initial=initial, service_choices=choices)
    finding = "find_services" in request.POST or request.headers.get("HX-Trigger-Name") == "find_services"
    if finding:
        form.without_errors()
    elif request.method == "POST" and form.is_valid():
        try:
            services.contact_record(user=request.user, case=case, person=person, **form.service_fields())
        except DomainError as error:
            apply_service_error(form, error)
        except PermissionRefused as error:
            raise PermissionDenied(error.message) from None
        else:
            messages.success(request, "The contact has been recorded.")
            return redirect(case or person)
    return render(request, "contacts/contact_record.html", {"form": form, "case": case, "person": person,
                                                            "attempt": attempt, "finding": finding,
                                                            "searched": search.strip()})


def _require_duty(request):
    from casework.core.permissions import has_perm

    if not has_perm(request.user, "contacts.use_duty_desk"):
        raise PermissionDenied("The duty desk is for duty officers and practitioners.")


def duty_desk(request):
    """Find the person, see whether they are known, who is responsible and whether their worker is in."""
    from casework.contacts.duty import duty_route, named_request_check
    from casework.people.forms import PersonSearchForm
    from casework.people.models import Person
    from casework.people.selectors import person_index_search

    _require_duty(request)
    form = PersonSearchForm(request.GET or None)
    results = None
    if request.GET and form.is_valid():
        try:
            cards = person_index_search(user=request.user, **form.cleaned_data)
        except DomainError as error:
            apply_service_error(form, error)
        else:
            people = Person.objects.in_bulk([c.person_id for c in cards])
            results = [(card, duty_route(person=people[card.person_id])) for card in cards]
    named = None
    if request.GET.get("named_person", "").isdigit() and request.GET.get("named_worker", "").isdigit():
        from casework.accounts.models import User
        from casework.people.selectors import person_index_card_get

        card = person_index_card_get(user=request.user, person_id=int(request.GET["named_person"]))
        worker = User.objects.filter(pk=int(request.GET["named_worker"])).first()
        if worker is not None:
            named = named_request_check(person=Person.objects.get(pk=card.person_id), worker=worker)
    return render(request, "contacts/duty_desk.html", {"form": form, "results": results, "named": named})


def duty_call(request, person_id: int):
    """Record a call or written contact from the person, or a concern from someone else."""
    from casework.contacts.duty import duty_concern, duty_route, duty_self_contact
    from casework.contacts.forms import DutyCallForm
    from casework.people.models import Person
    from casework.people.selectors import person_index_card_get

    _require_duty(request)
    card = person_index_card_get(user=request.user, person_id=person_id)
    person = Person.objects.get(pk=card.person_id)
    routes = duty_route(person=person)
    form = DutyCallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["who"] == "person":
                outcome = duty_self_contact(user=request.user, person=person, contact=form.contact())
            else:
                outcome = duty_concern(user=request.user, person=person, contact=form.contact(),
                                       decision=data.get("decision", ""), reason=data.get("reason", ""),
                                       raise_case=data.get("raise_case", False),
                                       priority=data.get("priority") or "normal")
        except DomainError as error:
            apply_service_error(form, error)
        except PermissionRefused as error:
            form.add_error(None, error.message)
        else:
            if outcome is not None and data.get("review_requested"):
                from casework.contacts.duty import review_request

                try:
                    review_request(user=request.user, case=outcome.case, details=data["summary"])
                except DomainError as error:
                    messages.info(request, str(error))
            if outcome is None:
                messages.success(request, "The concern has been recorded on the person.")
                return redirect("contacts:duty_desk")
            note = "A new case has been raised: your organisation is responsible." if outcome.raised_new_case \
                else "The contact has been recorded on the person's case."
            messages.success(request, note)
            return redirect(outcome.case)
    return render(request, "contacts/duty_call.html", {"card": card, "routes": routes, "form": form})


def message_leave(request, case_id: int, user_id: int):
    """Leave the allocated worker a message about a contact."""
    from casework.accounts.models import User
    from casework.contacts.forms import MessageForm
    _require_duty(request)
    case = case_get_for_user(user=request.user, case_id=case_id, purpose="opened_for_change")
    worker = User.objects.filter(pk=user_id, case_assignments__case=case,
                                 case_assignments__ended_at__isnull=True).distinct().first()
    if worker is None:
        raise Http404("That worker is not on this case")
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.message_send(user=request.user, to_user=worker, case=case, **form.cleaned_data)
        except DomainError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, f"Your message has been left for {worker.display_name}.")
            return redirect(case)
    return render(request, "contacts/message_leave.html", {"case": case, "worker": worker, "form": form})


def inbox(request):
    """The user's messages, unread first; opening the page does not mark them read."""
    from casework.contacts.selectors import messages_for

    if request.method == "POST" and request.POST.get("message", "").isdigit():
        from casework.contacts.models import Message

        message = Message.objects.filter(pk=int(request.POST["message"]), to_user=request.user).first()
        if message is None:
            raise Http404("No such message")
        services.message_mark_read(user=request.user, message=message)
        return redirect("contacts:inbox")
    return render(request, "contacts/inbox.html", {"inbox": messages_for(user=request.user)})


def act_on_behalf(request, case_id: int):
    """Do something for the allocated worker while they are away; they get a message about it."""
    from casework.contacts.duty import action_on_behalf
    from casework.contacts.forms import OnBehalfForm

    _require_duty(request)
    case = case_get_for_user(user=request.user, case_id=case_id, purpose="opened_for_change")
    form = OnBehalfForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            action_on_behalf(user=request.user, case=case, **form.cleaned_data)
        except DomainError as error:
            apply_service_error(form, error)
        except PermissionRefused as error:
            raise PermissionDenied(error.message) from None
        else:
            messages.success(request, "Recorded, and the allocated worker has been sent a message.")
            return redirect(case)
    return render(request, "contacts/act_on_behalf.html", {"case": case, "form": form})


def absences(request):
    """Record absences (your own, or your team's as a team manager) and see who is away."""
    import datetime

    from casework.accounts.choices import Role
    from casework.accounts.models import User
    from casework.accounts.selectors import actor_for
    from casework.contacts.forms import AbsenceForm
    from casework.contacts.models import WorkerAbsence
    from casework.core import clock

    _require_duty(request)
    actor = actor_for(request.user)
    managed = actor.organisations_with_role(Role.TEAM_MANAGER)
    workers = User.objects.filter(pk=request.user.pk)
    if managed:
        workers = User.objects.filter(memberships__organisation_id__in=managed, memberships__is_active=True,
                                      is_active=True).distinct().order_by("first_name", "last_name")
    form = AbsenceForm(request.POST or None, workers=workers, initial={"worker": request.user.pk})
    if request.method == "POST" and form.is_valid():
        try:
            services.absence_record(user=request.user, **form.cleaned_data)
        except DomainError as error:
            apply_service_error(form, error)
        except PermissionRefused as error:
            raise PermissionDenied(error.message) from None
        else:
            messages.success(request, "The absence has been recorded.")
            return redirect("contacts:absences")
    today = clock.today()
    upcoming = (WorkerAbsence.objects.filter(user__memberships__organisation_id__in=actor.organisation_ids,
                                             end_date__gte=today, start_date__lte=today + datetime.timedelta(days=60))
                .select_related("user").distinct().order_by("start_date")[:100])
    return render(request, "contacts/absences.html", {"form": form, "upcoming": upcoming, "today": today})


def actions_on_behalf(request, case_id: int):
    """The case's actions on behalf of the allocated worker: service changes, respite, referrals, for review."""
    from casework.contacts.selectors import actions_on_behalf_for_case
    from casework.core.pages import paginate

    case = case_get_for_user(user=request.user, case_id=case_id)
    page, page_range = paginate(request, actions_on_behalf_for_case(case=case))
    return render(request, "contacts/actions_on_behalf.html", {"case": case, "page": page,
                                                               "page_range": page_range})
