"""Record linkage pages for the lead's initiative admins and risk analysts: matching models (approve one),
thresholds, matching runs, the clerical review queue (both records side by side with the match-weight
waterfall) and undoing a wrong link.

Thin: reads through risk.linking_selectors (404 for a record the user may not see), writes through
risk.linking.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from casework.core.charts import chart_context
from casework.core.pages import paginate, run_action_service, run_form_service
from casework.risk import linking, selectors
from casework.risk import linking_selectors as link_selectors
from casework.risk.linking_forms import MatchingSettingsForm, ReviewDecisionForm, UndoLinkForm
from casework.risk.linking_models import ReviewStatus
from casework.risk.pipeline.matching import model_summary
from casework.risk.services import REFUSED


def _initiative_id(user) -> int:
    initiative_id = selectors.identify_initiative_for(user=user)
    if initiative_id is None:
        raise PermissionDenied(REFUSED)
    return initiative_id


def matching_home(request):
    initiative_id = _initiative_id(request.user)
    return render(
        request,
        "risk/linking/matching_home.html",
        {
            "thresholds": link_selectors.matching_settings_for(initiative_id=initiative_id),
            "may_change": initiative_id
            in link_selectors.matching_settings_changeable_initiative_ids(user=request.user),
            "models": link_selectors.matching_model_list_for_user(user=request.user).filter(
                initiative_id=initiative_id
            )[:20],
            "in_use": link_selectors.matching_model_in_use(initiative_id=initiative_id),
            "runs": link_selectors.matching_run_list_for_user(user=request.user)[:20],
            "open_reviews": link_selectors.review_item_list_open(user=request.user).count(),
        },
    )


def matching_settings(request):
    initiative_id = _initiative_id(request.user)
    if initiative_id not in link_selectors.matching_settings_changeable_initiative_ids(user=request.user):
        raise PermissionDenied("Only the lead organisation's initiative admins set the matching thresholds.")
    current = link_selectors.matching_settings_for(initiative_id=initiative_id)
    form = MatchingSettingsForm(
        request.POST or None,
        initial={
            "version": current.version or None,
            "link_threshold": current.link_threshold,
            "review_threshold": current.review_threshold,
            "max_cluster": current.max_cluster,
        },
    )
    if request.method == "POST" and form.is_valid():

        def call(data):
            linking.matching_settings_change(
                user=request.user,
                initiative_id=initiative_id,
                version=data["version"] or 0,
                data={name: data[name] for name in ("link_threshold", "review_threshold", "max_cluster")},
            )

        if run_form_service(request, form, call, "The matching thresholds have been saved."):
            return redirect("risk:matching_home")
    return render(request, "risk/linking/matching_settings.html", {"form": form})


def matching_model_detail(request, matching_model_id: int):
    model = link_selectors.matching_model_get_for_user(user=request.user, matching_model_id=matching_model_id)
    # Levels without both m and u have no weight: the page lists them apart (untrained).
    weights = [row for row in model_summary(model.model_json) if row["match_weight"] is not None]
    return render(
        request,
        "risk/linking/matching_model_detail.html",
        {
            "model": model,
            "weights_chart": chart_context(
                chart_id="weights-chart",
                caption="Match weight of each comparison level when it applies",
                labels=[f"{row['comparison'].replace('_', ' ')}: {row['level']}" for row in weights],
                series=[
                    (
                        "Match weight",
                        [round(row["match_weight"], 2) for row in weights],
                    )
                ],
                first_column="Comparison and level",
                kind="bar",
            ),
            "untrained": model.model_json.get("casework", {}).get("untrained", []),
            "prior": model.model_json.get("probability_two_random_records_match"),
        },
    )


@require_POST
def matching_model_approve(request, matching_model_id: int):
    model = link_selectors.matching_model_get_for_user(user=request.user, matching_model_id=matching_model_id)
    run_action_service(
        request,
        lambda: linking.matching_model_approve(user=request.user, matching_model=model),
        f"Matching model {model.number} is approved: new matching runs use it.",
    )
    return redirect(model)


@require_POST
def import_match(request, import_id: int):
    risk_import = selectors.import_get_for_user(user=request.user, import_id=import_id)
    started = {}

    def call():
        started["run"], started["created"] = linking.matching_run_start(
            user=request.user, risk_import=risk_import
        )

    if run_action_service(request, call, "Matching has started: this page shows how it goes."):
        return redirect(started["run"])
    return redirect(risk_import)


def matching_run_detail(request, run_id: int):
    run = link_selectors.matching_run_get_for_user(user=request.user, run_id=run_id)
    return render(request, "risk/linking/matching_run_detail.html", {"run": run})


def review_queue(request):
    _initiative_id(request.user)
    page, page_range = paginate(request, link_selectors.review_item_list_open(user=request.user))
    link_selectors.review_items_viewed(user=request.user, items=list(page))
    return render(request, "risk/linking/review_queue.html", {"page": page, "page_range": page_range})


def review_item(request, item_id: int):
    item = link_selectors.review_item_get_for_user(user=request.user, item_id=item_id)
    form = ReviewDecisionForm(request.POST or None, initial={"version": item.version})
    if request.method == "POST" and form.is_valid():
        if item.status != ReviewStatus.OPEN:
            form.add_error(None, "This pair has been decided already.")
        else:

            def call(data):
                linking.review_item_decide(
                    user=request.user, item=item, version=data["version"], decision=data["decision"]
                )

            if run_form_service(request, form, call, "Your decision has been saved."):
                following = (
                    link_selectors.review_item_list_open(user=request.user).exclude(pk=item.pk).first()
                )
                return redirect(following or "risk:review_queue")
    return render(
        request,
        "risk/linking/review_item.html",
        {"item": item, "form": form, "fields": _side_by_side(item), "waterfall": _waterfall_chart(item)},
    )


def _waterfall_chart(item):
    """The match-weight waterfall as a bar chart and its table: the prior, then each comparison's level."""
    bars = item.waterfall or []
    return chart_context(
        chart_id="waterfall-chart",
        caption=f"Match weight, by what agreed and what did not (total {item.match_weight:.2f})",
        labels=[
            "Prior: two records picked at random"
            if bar["comparison"] == "prior"
            else f"{bar['comparison'].replace('_', ' ')}: {bar['level']}"
            for bar in bars
        ],
        series=[("Match weight", [round(float(bar["match_weight"]), 2) for bar in bars])],
        first_column="Comparison and level",
        kind="bar",
    )


