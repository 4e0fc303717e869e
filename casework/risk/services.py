"""Identify's writes: sources, imports (with the deterministic first matching pass), and the risk model.

Every write checks its policy, records its audit event in the same transaction, and changes nothing when it
refuses. An import of a file already imported for its source (the same SHA-256) changes nothing.
"""

from __future__ import annotations

import datetime
import json
import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q

from casework.accounts.models import User
from casework.audit.services import audit_record
from casework.cases.selectors import risk_categories_for
from casework.core import clock
from casework.core.errors import ConflictError, DomainError, ValidationFailed, stale_message
from casework.core.jobs import enqueue
from casework.core.permissions import require_perm
from casework.people.selectors import person_ids_by_nhs_number
from casework.risk import importing
from casework.risk.choices import ImportStatus, Resolution, SourceFormat
from casework.risk.cohort_models import CohortRow
from casework.risk.errors import RiskModelFrozen
from casework.risk.linking_models import MatchLabel, ReviewItem
from casework.risk.models import (
    RiskFactor,
    RiskFactorDefinition,
    RiskImport,
    RiskImportProblem,
    RiskModel,
    RiskModelCategory,
    RiskModelVersion,
    RiskRule,
    RiskSource,
    SourceRecord,
)
from casework.risk.pipeline import rules as pipeline_rules

logger = logging.getLogger("casework.risk")
BATCH_ROWS = 1000
REFUSED = "Only the lead organisation's initiative admins and risk analysts work on Identify."

# --- Sources ---------------------------------------------------------------------------------------------

SOURCE_FIELDS = ("name", "owner", "lawful_basis", "file_format", "column_mapping", "fixed_values")


def _clean_source(data: dict[str, Any]) -> dict[str, Any]:
    file_format: str = data.get("file_format") or ""
    column_mapping: dict[str, str] = {
        k: v.strip() for k, v in (data.get("column_mapping") or {}).items() if v and v.strip()
    }
    fixed_values: dict[str, str] = {
        k: v.strip() for k, v in (data.get("fixed_values") or {}).items() if v and v.strip()
    }
    cleaned: dict[str, Any] = {
        "name": (data.get("name") or "").strip(),
        "owner": (data.get("owner") or "").strip(),
        "lawful_basis": (data.get("lawful_basis") or "").strip(),
        "file_format": file_format,
        "column_mapping": column_mapping,
        "fixed_values": fixed_values,
    }
    errors: dict[str, str] = {}
    for name, label in (("name", "Name"), ("owner", "Owner"), ("lawful_basis", "Lawful basis")):
        if not cleaned[name]:
            errors[name] = f"Enter the source’s {label.lower()}"
    if file_format not in SourceFormat.values:
        errors["file_format"] = "Choose the format of the source’s files"
    else:
        for name, message in importing.mapping_problems(file_format, column_mapping, fixed_values).items():
            errors[f"column_mapping.{name}"] = message
    if errors:
        raise ValidationFailed(next(iter(errors.values())), errors=errors)
    return cleaned


def risk_source_create(*, user: User, initiative_id: int, data: dict[str, Any]) -> RiskSource:
    """Register a source of the initiative. Raises PermissionRefused, or ValidationFailed naming fields."""
    require_perm(user, "risk.use_identify", initiative_id, REFUSED)
    cleaned = _clean_source(data)
    if RiskSource.objects.filter(initiative_id=initiative_id, name=cleaned["name"]).exists():
        raise ValidationFailed("There is a source of that name already", field="name")
    with transaction.atomic():
        source = RiskSource.objects.create(
            initiative_id=initiative_id, created_by=user, modified_by=user, **cleaned
        )
        audit_record(
            user=user,
            verb="risk.source_registered",
            obj=source,
            changes={name: {"before": None, "after": cleaned[name]} for name in SOURCE_FIELDS},
        )
    return source


def risk_source_change(*, user: User, source: RiskSource, version: int, data: dict[str, Any]) -> RiskSource:
    """Change a source's owner, lawful basis or mapping (imports already made keep what they read).
    Raises PermissionRefused, ValidationFailed, or ConflictError if somebody changed it first."""
    require_perm(user, "risk.view_source", source, REFUSED)
    cleaned = _clean_source(data)
    clash = RiskSource.objects.filter(initiative_id=source.initiative_id, name=cleaned["name"]).exclude(
        pk=source.pk
    )
    if clash.exists():
        raise ValidationFailed("There is a source of that name already", field="name")
    changed = {name: value for name, value in cleaned.items() if getattr(source, name) != value}
    if not changed:
        return source
    with transaction.atomic():
        changes = source.write_if_version(
            version=version,
            fields=changed,
            user=user,
            stale_message=stale_message("the source"),
        )
        audit_record(user=user, verb="risk.source_changed", obj=source, changes=changes)
    return source


