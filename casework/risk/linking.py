"""Identify's record linkage: train and approve Splink models, set thresholds, match an import's records to
people and households, and the clerical review of uncertain pairs (link, keep apart, skip, undo).

Matching runs in DuckDB beside the main database (ADR 0017): the import's unresolved records and the
initiative's index (its people and the records already resolved to them) are exported to Parquet in a folder
of their own, and the pure pipeline (risk.pipeline.matching) scores the new records against the index with
Splink's predict_between and within the new file with predict_within. Decisions are written back a batch at a
time; a run only ever takes unresolved records, so running it again (or a retried job) changes nothing that
was decided.
"""

from __future__ import annotations

import datetime
import math
import random
import re
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max

from casework.accounts.models import Initiative, User
from casework.audit.services import audit_record
from casework.core import clock
from casework.core.errors import DomainError, ValidationFailed, stale_message
from casework.core.jobs import enqueue
from casework.core.permissions import require_perm
from casework.people.identifiers import normalise_nhs_number
from casework.people.selectors import person_rows_for_matching
from casework.people.services import households_place_from_matching, people_create_from_matching
from casework.risk.choices import ImportStatus, Resolution
from casework.risk.linking_models import (
    MatchingModel,
    MatchingRun,
    MatchingRunStatus,
    MatchingSettings,
    MatchLabel,
    ReviewDecision,
    ReviewItem,
    ReviewStatus,
)
from casework.risk.linking_selectors import matching_model_in_use, matching_settings_for
from casework.risk.models import RiskImport, SourceRecord
from casework.risk.pipeline import matching
from casework.risk.services import REFUSED

