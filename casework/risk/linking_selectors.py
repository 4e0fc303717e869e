"""Reads for record linkage, visibility applied here (the twins of the linking predicates in policies.py).
A read that shows people's names (a review pair) is recorded as an AccessEvent."""

from __future__ import annotations

from django.db.models import F, QuerySet
from django.http import Http404

from casework.accounts.models import User
from casework.audit.services import access_record
from casework.risk.choices import Resolution
from casework.risk.linking_models import (
    MatchingModel,
    MatchingRun,
    MatchingSettings,
    ReviewItem,
    ReviewStatus,
)
from casework.risk.models import SourceRecord
from casework.risk.policies import identify_initiative_ids, matching_settings_initiative_ids


def matching_settings_for(*, initiative_id: int) -> MatchingSettings:
    """The initiative's thresholds: its saved ones, or the defaults (link 0.99, review 0.80, cluster 10)."""
    found = MatchingSettings.objects.filter(initiative_id=initiative_id).first()
    return found or MatchingSettings(initiative_id=initiative_id, version=0)


def matching_settings_changeable_initiative_ids(*, user: User) -> frozenset[int]:
    return matching_settings_initiative_ids(user)


def matching_model_list_for_user(*, user: User) -> QuerySet[MatchingModel]:
    return MatchingModel.objects.filter(initiative_id__in=identify_initiative_ids(user)).select_related(
        "approved_by", "created_by"
    )


def matching_model_list_approvable(*, user: User) -> QuerySet[MatchingModel]:
    return matching_model_list_for_user(user=user).filter(approved_at__isnull=True)


def matching_model_get_for_user(*, user: User, matching_model_id: int) -> MatchingModel:
    found = matching_model_list_for_user(user=user).filter(pk=matching_model_id).first()
    if found is None:
        raise Http404("No matching model found")
    return found


def matching_model_in_use(*, initiative_id: int) -> MatchingModel | None:
    """The newest approved model of the initiative: the one a new run uses."""
    return (
        MatchingModel.objects.filter(initiative_id=initiative_id, approved_at__isnull=False)
        .order_by("-number")
        .first()
    )


def matching_run_list_for_user(*, user: User) -> QuerySet[MatchingRun]:
    return (
        MatchingRun.objects.filter(matching_model__initiative_id__in=identify_initiative_ids(user))
        .select_related("risk_import", "risk_import__source", "matching_model")
        .order_by("-created_at", "-id")
    )


def matching_run_get_for_user(*, user: User, run_id: int) -> MatchingRun:
    found = matching_run_list_for_user(user=user).filter(pk=run_id).first()
    if found is None:
        raise Http404("No matching run found")
    return found


def review_item_list_for_user(*, user: User) -> QuerySet[ReviewItem]:
    return ReviewItem.objects.filter(initiative_id__in=identify_initiative_ids(user)).select_related(
        "record", "record__source", "candidate_person", "candidate_record", "candidate_record__source"
    )


def review_item_list_open(*, user: User) -> QuerySet[ReviewItem]:
    """The queue: open pairs, skipped ones last (the longest skipped first), then the most likely first."""
    return (
        review_item_list_for_user(user=user)
        .filter(status=ReviewStatus.OPEN)
        .order_by(F("skipped_at").asc(nulls_first=True), "-probability", "id")
    )


def review_item_get_for_user(*, user: User, item_id: int) -> ReviewItem:
    """The pair, or Http404; recorded as an AccessEvent (both records' names are on the page)."""
    item = review_item_list_for_user(user=user).filter(pk=item_id).first()
    if item is None:
        raise Http404("No review item found")
    access_record(
        user=user,
        verb="risk.review_item_viewed",
        obj=item,
        details={"record": item.record_id, "candidate_person": item.candidate_person_id},
    )
    return item


def review_items_viewed(*, user: User, items: list[ReviewItem]) -> None:
    """Record that the user saw the names on a page of the queue (one AccessEvent)."""
    if items:
        access_record(
            user=user,
            verb="risk.review_queue_viewed",
            obj=None,
            details={"items": [item.pk for item in items]},
        )


def source_record_list_undoable(*, user: User) -> QuerySet[SourceRecord]:
    return SourceRecord.objects.filter(
        initiative_id__in=identify_initiative_ids(user), resolution=Resolution.LINKED
    )


def source_record_get_for_user(*, user: User, source_record_id: int) -> SourceRecord:
    """An imported record, names and all (recorded as an AccessEvent), or Http404."""
    record = (
        SourceRecord.objects.filter(initiative_id__in=identify_initiative_ids(user), pk=source_record_id)
        .select_related("source", "person")
        .first()
    )
    if record is None:
        raise Http404("No record found")
    access_record(user=user, verb="risk.source_record_viewed", obj=record, details={})
    return record