def _side_by_side(item) -> list[tuple[str, str, str]]:
    """(field, the incoming record's value, the candidate's value) for the page's comparison table."""
    record, person, other = item.record, item.candidate_person, item.candidate_record
    if person is not None:
        candidate = {
            "name": person.shown_name,
            "birth": person.date_of_birth.isoformat() if person.date_of_birth else "",
            "nhs": "" if person.name_withheld else (person.nhs_number or ""),
            "postcode": person.postcode,
            "uprn": str(person.uprn or ""),
            "address": "" if person.name_withheld else person.address_line_1,
        }
    else:
        candidate = {
            "name": other.full_name,
            "birth": other.birth_date,
            "nhs": other.nhs_number,
            "postcode": other.postcode,
            "uprn": str(other.uprn or ""),
            "address": other.address,
        }
    return [
        ("Name", record.full_name, candidate["name"]),
        ("Date of birth", record.birth_date, candidate["birth"]),
        ("NHS number", record.nhs_number, candidate["nhs"]),
        ("Postcode", record.postcode, candidate["postcode"]),
        ("UPRN", str(record.uprn or ""), candidate["uprn"]),
        ("Address", record.address, candidate["address"]),
    ]


def record_undo_link(request, source_record_id: int):
    record = link_selectors.source_record_get_for_user(user=request.user, source_record_id=source_record_id)
    form = UndoLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = {}

        def call(data):
            done["item"] = linking.source_record_link_undo(
                user=request.user, record=record, reason=data["reason"]
            )

        if run_form_service(
            request, form, call, "The link has been undone: the record is back in the review queue."
        ):
            return redirect(done["item"])
    return render(request, "risk/linking/record_undo_link.html", {"record": record, "form": form})