BATCH = 500
RESOLVED_BY_SPLINK = "splink"
RESOLVED_BY_REVIEW = "review"
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _work_dir() -> Path:
    path = Path(settings.CASEWORK_RISK_MATCHING_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _lead_organisation_id(initiative_id: int) -> int:
    return Initiative.objects.values_list("lead_organisation_id", flat=True).get(pk=initiative_id)


# --- Records as the pipeline sees them --------------------------------------------------------------------


def _record_row(record: SourceRecord) -> dict[str, Any]:
    return {
        "unique_id": f"r{record.pk}",
        "source": str(record.source_id),
        "nhs_number": record.nhs_number or None,
        "given_name": record.given_names or None,
        "family_name": record.family_name or None,
        "date_of_birth": record.birth_date if _FULL_DATE.match(record.birth_date or "") else None,
        "postcode": record.postcode or None,
        "uprn": str(record.uprn) if record.uprn else None,
    }


_RECORD_FIELDS = (
    "pk",
    "source_id",
    "nhs_number",
    "given_names",
    "family_name",
    "birth_date",
    "postcode",
    "uprn",
    "person_id",
    "address",
    "line",
    "initiative_id",
)


def _person_index_row(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "unique_id": f"p{row['pk']}",
        "source": "people",
        "nhs_number": row["nhs_number"],
        "given_name": row["given_name"],
        "family_name": row["family_name"],
        "date_of_birth": row["date_of_birth"].isoformat() if row["date_of_birth"] else None,
        "postcode": row["postcode"],
        "uprn": str(row["uprn"]) if row["uprn"] else None,
    }


def _index_rows(initiative_id: int, person_of: dict[str, int]) -> Iterator[dict[str, Any]]:
    """The initiative's index: its people ("p<id>") and the records already resolved to one ("r<id>")."""
    for row in person_rows_for_matching(initiative_id=initiative_id):
        person_of[f"p{row['pk']}"] = row["pk"]
        yield _person_index_row(row)
    resolved = (
        SourceRecord.objects.filter(
            initiative_id=initiative_id, resolution__in=[Resolution.LINKED, Resolution.NEW_PERSON]
        )
        .only(*_RECORD_FIELDS)
        .order_by("pk")
    )
    for record in resolved.iterator(chunk_size=2000):
        person_of[f"r{record.pk}"] = record.person_id  # type: ignore[assignment]
        yield _record_row(record)


# --- Training and approval --------------------------------------------------------------------------------


def matching_model_train(
    *, user: User, initiative_id: int, seed: int = 1, sample: int = 100_000, max_pairs: int = 1_000_000
) -> MatchingModel:
    """Train a matching model on (a seeded random sample of at most `sample` of) the initiative's imported
    records and keep it as the next numbered version, waiting for approval. Raises PermissionRefused, or
    ValidationFailed when there is too little to train on."""
    require_perm(user, "risk.use_identify", initiative_id, REFUSED)
    ids = list(
        SourceRecord.objects.filter(initiative_id=initiative_id).order_by("pk").values_list("pk", flat=True)
    )
    if len(ids) > sample:
        ids = sorted(random.Random(seed).sample(ids, sample))
    with tempfile.TemporaryDirectory(dir=_work_dir()) as folder:
        path = Path(folder) / "training.parquet"
        rows = (
            _record_row(record)
            for start in range(0, len(ids), 2000)
            for record in SourceRecord.objects.filter(pk__in=ids[start : start + 2000])
            .only(*_RECORD_FIELDS)
            .order_by("pk")
        )
        matching.write_records(rows, path)
        try:
            model = matching.train(path, seed=seed, max_pairs=max_pairs)
        except ValueError as error:
            raise ValidationFailed(f"The model could not be trained: {error}") from None
    return matching_model_register(user=user, initiative_id=initiative_id, model=model)


def matching_model_register(*, user: User, initiative_id: int, model: dict[str, Any]) -> MatchingModel:
    """Keep a trained Splink model (with its "casework" provenance) as the initiative's next version, not yet
    approved. Raises ValidationFailed for a model without comparisons or provenance."""
    require_perm(user, "risk.use_identify", initiative_id, REFUSED)
    meta = model.get("casework") if isinstance(model, dict) else None
    if not isinstance(meta, dict) or "comparisons" not in model:
        raise ValidationFailed("That is not a trained matching model (no comparisons or provenance)")
    with transaction.atomic():
        Initiative.objects.select_for_update().get(pk=initiative_id)
        latest = MatchingModel.objects.filter(initiative_id=initiative_id).aggregate(n=Max("number"))["n"]
        saved = MatchingModel.objects.create(
            initiative_id=initiative_id,
            number=(latest or 0) + 1,
            model_json=model,
            training_data_sha256=str(meta.get("training_data_sha256", ""))[:64],
            seed=int(meta.get("seed", 0)),
            splink_version=str(meta.get("splink_version", ""))[:20],
            training_records=int(meta.get("records", 0)),
            trained_at=datetime.datetime.fromisoformat(meta["trained_at"])
            if "trained_at" in meta
            else clock.now(),
            created_by=user,
            modified_by=user,
        )
        audit_record(
            user=user,
            verb="risk.matching_model_trained",
            obj=saved,
            changes={
                "number": {"before": None, "after": saved.number},
                "training_data_sha256": {"before": None, "after": saved.training_data_sha256},
                "seed": {"before": None, "after": saved.seed},
                "splink_version": {"before": None, "after": saved.splink_version},
            },
        )
    return saved


def matching_model_approve(*, user: User, matching_model: MatchingModel) -> MatchingModel:
    """Approve a model version for use (new runs use the newest approved). Raises PermissionRefused, or
    DomainError when it is approved already."""
    require_perm(user, "risk.view_matching_model", matching_model, REFUSED)
    with transaction.atomic():
        locked = MatchingModel.objects.select_for_update().get(pk=matching_model.pk)
        if locked.is_approved:
            raise DomainError(f"Matching model {locked.number} is approved already.")
        locked.approved_by = user
        locked.approved_at = clock.now()
        locked.modified_by = user
        locked.save(update_fields=["approved_by", "approved_at", "modified_by", "modified_at"])
        audit_record(
            user=user,
            verb="risk.matching_model_approved",
            obj=locked,
            changes={"approved_at": {"before": None, "after": locked.approved_at.isoformat()}},
        )
    return locked


# --- Thresholds -------------------------------------------------------------------------------------------


def _clean_thresholds(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name, label in (("link_threshold", "link"), ("review_threshold", "review")):
        value = data.get(name)
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            errors[name] = f"Enter the {label} threshold as a probability from 0 to 1, like 0.99"
        elif not 0 < value <= 1:
            errors[name] = f"The {label} threshold must be more than 0 and at most 1"
        else:
            values[name] = float(value)
    cluster = data.get("max_cluster")
    if isinstance(cluster, bool) or not isinstance(cluster, int) or not 2 <= cluster <= 1000:
        errors["max_cluster"] = (
            "The largest cluster that links by itself must be a whole number from 2 to 1000"
        )
    else:
        values["max_cluster"] = cluster
    if not errors and values["review_threshold"] > values["link_threshold"]:
        errors["review_threshold"] = "The review threshold must not be above the link threshold"
    if errors:
        raise ValidationFailed(next(iter(errors.values())), errors=errors)
    return values


def matching_settings_change(
    *, user: User, initiative_id: int, version: int, data: dict[str, Any]
) -> MatchingSettings:
    """Set the initiative's thresholds (initiative admins at the lead only). Raises PermissionRefused,
    ValidationFailed naming fields, or ConflictError if somebody changed them first."""
    require_perm(
        user,
        "risk.change_matching_settings",
        initiative_id,
        "Only the lead organisation's initiative admins set the matching thresholds.",
    )
    cleaned = _clean_thresholds(data)
    with transaction.atomic():
        current = MatchingSettings.objects.select_for_update().filter(initiative_id=initiative_id).first()
        if current is None:
            if version not in (0, 1):
                raise DomainError(stale_message("the matching thresholds"))
            try:
                with transaction.atomic():
                    current = MatchingSettings.objects.create(
                        initiative_id=initiative_id, created_by=user, modified_by=user, **cleaned
                    )
            except IntegrityError:
                raise DomainError(stale_message("the matching thresholds")) from None
            changes = {name: {"before": None, "after": value} for name, value in cleaned.items()}
        else:
            changed = {name: value for name, value in cleaned.items() if getattr(current, name) != value}
            if not changed:
                return current
            changes = current.write_if_version(
                version=version,
                fields=changed,
                user=user,
                stale_message=stale_message("the matching thresholds"),
            )
        audit_record(user=user, verb="risk.matching_settings_changed", obj=current, changes=changes)
    return current


# --- Matching runs ----------------------------------------------------------------------------------------


def matching_run_start(
    *, user: User, risk_import: RiskImport, queue: bool = True
) -> tuple[MatchingRun, bool]:
    """Queue a matching run of an imported file with the initiative's newest approved model and its
    thresholds (both recorded on the run). Returns (the run, True), or (the unfinished run, False) when the
    import has one already. Raises PermissionRefused, or DomainError when the import has not finished or
    there is no approved model."""
    require_perm(user, "risk.view_import", risk_import, REFUSED)
    initiative_id = risk_import.source.initiative_id
    if risk_import.status != ImportStatus.DONE:
        raise DomainError("The file has not finished importing: match it once it has.")
    model = matching_model_in_use(initiative_id=initiative_id)
    if model is None:
        raise DomainError("There is no approved matching model: train one (risk_train_model) and approve it.")
    thresholds = matching_settings_for(initiative_id=initiative_id)
    unfinished = MatchingRun.objects.filter(
        risk_import=risk_import, status__in=[MatchingRunStatus.QUEUED, MatchingRunStatus.RUNNING]
    ).first()
    if unfinished is not None:
        return unfinished, False
    try:
        with transaction.atomic():
            run = MatchingRun.objects.create(
                risk_import=risk_import,
                matching_model=model,
                link_threshold=thresholds.link_threshold,
                review_threshold=thresholds.review_threshold,
                max_cluster=thresholds.max_cluster,
                created_by=user,
                modified_by=user,
            )
            audit_record(
                user=user,
                verb="risk.matching_run_started",
                obj=run,
                changes={
                    "risk_import": {"before": None, "after": risk_import.pk},
                    "matching_model": {"before": None, "after": model.number},
                    "link_threshold": {"before": None, "after": run.link_threshold},
                    "review_threshold": {"before": None, "after": run.review_threshold},
                    "max_cluster": {"before": None, "after": run.max_cluster},
                },
            )
            if queue:
                enqueue(
                    "risk.matching_run",
                    run_id=run.pk,
                    organisation_id=risk_import.source.initiative.lead_organisation_id,
                )
    except IntegrityError:
        return MatchingRun.objects.get(risk_import=risk_import, status__in=["queued", "running"]), False
    return run, True


def _person_row(record: SourceRecord) -> dict[str, Any]:
    try:
        nhs_number = normalise_nhs_number(record.nhs_number) if record.nhs_number else None
    except Exception:  # a number the import let through but the people rules refuse: leave it off
        nhs_number = None
    birth = None
    if _FULL_DATE.match(record.birth_date or ""):
        try:
            birth = datetime.date.fromisoformat(record.birth_date)
        except ValueError:
            birth = None
    return {
        "given_name": record.given_names,
        "family_name": record.family_name,
        "date_of_birth": birth,
        "nhs_number": nhs_number,
        "postcode": record.postcode,
        "uprn": record.uprn,
        "address_line_1": record.address,
    }


class _Applier:
    """Writes a run's decisions back, a batch at a time, in the new file's order."""

    def __init__(self, run: MatchingRun, records: dict[str, SourceRecord], person_of: dict[str, int]):
        self.run = run
        self.records = records
        self.person_of = person_of
        self.initiative_id = run.risk_import.source.initiative_id
        self.organisation_id = _lead_organisation_id(self.initiative_id)
        self.user = run.created_by
        self.counts = {"linked": 0, "new": 0, "review": 0}
        self.placements: list[dict[str, Any]] = []

    def apply(self, decisions: list[matching.MatchDecision]) -> None:
        now = clock.now()
        linked: list[SourceRecord] = []
        new: list[SourceRecord] = []
        # Links to an earlier record of this batch that becomes a new person: linked once it has one.
        deferred: list[tuple[SourceRecord, str]] = []
        pending_new: set[str] = set()
        reviews: list[ReviewItem] = []
        for decision in decisions:
            record = self.records[decision.new_id]
            other = decision.existing_id or ""
            target = self.person_of.get(other) if other else None
            outcome = decision.outcome
            if outcome == "link" and target is None and other in pending_new:
                deferred.append((record, other))
                pending_new.add(decision.new_id)
                continue
            if outcome == "link" and target is None:
                outcome = "review"  # its candidate, earlier in the file, has no person yet
            if outcome == "link":
                record.person_id = target
                linked.append(record)
                self.person_of[decision.new_id] = target  # type: ignore[assignment]
            elif outcome == "review":
                candidate_record = None
                if other.startswith("r"):
                    candidate_record = self.records.get(other) or SourceRecord.objects.get(pk=int(other[1:]))
                reviews.append(
                    ReviewItem(
                        run=self.run,
                        initiative_id=self.initiative_id,
                        record=record,
                        candidate_person_id=target,
                        candidate_record=candidate_record,
                        probability=decision.probability,
                        waterfall=list(decision.waterfall),
                    )
                )
            else:
                new.append(record)
                pending_new.add(decision.new_id)
        with transaction.atomic():
            people = people_create_from_matching(
                initiative_id=self.initiative_id,
                organisation_id=self.organisation_id,
                created_by=self.user,
                rows=[_person_row(record) for record in new],
            )
            for record, person in zip(new, people, strict=True):
                record.person_id = person.pk
                record.resolution = Resolution.NEW_PERSON
                self.person_of[f"r{record.pk}"] = person.pk
            for record, other in deferred:
                record.person_id = self.person_of[other]
                self.person_of[f"r{record.pk}"] = record.person_id
                linked.append(record)
            for record in linked:
                record.resolution = Resolution.LINKED
            for item in reviews:
                item.record.resolution = Resolution.IN_REVIEW
            changed = [*linked, *new, *(item.record for item in reviews)]
            for record in changed:
                record.resolved_at = now if record.resolution != Resolution.IN_REVIEW else None
                record.resolved_by = RESOLVED_BY_SPLINK
            SourceRecord.objects.bulk_update(changed, ["person", "resolution", "resolved_at", "resolved_by"])
            ReviewItem.objects.bulk_create(reviews)
        self.counts["linked"] += len(linked)
        self.counts["new"] += len(new)
        self.counts["review"] += len(reviews)
        self.placements.extend(
            {
                "person_id": record.person_id,
                "uprn": record.uprn,
                "postcode": record.postcode,
                "address_line_1": record.address,
            }
            for record in [*linked, *new]
        )


def matching_run_execute(*, run_id: int, progress: Callable[[int], None] | None = None) -> MatchingRun:
    """Match the run's import: each unresolved record is linked to a person, made a new person, or put in
    the review queue; then people are placed in households by UPRN (or normalised address). The job's body.

    A run that has finished does nothing; one cut short starts again on the records still unresolved (the
    decided ones stay decided). An error puts the run back to waiting (with the error) and is raised, for the
    job to retry."""
    run = MatchingRun.objects.select_related(
        "risk_import", "risk_import__source", "matching_model", "created_by"
    ).get(pk=run_id)
    if run.is_finished:
        return run
    MatchingRun.objects.filter(pk=run.pk).update(status=MatchingRunStatus.RUNNING, started_at=clock.now())
    try:
        counts = _match(run, progress)
    except Exception as error:
        MatchingRun.objects.filter(pk=run.pk).update(
            status=MatchingRunStatus.QUEUED, failure=f"Stopped, to be tried again: {error}"[:2000]
        )
        raise
    risk_import = run.risk_import
    with transaction.atomic():
        MatchingRun.objects.filter(pk=run.pk).update(
            status=MatchingRunStatus.DONE, finished_at=clock.now(), failure="", **counts
        )
        # Counts only: a run's audit event names nobody.
        audit_record(
            user=None,
            verb="risk.matching_run_finished",
            obj=run,
            changes={name: {"before": None, "after": value} for name, value in counts.items()}
            | {"matching_model": {"before": None, "after": run.matching_model.number}},
            organisation_id=risk_import.source.initiative.lead_organisation_id,
        )
    return MatchingRun.objects.get(pk=run.pk)


def _match(run: MatchingRun, progress: Callable[[int], None] | None) -> dict[str, int]:
    risk_import = run.risk_import
    initiative_id = risk_import.source.initiative_id
    pending = list(
        SourceRecord.objects.filter(risk_import=risk_import, resolution=Resolution.UNRESOLVED)
        .only(*_RECORD_FIELDS)
        .order_by("line", "pk")
    )
    records = {f"r{record.pk}": record for record in pending}
    person_of: dict[str, int] = {}
    applier = _Applier(run, records, person_of)
    if pending:
        thresholds = matching.Thresholds(
            link=run.link_threshold, review=run.review_threshold, max_cluster=run.max_cluster
        )
        with tempfile.TemporaryDirectory(dir=_work_dir()) as folder:
            new_path = matching.write_records((_record_row(r) for r in pending), Path(folder) / "new.parquet")
            index_path = matching.write_records(
                _index_rows(initiative_id, person_of), Path(folder) / "index.parquet"
            )
            decisions = matching.match_incremental(
                new_path, index_path, run.matching_model.model_json, thresholds
            )
        for start in range(0, len(decisions), BATCH):
            batch = decisions[start : start + BATCH]
            applier.apply(batch)
            if progress:
                progress(len(batch))
    joined = households_place_from_matching(
        initiative_id=initiative_id,
        organisation_id=applier.organisation_id,
        created_by=applier.user,
        placements=[p for p in applier.placements if p["person_id"]],
        start_date=risk_import.extracted_on or clock.today(),
    )
    return {
        "records_matched": len(pending),
        "records_linked": applier.counts["linked"],
        "people_created": applier.counts["new"],
        "records_in_review": applier.counts["review"],
        "households_joined": joined,
    }


# --- Clerical review --------------------------------------------------------------------------------------


def review_item_decide(*, user: User, item: ReviewItem, version: int, decision: str) -> ReviewItem:
    """Decide an open pair: link (the record is the candidate person), keep apart (the record is a new
    person), or skip (it goes to the back of the queue). A link or keep-apart is kept as a label. Raises
    PermissionRefused, ValidationFailed for an unknown decision, DomainError when it is decided already or
    its candidate has no person yet, ConflictError if somebody decided it first."""
    require_perm(user, "risk.review_match", item, REFUSED)
    if decision not in ReviewDecision.values:
        raise ValidationFailed("Choose link, keep apart or skip", field="decision")
    now = clock.now()
    with transaction.atomic():
        locked = (
            ReviewItem.objects.select_for_update(of=("self",)).select_related("record", "run").get(pk=item.pk)
        )
        if locked.status != ReviewStatus.OPEN:
            raise DomainError("This pair has been decided already.")
        record = SourceRecord.objects.select_for_update().get(pk=locked.record_id)
        if decision == ReviewDecision.SKIP:
            changes = locked.write_if_version(
                version=version,
                fields={"skipped_at": now},
                user=user,
                stale_message=stale_message("this pair"),
            )
            audit_record(user=user, verb="risk.review_skipped", obj=locked, changes=changes)
            return locked
        if decision == ReviewDecision.LINK:
            person_id = locked.candidate_person_id
            if person_id is None and locked.candidate_record_id is not None:
                person_id = SourceRecord.objects.values_list("person_id", flat=True).get(
                    pk=locked.candidate_record_id
                )
            if person_id is None:
                raise DomainError("The other record has no person yet: decide its own pair first.")
            status = ReviewStatus.LINKED
            resolution = Resolution.LINKED
        else:
            person_id = people_create_from_matching(
                initiative_id=locked.initiative_id,
                organisation_id=_lead_organisation_id(locked.initiative_id),
                created_by=user,
                rows=[_person_row(record)],
            )[0].pk
            status = ReviewStatus.KEPT_APART
            resolution = Resolution.NEW_PERSON
        changes = locked.write_if_version(
            version=version,
            fields={"status": status, "decided_by": user, "decided_at": now},
            user=user,
            stale_message=stale_message("this pair", did="decided"),
        )
        record.person_id = person_id
        record.resolution = resolution
        record.resolved_at = now
        record.resolved_by = RESOLVED_BY_REVIEW
        record.save(update_fields=["person", "resolution", "resolved_at", "resolved_by", "modified_at"])
        MatchLabel.objects.create(
            review_item=locked,
            record=record,
            person_id=locked.candidate_person_id or (person_id if decision == ReviewDecision.LINK else None),
            is_match=decision == ReviewDecision.LINK,
            matching_model_id=locked.run.matching_model_id if locked.run else None,
            probability=locked.probability,
            decided_by=user,
            decided_at=now,
        )
        audit_record(
            user=user,
            verb="risk.review_linked" if decision == ReviewDecision.LINK else "risk.review_kept_apart",
            obj=locked,
            person_id=person_id,
            changes={
                **{k: {"before": v["before"], "after": str(v["after"])} for k, v in changes.items()},
                "record_person": {"before": None, "after": person_id},
            },
        )
    if record.uprn or record.address:
        households_place_from_matching(
            initiative_id=locked.initiative_id,
            organisation_id=_lead_organisation_id(locked.initiative_id),
            created_by=user,
            placements=[
                {
                    "person_id": person_id,
                    "uprn": record.uprn,
                    "postcode": record.postcode,
                    "address_line_1": record.address,
                }
            ],
            start_date=clock.today(),
        )
    return locked


def source_record_link_undo(*, user: User, record: SourceRecord, reason: str) -> ReviewItem:
    """Undo a wrong link: the record loses its person and goes back to the review queue, paired again with
    the person it was linked to (a review decision's label is withdrawn, not deleted). Audited with the
    reason. Raises PermissionRefused, ValidationFailed without a reason, DomainError when it is not linked."""
    require_perm(user, "risk.view_source_record", record, REFUSED)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("Say why the link is wrong", field="reason")
    now = clock.now()
    with transaction.atomic():
        locked = SourceRecord.objects.select_for_update().get(pk=record.pk)
        if locked.resolution != Resolution.LINKED or locked.person_id is None:
            raise DomainError("This record is not linked to a person, so there is no link to undo.")
        person_id = locked.person_id
        decided = (
            ReviewItem.objects.select_for_update()
            .filter(record=locked, status=ReviewStatus.LINKED)
            .order_by("-decided_at", "-id")
            .first()
        )
        if decided is not None:
            decided.status = ReviewStatus.UNDONE
            decided.save(update_fields=["status", "modified_at"])
            MatchLabel.objects.filter(review_item=decided, withdrawn_at__isnull=True).update(withdrawn_at=now)
        if decided is not None:
            probability, waterfall = decided.probability, decided.waterfall
        else:
            probability, waterfall = _score_with_person(locked, person_id)
        item = ReviewItem.objects.create(
            run=decided.run if decided else None,
            initiative_id=locked.initiative_id,
            record=locked,
            candidate_person_id=person_id,
            probability=probability,
            waterfall=waterfall,
            created_by=user,
            modified_by=user,
        )
        before = {"resolution": locked.resolution, "person": person_id, "resolved_by": locked.resolved_by}
        locked.person_id = None
        locked.resolution = Resolution.IN_REVIEW
        locked.resolved_at = None
        locked.resolved_by = ""
        locked.save(update_fields=["person", "resolution", "resolved_at", "resolved_by", "modified_at"])
        audit_record(
            user=user,
            verb="risk.link_undone",
            obj=locked,
            person_id=person_id,
            changes={
                "resolution": {"before": before["resolution"], "after": Resolution.IN_REVIEW},
                "person": {"before": person_id, "after": None},
                "resolved_by": {"before": before["resolved_by"], "after": ""},
                "review_item": {"before": None, "after": item.pk},
            },
            reason=reason,
        )
    return item


def _score_with_person(record: SourceRecord, person_id: int) -> tuple[float, list[dict[str, Any]]]:
    """How the approved model scores a record against a person (for a pair put back in review by an undo of
    an automatic link): the probability and the waterfall; (0, []) when no model is approved."""
    model = matching_model_in_use(initiative_id=record.initiative_id)
    rows = list(person_rows_for_matching(initiative_id=record.initiative_id, person_ids=[person_id]))
    if model is None or not rows:
        return 0.0, []
    bars = list(matching.waterfall_for(_record_row(record), _person_index_row(rows[0]), model.model_json))
    weight = sum(float(bar["match_weight"]) for bar in bars)
    return 1 / (1 + 2**-weight) if weight > -1000 else 0.0, bars
