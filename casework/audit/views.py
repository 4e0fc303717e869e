from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render

from casework.accounts.selectors import actor_for
from casework.core.errors import DomainError
from casework.core.forms import apply_service_error
from casework.people import selectors as people_selectors
from casework.people import services as people_services
from casework.people.forms import ReviewForm


def break_glass_review_list(request):
    if not actor_for(request.user).auditing_organisation_ids:
        raise PermissionDenied("Only auditors can review break-glass access.")
    show_all = request.GET.get("show") == "all"
    grants = people_selectors.break_glass_list_for_review(user=request.user, include_reviewed=show_all)
    page = Paginator(grants, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/break_glass_review_list.html",
        {"page": page, "show_all": show_all, "form": ReviewForm()},
    )


def break_glass_review(request, grant_id: int):
    grant = (
        people_selectors.break_glass_list_for_review(user=request.user, include_reviewed=True)
        .filter(pk=grant_id)
        .first()
    )
    if grant is None:
        raise Http404("No break-glass access found")
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            people_services.break_glass_review(user=request.user, grant=grant, note=form.cleaned_data["note"])
        except DomainError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, "The review has been recorded.")
            return redirect("audit:break_glass_review_list")
    return render(request, "audit/break_glass_review.html", {"grant": grant, "form": form})