# --- Imports ---------------------------------------------------------------------------------------------


def uploads_dir() -> Path:
    path = Path(settings.CASEWORK_RISK_UPLOADS_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _existing_import(source: RiskSource, sha256: str) -> RiskImport | None:
    return RiskImport.objects.filter(source=source, file_sha256=sha256).first()


def _earlier_import(source: RiskSource, sha256: str) -> RiskImport:
    """The import of the file that another request registered first (its row made _new_import's clash)."""
    return RiskImport.objects.get(source=source, file_sha256=sha256)


def _new_import(
    *,
    user: User,
    source: RiskSource,
    file_name: str,
    sha256: str,
    size: int,
    extracted_on: datetime.date | None,
    stored_path: str,
) -> RiskImport | None:
    """The import's row, audited; None if the same file was registered at that moment by someone else."""
    try:
        with transaction.atomic():
            risk_import = RiskImport.objects.create(
                source=source,
                file_name=file_name[:255],
                file_sha256=sha256,
                file_size=size,
                extracted_on=extracted_on,
                stored_path=stored_path,
                created_by=user,
                modified_by=user,
            )
            audit_record(
                user=user,
                verb="risk.import_started",
                obj=risk_import,
                changes={
                    "source": {"before": None, "after": source.pk},
                    "file_name": {"before": None, "after": risk_import.file_name},
                    "file_sha256": {"before": None, "after": sha256},
                },
            )
            if stored_path:
                enqueue(
                    "risk.import_run",
                    import_id=risk_import.pk,
                    organisation_id=source.initiative.lead_organisation_id,
                )
    except IntegrityError:
        return None
    return risk_import


def _check_extracted_on(extracted_on: datetime.date | None) -> None:
    if extracted_on is not None and extracted_on > clock.today():
        raise ValidationFailed(
            "The date the data was extracted must be today or in the past", field="extracted_on"
        )


def risk_import_upload(
    *,
    user: User,
    source: RiskSource,
    upload: IO[bytes],
    file_name: str,
    extracted_on: datetime.date | None = None,
) -> tuple[RiskImport, bool]:
    """Keep an uploaded file (copied a megabyte at a time, hashing it) and queue its import as a background
    job. Returns (the import, True), or (the earlier import, False) for a file already imported for the
    source: then nothing is kept or changed. Raises PermissionRefused or ValidationFailed."""
    require_perm(user, "risk.view_source", source, REFUSED)
    _check_extracted_on(extracted_on)
    directory = uploads_dir()
    partial = directory / f"{uuid.uuid4().hex}.part"
    with open(partial, "wb") as destination:
        sha256, size = importing.hashing_copy(upload, destination)
    existing = _existing_import(source, sha256)
    if existing is not None:
        partial.unlink(missing_ok=True)
        return existing, False
    stored = directory / f"{source.pk}-{sha256}.upload"
    os.replace(partial, stored)
    risk_import = _new_import(
        user=user,
        source=source,
        file_name=file_name,
        sha256=sha256,
        size=size,
        extracted_on=extracted_on,
        stored_path=str(stored),
    )
    if risk_import is None:
        return _earlier_import(source, sha256), False
    return risk_import, True


def risk_import_file(
    *,
    user: User,
    source: RiskSource,
    path: Path,
    extracted_on: datetime.date | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[RiskImport, bool]:
    """Import a file where it lies (the command line), now. Returns (the import, True), or (the earlier
    import, False) when the source already has this file: then nothing changes."""
    require_perm(user, "risk.view_source", source, REFUSED)
    _check_extracted_on(extracted_on)
    sha256, size = importing.file_sha256(path)
    existing = _existing_import(source, sha256)
    if existing is not None:
        return existing, False
    risk_import = _new_import(
        user=user,
        source=source,
        file_name=path.name,
        sha256=sha256,
        size=size,
        extracted_on=extracted_on,
        stored_path="",
    )
    if risk_import is None:
        return _earlier_import(source, sha256), False
    return risk_import_run(import_id=risk_import.pk, path=path, progress=progress), True


@dataclass
class _Reading:
    """What an import run carries from batch to batch: the records made so far, by PersonReference."""

    risk_import: RiskImport
    record_ids: dict[str, int]


def _clear(risk_import: RiskImport) -> None:
    """Remove what a run that did not finish wrote (its worker died): the import starts again from nothing."""
    RiskFactor.objects.filter(risk_import=risk_import).delete()
    SourceRecord.objects.filter(risk_import=risk_import).delete()
    RiskImportProblem.objects.filter(risk_import=risk_import).delete()


def _write_batch(reading: _Reading, checked: list[importing.CheckedRow | list[importing.Problem]]) -> None:
    risk_import = reading.risk_import
    source = risk_import.source
    problems, rows = [], []
    for item in checked:
        if isinstance(item, importing.CheckedRow):
            rows.append(item)
        else:
            problems.extend(item)
    rejected_lines = len({problem.line for problem in problems})
    with transaction.atomic():
        RiskImportProblem.objects.bulk_create(
            RiskImportProblem(risk_import=risk_import, line=p.line, field=p.field, reason=p.reason[:300])
            for p in problems
        )
        new_records = {}
        for row in rows:
            if row.person_reference not in reading.record_ids and row.person_reference not in new_records:
                new_records[row.person_reference] = SourceRecord(
                    risk_import=risk_import,
                    source=source,
                    initiative_id=source.initiative_id,
                    line=row.line,
                    person_reference=row.person_reference,
                    nhs_number=row.nhs_number,
                    given_names=row.given_names,
                    family_name=row.family_name,
                    alias=row.alias,
                    birth_date=row.birth_date,
                    gender=row.gender,
                    uprn=row.uprn,
                    address=row.address,
                    postcode=row.postcode,
                    created_by=risk_import.created_by,
                )
        for record in SourceRecord.objects.bulk_create(new_records.values()):
            reading.record_ids[record.person_reference] = record.pk
        RiskFactor.objects.bulk_create(
            (
                RiskFactor(
                    record_id=reading.record_ids[row.person_reference],
                    source=source,
                    risk_import=risk_import,
                    attribute_type=row.attribute_type,
                    scheme=row.scheme,
                    term=row.term,
                    factor_date=row.attribute_date,
                    source_system=row.source_system,
                    extracted_on=row.extracted_on or risk_import.extracted_on,
                    line=row.line,
                )
                for row in rows
            ),
            # The same factor twice for one person (a repeated row) is kept once.
            ignore_conflicts=True,
        )
        RiskImport.objects.filter(pk=risk_import.pk).update(
            rows_read=F("rows_read") + len(rows) + rejected_lines,
            rows_imported=F("rows_imported") + len(rows),
            rows_rejected=F("rows_rejected") + rejected_lines,
            records_created=F("records_created") + len(new_records),
        )


def risk_import_run(
    *, import_id: int, path: Path | None = None, progress: Callable[[int], None] | None = None
) -> RiskImport:
    """Read the import's file a batch of rows at a time: each good row becomes (part of) a source record and
    a factor, each bad one a problem with its line; then link records by NHS number. The import job's body.

    Run twice (a retried job, a worker killed half-way), it starts again from nothing; run after it finished,
    it does nothing. A file that cannot be read at all fails the import with the reason, and imports nothing.
    Any other error puts the import back to waiting (with the error) and is raised, for the job to retry."""
    risk_import = RiskImport.objects.select_related("source", "source__initiative", "created_by").get(
        pk=import_id
    )
    if risk_import.status in (ImportStatus.DONE, ImportStatus.FAILED):
        return risk_import
    source = risk_import.source
    path = Path(path or risk_import.stored_path)
    with transaction.atomic():
        _clear(risk_import)
        RiskImport.objects.filter(pk=risk_import.pk).update(
            status=ImportStatus.RUNNING,
            started_at=clock.now(),
            rows_read=0,
            rows_imported=0,
            rows_rejected=0,
            records_created=0,
            factors_created=0,
            records_linked=0,
            failure="",
        )
    reading = _Reading(risk_import=risk_import, record_ids={})
    mapping = importing.mapping_for(source.file_format, source.column_mapping)
    try:
        with open(path, "rb") as handle:
            batch: list[importing.CheckedRow | list[importing.Problem]] = []
            for line, values in importing.raw_rows(handle, source.file_format, mapping):
                batch.append(
                    importing.check_row(
                        line, values, file_format=source.file_format, fixed_values=source.fixed_values
                    )
                )
                if len(batch) >= BATCH_ROWS:
                    _write_batch(reading, batch)
                    if progress:
                        progress(len(batch))
                    batch = []
            _write_batch(reading, batch)
            if progress:
                progress(len(batch))
    except (importing.FileUnreadable, FileNotFoundError) as error:
        message = (
            error.message if isinstance(error, importing.FileUnreadable) else "The file is no longer there"
        )
        with transaction.atomic():
            _clear(risk_import)
            _finish(risk_import, status=ImportStatus.FAILED, failure=message)
        return RiskImport.objects.get(pk=risk_import.pk)
    except Exception as error:
        RiskImport.objects.filter(pk=risk_import.pk).update(
            status=ImportStatus.QUEUED, failure=f"Stopped, to be tried again: {error}"[:2000]
        )
        raise
    with transaction.atomic():
        linked = source_records_link_by_nhs_number(risk_import=risk_import)
        _finish(risk_import, status=ImportStatus.DONE, linked=linked)
    return RiskImport.objects.get(pk=risk_import.pk)


def _finish(risk_import: RiskImport, *, status: str, failure: str = "", linked: int = 0) -> None:
    factors = RiskFactor.objects.filter(risk_import=risk_import).count()
    RiskImport.objects.filter(pk=risk_import.pk).update(
        status=status,
        failure=failure,
        finished_at=clock.now(),
        factors_created=factors,
        records_linked=linked,
    )
    counts = RiskImport.objects.filter(pk=risk_import.pk).values(
        "rows_read", "rows_imported", "rows_rejected", "records_created", "factors_created", "records_linked"
    )[0]
    # Counts only: an import's audit event names nobody.
    audit_record(
        user=None,
        verb="risk.import_failed" if status == ImportStatus.FAILED else "risk.import_finished",
        obj=risk_import,
        changes={
            "status": {"before": ImportStatus.RUNNING, "after": status},
            **{name: {"before": None, "after": value} for name, value in counts.items()},
        },
        reason=failure,
        organisation_id=risk_import.source.initiative.lead_organisation_id,
    )
    if risk_import.stored_path:
        stored = Path(risk_import.stored_path)
        transaction.on_commit(lambda: stored.unlink(missing_ok=True))


def source_records_link_by_nhs_number(*, risk_import: RiskImport) -> int:
    """The deterministic first matching pass: an unresolved record whose (valid) NHS number is an existing
    person's of the initiative is linked to that person. Returns how many were linked. The others stay
    unresolved for the probabilistic pass."""
    now = clock.now()
    linked = 0
    pending = SourceRecord.objects.filter(risk_import=risk_import, resolution=Resolution.UNRESOLVED).exclude(
        nhs_number=""
    )
    last_id = 0
    while True:
        chunk = list(pending.filter(pk__gt=last_id).order_by("pk").only("pk", "nhs_number")[:BATCH_ROWS])
        if not chunk:
            return linked
        last_id = chunk[-1].pk
        people = person_ids_by_nhs_number(
            initiative_id=risk_import.source.initiative_id,
            nhs_numbers=[record.nhs_number for record in chunk],
        )
        matched = []
        for record in chunk:
            if record.nhs_number in people:
                record.person_id = people[record.nhs_number]
                record.resolution = Resolution.LINKED
                record.resolved_at = now
                record.resolved_by = "nhs_number"
                matched.append(record)
        SourceRecord.objects.bulk_update(
            matched, ["person", "resolution", "resolved_at", "resolved_by"], batch_size=BATCH_ROWS
        )
        linked += len(matched)


# --- The risk model --------------------------------------------------------------------------------------

MODEL_TEXT_FIELDS = ("purpose", "legal_basis", "area")
STALE_MODEL = stale_message("this version of the risk model")


def _clean_model_text(data: dict[str, Any]) -> dict[str, str]:
    cleaned = {name: (data.get(name) or "").strip() for name in MODEL_TEXT_FIELDS}
    labels = {"purpose": "purpose", "legal_basis": "legal basis", "area": "area"}
    errors = {name: f"Enter the model’s {labels[name]}" for name, value in cleaned.items() if not value}
    if errors:
        raise ValidationFailed(next(iter(errors.values())), errors=errors)
    return cleaned


def _require_changeable(user: User, model_version: RiskModelVersion) -> RiskModelVersion:
    """The version, read again and locked for the change: refused when the user may not see it, or when it
    has run (RiskModelFrozen), whatever the caller's copy says."""
    require_perm(user, "risk.view_risk_model", model_version, REFUSED)
    locked = RiskModelVersion.objects.select_for_update().select_related("model").get(pk=model_version.pk)
    if locked.has_run:
        raise RiskModelFrozen(locked)
    return locked


def risk_model_create(*, user: User, initiative_id: int, name: str, data: dict[str, Any]) -> RiskModelVersion:
    """A new risk model of the initiative, with its first version (no categories, factors or rules yet)."""
    require_perm(user, "risk.use_identify", initiative_id, REFUSED)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("Enter the model’s name", field="name")
    cleaned = _clean_model_text(data)
    if RiskModel.objects.filter(initiative_id=initiative_id, name=name).exists():
        raise ValidationFailed("There is a risk model of that name already", field="name")
    with transaction.atomic():
        model = RiskModel.objects.create(
            initiative_id=initiative_id, name=name, created_by=user, modified_by=user
        )
        model_version = RiskModelVersion.objects.create(
            model=model, number=1, created_by=user, modified_by=user, **cleaned
        )
        audit_record(
            user=user,
            verb="risk.model_created",
            obj=model_version,
            changes={"name": {"before": None, "after": name}}
            | {field: {"before": None, "after": value} for field, value in cleaned.items()},
        )
    return model_version


def risk_model_version_change(
    *, user: User, model_version: RiskModelVersion, version: int, data: dict[str, Any]
) -> RiskModelVersion:
    """Change a version's purpose, legal basis or area. Raises RiskModelFrozen once it has run."""
    cleaned = _clean_model_text(data)
    with transaction.atomic():
        locked = _require_changeable(user, model_version)
        changed = {name: value for name, value in cleaned.items() if getattr(locked, name) != value}
        if not changed:
            return locked
        changes = locked.write_if_version(
            version=version, fields=changed, user=user, stale_message=STALE_MODEL
        )
        audit_record(user=user, verb="risk.model_changed", obj=locked, changes=changes)
    return locked


def risk_model_version_copy(*, user: User, model_version: RiskModelVersion) -> RiskModelVersion:
    """A new version of the model: a copy of this one (its categories and ranks, factors, and rules with the
    same ids), numbered after the model's latest, which may then be changed until it runs."""
    require_perm(user, "risk.view_risk_model", model_version, REFUSED)
    with transaction.atomic():
        model = RiskModel.objects.select_for_update().get(pk=model_version.model_id)
        number = (model.versions.aggregate(latest=Max("number"))["latest"] or 0) + 1
        copy = RiskModelVersion.objects.create(
            model=model,
            number=number,
            purpose=model_version.purpose,
            legal_basis=model_version.legal_basis,
            area=model_version.area,
            copied_from=model_version,
            created_by=user,
            modified_by=user,
        )
        RiskModelCategory.objects.bulk_create(
            RiskModelCategory(model_version=copy, category_id=row.category_id, rank=row.rank)
            for row in model_version.categories.all()
        )
        RiskFactorDefinition.objects.bulk_create(
            RiskFactorDefinition(model_version=copy, scheme=row.scheme, term=row.term, label=row.label)
            for row in model_version.factor_definitions.all()
        )
        RiskRule.objects.bulk_create(
            RiskRule(
                model_version=copy,
                rule_id=row.rule_id,
                category_id=row.category_id,
                when=row.when,
                description=row.description,
                position=row.position,
            )
            for row in model_version.rules.all()
        )
        audit_record(
            user=user,
            verb="risk.model_version_copied",
            obj=copy,
            changes={
                "copied_from": {"before": None, "after": model_version.pk},
                "number": {"before": None, "after": number},
            },
        )
    return copy


def risk_model_category_add(
    *, user: User, model_version: RiskModelVersion, category_id: int, rank: int
) -> RiskModelCategory:
    """Rank one of the initiative's risk categories in the version (1 is the highest)."""
    with transaction.atomic():
        locked = _require_changeable(user, model_version)
        categories = risk_categories_for(initiative_id=locked.model.initiative_id)
        category = categories.filter(pk=category_id).first()
        if category is None:
            raise ValidationFailed("Choose one of the initiative’s risk categories", field="category")
        if rank < 1 or rank > 100:
            raise ValidationFailed(
                "The rank must be a whole number from 1 (the highest) to 100", field="rank"
            )
        if locked.categories.filter(category=category).exists():
            raise ValidationFailed(f"{category.label} is in the model already", field="category")
        if locked.categories.filter(rank=rank).exists():
            raise ValidationFailed(f"Another category has rank {rank}: give each its own", field="rank")
        row = RiskModelCategory.objects.create(model_version=locked, category=category, rank=rank)
        audit_record(
            user=user,
            verb="risk.model_category_added",
            obj=locked,
            changes={
                "category": {"before": None, "after": category.code},
                "rank": {"before": None, "after": rank},
            },
        )
    return row


def risk_model_category_remove(*, user: User, model_category: RiskModelCategory) -> None:
    """Take a category out of the version; refused while a rule gives it."""
    with transaction.atomic():
        locked = _require_changeable(user, model_category.model_version)
        if locked.rules.filter(category_id=model_category.category_id).exists():
            raise DomainError("A rule gives this category: change or remove the rule first.")
        model_category.delete()
        audit_record(
            user=user,
            verb="risk.model_category_removed",
            obj=locked,
            changes={"category": {"before": model_category.category.code, "after": None}},
        )


def risk_factor_definition_add(
    *, user: User, model_version: RiskModelVersion, scheme: str, term: str, label: str
) -> RiskFactorDefinition:
    """Add a risk factor (a scheme and a term, in normal form) the version's rules may use."""
    errors: dict[str, str] = {}
    scheme_code = importing.code_for(scheme or "")
    term_code = importing.code_for(term or "")
    for name, code in (("scheme", scheme_code), ("term", term_code)):
        if code is None:
            errors[name] = f"The {name} must be letters, digits, _ . + or - (no /)"
    label = (label or "").strip()
    if not label:
        errors["label"] = "Say what the factor means, in plain English"
    if errors or scheme_code is None or term_code is None:
        raise ValidationFailed(next(iter(errors.values())), errors=errors)
    with transaction.atomic():
        locked = _require_changeable(user, model_version)
        if locked.factor_definitions.filter(scheme=scheme_code, term=term_code).exists():
            raise ValidationFailed(f"{scheme_code}/{term_code} is in the model already", field="term")
        row = RiskFactorDefinition.objects.create(
            model_version=locked, scheme=scheme_code, term=term_code, label=label
        )
        audit_record(
            user=user,
            verb="risk.model_factor_added",
            obj=locked,
            changes={
                "factor": {"before": None, "after": row.code},
                "label": {"before": None, "after": label},
            },
        )
    return row


def risk_factor_definition_remove(*, user: User, factor: RiskFactorDefinition) -> None:
    """Take a factor out of the version; refused while a rule uses it."""
    with transaction.atomic():
        locked = _require_changeable(user, factor.model_version)
        using = [rule.rule_id for rule in locked.rules.all() if factor.code in factors_named(rule.when)]
        if using:
            raise DomainError(f"Rule {', '.join(using)} uses {factor.code}: change or remove it first.")
        factor.delete()
        audit_record(
            user=user,
            verb="risk.model_factor_removed",
            obj=locked,
            changes={"factor": {"before": factor.code, "after": None}},
        )


def factors_named(when: Any) -> set[str]:
    """Every "scheme/term" a rule's expression names (its {"factor": ...} leaves), however deep."""
    found: set[str] = set()
    if isinstance(when, dict):
        if isinstance(when.get("factor"), str):
            found.add(when["factor"])
        for value in when.values():
            found |= factors_named(value)
    elif isinstance(when, list):
        for value in when:
            found |= factors_named(value)
    return found


# --- Rules -----------------------------------------------------------------------------------------------

RULE_ID_PREFIX = "R"
STALE_RULE = stale_message("the rule")


def _described(when: dict[str, Any], labels: dict[str, str]) -> str:
    """A condition in plain English, with the factors' own words: "severe frailty and aged 75 or over"."""
    text = pipeline_rules.describe(when, labels)
    # describe() brackets a top-level all/any as a whole: the brackets always match.
    return (text[1:-1] if text.startswith("(") and text.endswith(")") else text)[:200]


def _clean_rule(
    locked: RiskModelVersion,
    *,
    category_id: int | None,
    when: Any,
    description: str,
    previous: RiskRule | None = None,
) -> tuple[int, dict[str, Any], str]:
    """(The category's id, the expression, the description) once the pipeline's rule_errors and the version
    agree with them; else ValidationFailed with a message on each field at fault ("when" for the expression,
    "when.all[0]" for a part of it). A description that was written from the previous condition is written
    again from the new one."""
    errors: dict[str, str] = {}
    ranked = {row.category_id: row.category for row in locked.categories.select_related("category")}
    if category_id not in ranked:
        errors["category"] = "Choose one of the model’s risk categories (add it to the model first)"
    problems = pipeline_rules.rule_errors(when)
    if not problems and "\\u0000" in json.dumps(when):
        problems = ["rule: text in a condition cannot hold a NUL character"]
    for problem in problems:
        where, _, message = problem.partition(": ")
        key = "when" + where.removeprefix("rule")
        errors.setdefault(key, f"The rule’s condition: {message}")
    labels: dict[str, str] = {}
    if not problems:
        labels = {factor.code: factor.label.lower() for factor in locked.factor_definitions.all()}
        unknown = sorted(factors_named(when) - set(labels))
        if unknown:
            errors["when"] = (
                f"{', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not among the model’s risk "
                "factors: add the factor to the model first"
            )
    description = (description or "").strip()
    if len(description) > 200:
        errors["description"] = "Say what the rule means in 200 characters or fewer"
    if errors:
        raise ValidationFailed(next(iter(errors.values())), errors=errors)
    assert isinstance(when, dict) and category_id is not None
    if (
        previous is not None
        and previous.when != when
        and not pipeline_rules.rule_errors(previous.when)
        and description == _described(previous.when, labels)
    ):
        description = ""
    if not description:
        description = _described(when, labels)
    return category_id, when, description


def _next_rule_id(locked: RiskModelVersion) -> str:
    """The next id never given by any version of the model (the model row, locked, counts them): a removed
    R3 is never R3 again with another meaning, so that "R3" means one thing in every cohort of the model."""
    model = RiskModel.objects.select_for_update().get(pk=locked.model_id)
    used = RiskRule.objects.filter(model_version__model_id=model.pk).values_list("rule_id", flat=True)
    numbers = [
        int(rule_id[len(RULE_ID_PREFIX) :])
        for rule_id in used
        if rule_id.startswith(RULE_ID_PREFIX) and rule_id[len(RULE_ID_PREFIX) :].isdigit()
    ]
    number = max([model.last_rule_number, *numbers]) + 1
    RiskModel.objects.filter(pk=model.pk).update(last_rule_number=number)
    return f"{RULE_ID_PREFIX}{number}"


def _rule_changes(rule: RiskRule, before: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    after = {
        "rule_id": rule.rule_id,
        "category": rule.category_id,
        "when": rule.when,
        "description": rule.description,
    }
    if before is None:
        return {name: {"before": None, "after": value} for name, value in after.items()}
    return {
        name: {"before": before[name], "after": value}
        for name, value in after.items()
        if before[name] != value
    }


def risk_rule_add(
    *,
    user: User,
    model_version: RiskModelVersion,
    category_id: int | None,
    when: Any,
    description: str = "",
) -> RiskRule:
    """Add a rule to a version that has not run: when its expression (risk.pipeline.rules' grammar) holds,
    the person is in the category. It gets the model's next stable id ("R4") and goes last.
    Raises PermissionRefused, RiskModelFrozen, or ValidationFailed naming category, when or description."""
    with transaction.atomic():
        locked = _require_changeable(user, model_version)
        category, expression, text = _clean_rule(
            locked, category_id=category_id, when=when, description=description
        )
        position = (locked.rules.aggregate(last=Max("position"))["last"] or 0) + 1
        rule = RiskRule.objects.create(
            model_version=locked,
            rule_id=_next_rule_id(locked),
            category_id=category,
            when=expression,
            description=text,
            position=position,
        )
        audit_record(user=user, verb="risk.model_rule_added", obj=locked, changes=_rule_changes(rule, None))
    return rule


def _locked_rule(locked: RiskModelVersion, rule: RiskRule) -> RiskRule:
    found = RiskRule.objects.select_for_update().filter(pk=rule.pk, model_version=locked).first()
    if found is None:
        raise DomainError("That rule is no longer in this version of the model.")
    return found


def risk_rule_update(
    *,
    user: User,
    rule: RiskRule,
    version: int,
    category_id: int | None,
    when: Any,
    description: str = "",
) -> RiskRule:
    """Change a rule of a version that has not run; its id stays. `version` is the rule's as last read:
    ConflictError (nothing saved) if somebody changed it since. Raises PermissionRefused, RiskModelFrozen or
    ValidationFailed as risk_rule_add does."""
    with transaction.atomic():
        locked = _require_changeable(user, rule.model_version)
        current = _locked_rule(locked, rule)
        if current.version != version:
            raise ConflictError(STALE_RULE)
        category, expression, text = _clean_rule(
            locked, category_id=category_id, when=when, description=description, previous=current
        )
        before = {
            "rule_id": current.rule_id,
            "category": current.category_id,
            "when": current.when,
            "description": current.description,
        }
        current.category_id, current.when, current.description = category, expression, text
        changes = _rule_changes(current, before)
        if not changes:
            return current
        current.version = version + 1
        current.save(update_fields=["category", "when", "description", "version"])
        audit_record(user=user, verb="risk.model_rule_changed", obj=locked, changes=changes)
    return current


def risk_rule_move(*, user: User, rule: RiskRule, version: int, direction: str) -> RiskRule:
    """Move a rule of a version that has not run one place "up" or "down" (it swaps places with its
    neighbour): the order the cohort lists the rules that fired in, and explains them to the person.
    ConflictError if somebody changed the rule since `version`; DomainError when it is already first or last
    (nothing changes); PermissionRefused, RiskModelFrozen; ValidationFailed for another direction."""
    if direction not in ("up", "down"):
        raise ValidationFailed("Choose up or down", field="direction")
    with transaction.atomic():
        locked = _require_changeable(user, rule.model_version)
        current = _locked_rule(locked, rule)
        if current.version != version:
            raise ConflictError(STALE_RULE)
        ordered = list(
            RiskRule.objects.select_for_update().filter(model_version=locked).order_by("position", "id")
        )
        at = next(index for index, row in enumerate(ordered) if row.pk == current.pk)
        to = at - 1 if direction == "up" else at + 1
        if not 0 <= to < len(ordered):
            raise DomainError(
                f"Rule {current.rule_id} is already {'first' if direction == 'up' else 'last'}."
            )
        before = [row.rule_id for row in ordered]
        ordered[at], ordered[to] = ordered[to], ordered[at]
        # Positions renumbered 1..n in the new order (gaps left by removed rules go too).
        for position, row in enumerate(ordered, start=1):
            row.position = position
        current.version = version + 1
        moved = next(row for row in ordered if row.pk == current.pk)
        moved.version = current.version
        RiskRule.objects.bulk_update(ordered, ["position", "version"])
        audit_record(
            user=user,
            verb="risk.model_rule_moved",
            obj=locked,
            changes={"order": {"before": before, "after": [row.rule_id for row in ordered]}},
        )
    return moved


def risk_rule_remove(*, user: User, rule: RiskRule, version: int) -> None:
    """Take a rule out of a version that has not run (its id is never given to another rule of the model).
    ConflictError if somebody changed it since `version`; PermissionRefused, RiskModelFrozen."""
    with transaction.atomic():
        locked = _require_changeable(user, rule.model_version)
        current = _locked_rule(locked, rule)
        if current.version != version:
            raise ConflictError(STALE_RULE)
        before = {
            "rule_id": current.rule_id,
            "category": current.category_id,
            "when": current.when,
            "description": current.description,
        }
        current.delete()
        audit_record(
            user=user,
            verb="risk.model_rule_removed",
            obj=locked,
            changes={name: {"before": value, "after": None} for name, value in before.items()},
        )


def risk_dispose(*, person_id: int) -> int:
    """Delete what Identify holds about a person whose records are being disposed of (retention): the source
    records matched to them (with their risk factors), the clerical review pairs and match labels that name
    them or those records, and their cohort rows. A cohort row's case is unlinked by the database when only
    the case is disposed of, so there is nothing to do for a case.
    Only retention calls it, having checked the permission, the appraisal and holds, and it audits the
    disposal. Returns rows deleted, in a constant number of queries."""
    records = SourceRecord.objects.filter(person_id=person_id).values("pk")
    items = ReviewItem.objects.filter(
        Q(candidate_person_id=person_id) | Q(record__in=records) | Q(candidate_record__in=records)
    )
    deleted = MatchLabel.objects.filter(
        Q(person_id=person_id) | Q(record__in=records) | Q(review_item__in=items.values("pk"))
    ).delete()[0]
    deleted += items.delete()[0]
    deleted += SourceRecord.objects.filter(person_id=person_id).delete()[0]
    return deleted + CohortRow.objects.filter(person_id=person_id).delete()[0]
