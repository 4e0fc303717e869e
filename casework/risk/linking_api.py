"""Record linkage in the API (/api/v1/risk/matching): matching models (approve one), thresholds, matching
runs of an import, the clerical review queue and its decisions, and undoing a wrong link. The same services
and rules as the pages: only the lead's initiative admins and risk analysts, 404 for anyone else's record."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from ninja import Query, Router, Schema, Status
from pydantic import Field, StringConstraints

from casework.core import limits
from casework.core.api import Id, InputSchema, Page, PageParams, Version, expected_version, paginate
from casework.core.errors import PermissionRefused
from casework.risk import linking, selectors
from casework.risk import linking_selectors as link_selectors
from casework.risk.linking_models import MatchingModel, ReviewDecision, ReviewItem
from casework.risk.pipeline.matching import model_summary
from casework.risk.services import REFUSED

router = Router(tags=["risk"])

Probability = Annotated[
    float, Field(gt=0, le=1, description="A match probability, more than 0 and at most 1")
]
Reason = Annotated[str, StringConstraints(min_length=1, max_length=limits.NOTE_LENGTH)]


class MatchingModelOut(Schema):
    id: int
    number: int
    training_data_sha256: str
    seed: int
    splink_version: str
    training_records: int
    trained_at: datetime.datetime
    approved: bool = Field(description="Only an approved model is used; new runs use the newest approved one")
    approved_at: datetime.datetime | None

    @staticmethod
    def resolve_approved(model: MatchingModel) -> bool:
        return model.is_approved


class ComparisonLevelOut(Schema):
    comparison: str
    level: str
    m: float | None
    u: float | None
    match_weight: float | None


class MatchingModelDetailOut(MatchingModelOut):
    probability_two_random_records_match: float | None
    levels: list[ComparisonLevelOut]
    untrained: list[str] = Field(description="Levels the training data never showed (Splink's defaults used)")

    @staticmethod
    def resolve_probability_two_random_records_match(model: MatchingModel) -> float | None:
        return model.model_json.get("probability_two_random_records_match")

    @staticmethod
    def resolve_levels(model: MatchingModel) -> list[dict[str, Any]]:
        return model_summary(model.model_json)

    @staticmethod
    def resolve_untrained(model: MatchingModel) -> list[str]:
        return list(model.model_json.get("casework", {}).get("untrained", []))


class MatchingSettingsIn(InputSchema):
    link_threshold: Probability
    review_threshold: Probability
    max_cluster: int = Field(ge=2, le=1000, description="A larger cluster never links by itself")
    version: Version | None = Field(None, description="The version last read (or send If-Match)")


class MatchingSettingsOut(Schema):
    link_threshold: float
    review_threshold: float
    max_cluster: int
    version: int = Field(description="0 while the initiative uses the defaults")


class MatchingRunOut(Schema):
    id: int
    import_id: int
    matching_model_id: int
    matching_model_number: int
    status: str = Field(description="queued, running, done or failed")
    link_threshold: float
    review_threshold: float
    max_cluster: int
    records_matched: int
    records_linked: int
    people_created: int
    records_in_review: int
    households_joined: int
    failure: str
    created: bool = Field(False, description="False: the import had an unfinished run already")


def _run_out(run, created: bool = False) -> dict[str, Any]:
    names = (
        "id", "matching_model_id", "status", "link_threshold", "review_threshold", "max_cluster",
        "records_matched", "records_linked", "people_created", "records_in_review", "households_joined",
        "failure",
    )  # fmt: skip
    return {name: getattr(run, name) for name in names} | {
        "import_id": run.risk_import_id,
        "matching_model_number": run.matching_model.number,
        "created": created,
    }


class WaterfallBarOut(Schema):
    comparison: str
    level: str
    match_weight: float


class ReviewRecordOut(Schema):
    source: str
    person_reference: str
    given_names: str
    family_name: str
    birth_date: str
    nhs_number: str
    postcode: str
    uprn: int | None
    address: str


class ReviewPersonOut(Schema):
    id: int
    name: str = Field(description="Withheld for a restricted person")
    date_of_birth: datetime.date | None
    postcode: str
    uprn: int | None


class ReviewItemOut(Schema):
    id: int
    status: str = Field(description="open, linked, kept_apart or undone")
    probability: float
    match_weight: float
    source_record_id: int
    candidate_person_id: int | None
    candidate_record_id: int | None
    skipped_at: datetime.datetime | None
    version: int

    @staticmethod
    def resolve_source_record_id(item: ReviewItem) -> int:
        return item.record_id


class ReviewItemDetailOut(ReviewItemOut):
    record: ReviewRecordOut
    candidate_person: ReviewPersonOut | None
    candidate_record: ReviewRecordOut | None
    waterfall: list[WaterfallBarOut]

    @staticmethod
    def resolve_record(item: ReviewItem) -> dict[str, Any]:
        return _record_out(item.record)

    @staticmethod
    def resolve_candidate_record(item: ReviewItem) -> dict[str, Any] | None:
        return _record_out(item.candidate_record) if item.candidate_record else None

    @staticmethod
    def resolve_candidate_person(item: ReviewItem) -> dict[str, Any] | None:
        person = item.candidate_person
        if person is None:
            return None
        return {
            "id": person.pk,
            "name": person.shown_name,
            "date_of_birth": person.date_of_birth,
            "postcode": person.postcode,
            "uprn": None if person.name_withheld else person.uprn,
        }


def _record_out(record) -> dict[str, Any]:
    return {
        "source": record.source.name,
        "person_reference": record.person_reference,
        "given_names": record.given_names,
        "family_name": record.family_name,
        "birth_date": record.birth_date,
        "nhs_number": record.nhs_number,
        "postcode": record.postcode,
        "uprn": record.uprn,
        "address": record.address,
    }


class ReviewDecisionIn(InputSchema):
    decision: ReviewDecision
    version: Version | None = Field(None, description="The version last read (or send If-Match)")


class UndoLinkIn(InputSchema):
    reason: Reason = Field(description="Why the link is wrong (kept in the audit trail)")


def _initiative_id(request) -> int:
    initiative_id = selectors.identify_initiative_for(user=request.user)
    if initiative_id is None:
        raise PermissionRefused(REFUSED)
    return initiative_id


# --- Models and thresholds --------------------------------------------------------------------------------


@router.get(
    "/models", response=Page[MatchingModelOut], summary="The initiative's matching models, newest first"
)
def matching_model_list(request, page: Query[PageParams]):
    rows, meta = paginate(
        link_selectors.matching_model_list_for_user(user=request.user).order_by("-number"), page
    )
    return {"items": rows, **meta}


@router.get(
    "/models/{matching_model_id}",
    response=MatchingModelDetailOut,
    summary="A matching model: provenance and what each agreement is worth",
)
def matching_model_get(request, matching_model_id: Id):
    return link_selectors.matching_model_get_for_user(user=request.user, matching_model_id=matching_model_id)


@router.post(
    "/models/{matching_model_id}/approve",
    response=MatchingModelDetailOut,
    summary="Approve a matching model for use (409 when it is approved already)",
)
def matching_model_approve(request, matching_model_id: Id):
    model = link_selectors.matching_model_get_for_user(user=request.user, matching_model_id=matching_model_id)
    return linking.matching_model_approve(user=request.user, matching_model=model)


@router.get("/settings", response=MatchingSettingsOut, summary="The initiative's matching thresholds")
def matching_settings_get(request):
    return link_selectors.matching_settings_for(initiative_id=_initiative_id(request))


@router.post(
    "/settings",
    response=MatchingSettingsOut,
    summary="Set the matching thresholds (the lead's initiative admins only)",
)
def matching_settings_set(request, payload: MatchingSettingsIn):
    initiative_id = _initiative_id(request)
    current = link_selectors.matching_settings_for(initiative_id=initiative_id)
    version = expected_version(request, payload.version) if current.version else 0
    return linking.matching_settings_change(
        user=request.user,
        initiative_id=initiative_id,
        version=version,
        data=payload.model_dump(exclude={"version"}),
    )


# --- Runs -------------------------------------------------------------------------------------------------


@router.post(
    "/imports/{import_id}/runs",
    response={200: MatchingRunOut, 202: MatchingRunOut},
    summary="Match an import's unresolved records in the background (202); an unfinished run already is 200",
)
def matching_run_start(request, import_id: Id):
    risk_import = selectors.import_get_for_user(user=request.user, import_id=import_id)
    run, created = linking.matching_run_start(user=request.user, risk_import=risk_import)
    return Status(202 if created else 200, _run_out(run, created))


@router.get(
    "/runs/{run_id}", response=MatchingRunOut, summary="A matching run: its model, thresholds and counts"
)
def matching_run_get(request, run_id: Id):
    return _run_out(link_selectors.matching_run_get_for_user(user=request.user, run_id=run_id))


# --- Clerical review --------------------------------------------------------------------------------------


@router.get("/review", response=Page[ReviewItemOut], summary="The clerical review queue: open pairs")
def review_queue(request, page: Query[PageParams]):
    _initiative_id(request)
    rows, meta = paginate(link_selectors.review_item_list_open(user=request.user), page)
    return {"items": rows, **meta}


@router.get(
    "/review/{item_id}",
    response=ReviewItemDetailOut,
    summary="A pair side by side, with the match-weight waterfall",
)
def review_item_get(request, item_id: Id):
    return link_selectors.review_item_get_for_user(user=request.user, item_id=item_id)


@router.post(
    "/review/{item_id}/decide",
    response=ReviewItemOut,
    summary="Decide a pair: link, keep apart (a new person) or skip (409 once decided)",
)
def review_item_decide(request, item_id: Id, payload: ReviewDecisionIn):
    item = link_selectors.review_item_get_for_user(user=request.user, item_id=item_id)
    return linking.review_item_decide(
        user=request.user,
        item=item,
        version=expected_version(request, payload.version),
        decision=payload.decision,
    )


@router.post(
    "/records/{source_record_id}/undo-link",
    response={201: ReviewItemOut},
    summary="Undo a wrong link: the record goes back to the review queue (409 when it is not linked)",
)
def record_undo_link(request, source_record_id: Id, payload: UndoLinkIn):
    record = link_selectors.source_record_get_for_user(user=request.user, source_record_id=source_record_id)
    item = linking.source_record_link_undo(user=request.user, record=record, reason=payload.reason)
    return Status(201, item)
