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
    form = ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
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
                                                            "attempt": attempt})
