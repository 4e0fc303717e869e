"""Identify in the API (/api/v1/risk): sources, imports (upload, status, the rows not imported) and the risk
model. The same services and rules as the pages: only the lead's initiative admins and risk analysts, 404 for
anyone else's record."""

from __future__ import annotations

import datetime
import json
from typing import Any, Literal

from django.conf import settings
from ninja import Query, Router, Schema, Status
from pydantic import Field

from casework.core.api import (
    Code,
    EventDate,
    Id,
    InputSchema,
    Name,
    Note,
    Page,
    PageParams,
    Text,
    Version,
    expected_version,
    paginate,
)
from casework.core.errors import PermissionRefused, ValidationFailed
from casework.risk import selectors, services
from casework.risk.choices import SourceFormat
from casework.risk.models import RiskImport, RiskModelVersion, RiskRule

router = Router(tags=["risk"])

Column = Name  # a column's name in a source's file


class RiskSourceIn(InputSchema):
    name: Name
    owner: Name
    lawful_basis: Note
    file_format: SourceFormat
    column_mapping: dict[Code, Column] = Field(
        default_factory=dict, max_length=30, description="{field: column} for a council extract"
    )
    fixed_values: dict[Code, Name] = Field(
        default_factory=dict, max_length=30, description="{field: value} given to every row"
    )


class RiskSourceOut(Schema):
    id: int
    name: str
    owner: str
    lawful_basis: str
    file_format: str
    column_mapping: dict[str, str]
    fixed_values: dict[str, str]
    version: int


class RiskImportOut(Schema):
    id: int
    source_id: int
    file_name: str
    file_sha256: str
    extracted_on: datetime.date | None
    status: str = Field(description="queued, running, done or failed")
    rows_read: int
    rows_imported: int
    rows_rejected: int
    records_created: int
    factors_created: int
    records_linked: int = Field(description="Records linked to a known person by NHS number")
    failure: str
    created: bool = Field(False, description="False: the source had this file already, and nothing changed")


class RiskImportProblemOut(Schema):
    line: int
    field: str
    reason: str


class ImportQuery(InputSchema):
    extracted_on: EventDate | None = Field(None, description="When the source extracted the data")


class RiskModelIn(InputSchema):
    name: Name
    purpose: Text
    legal_basis: Note
    area: Name


class RiskModelTextIn(InputSchema):
    purpose: Text
    legal_basis: Note
    area: Name
    version: Version | None = Field(None, description="The version last read (or send If-Match)")


class RiskModelCategoryIn(InputSchema):
    category_id: Id
    rank: int = Field(ge=1, le=100, description="1 is the highest")


class RiskFactorDefinitionIn(InputSchema):
    scheme: Code
    term: Code
    label: Name


class RiskModelCategoryOut(Schema):
    id: int
    category_id: int
    code: str
    label: str
    rank: int

    @staticmethod
    def resolve_code(row) -> str:
        return row.category.code

    @staticmethod
    def resolve_label(row) -> str:
        return row.category.label


class RiskFactorDefinitionOut(Schema):
    id: int
    scheme: str
    term: str
    label: str


class RiskRuleOut(Schema):
    id: int
    rule_id: str = Field(
        description="Stable: a copy of the version keeps it, and no other rule of the model gets it"
    )
    category_id: int
    when: dict
    description: str
    position: int
    version: int


RULE_GRAMMAR = (
    'The condition: {"all": [...]}, {"any": [...]}, {"not": ...}, {"factor": "scheme/term"}, '
    '{"age_at_least": 75}, {"age_under": 18}, {"area_in": ["RG40"]}; the factors must be the version\'s.'
)


class RiskRuleIn(InputSchema):
    category_id: Id = Field(description="One of the categories the version ranks")
    # JSON text, not an object: the contract can then say what every string in it may hold (no NUL).
    when: Note = Field(
        description=f'{RULE_GRAMMAR} Sent as JSON text, e.g. \'{{"factor": "nhs/shielded"}}\'.'
    )
    description: str = Field(
        "", max_length=200, description="Plain English; written from the condition if empty"
    )


class RiskRuleChangeIn(RiskRuleIn):
    version: Version | None = Field(None, description="The rule's version last read (or send If-Match)")


class RiskRuleRemoveIn(InputSchema):
    version: Version | None = Field(None, description="The rule's version last read (or send If-Match)")


class RiskRuleMoveIn(InputSchema):
    version: Version | None = Field(None, description="The rule's version last read (or send If-Match)")
    direction: Literal["up", "down"] = Field(description="One place earlier (up) or later (down)")


class RiskModelVersionOut(Schema):
    id: int
    model_id: int
    name: str
    number: int
    purpose: str
    legal_basis: str
    area: str
    copied_from_id: int | None
    first_run_at: datetime.datetime | None = Field(description="Set by the first run: it never changes after")
    version: int

    @staticmethod
    def resolve_name(model_version) -> str:
        return model_version.model.name


class RiskModelVersionDetailOut(RiskModelVersionOut):
    categories: list[RiskModelCategoryOut]
    factors: list[RiskFactorDefinitionOut]
    rules: list[RiskRuleOut]

    @staticmethod
    def resolve_categories(model_version):
        return list(model_version.categories.all())

    @staticmethod
    def resolve_factors(model_version):
        return list(model_version.factor_definitions.all())

    @staticmethod
    def resolve_rules(model_version):
        return list(model_version.rules.all())


def _initiative_id(request) -> int:
    initiative_id = selectors.identify_initiative_for(user=request.user)
    if initiative_id is None:
        raise PermissionRefused(services.REFUSED)
    return initiative_id


# --- Sources and imports ---------------------------------------------------------------------------------


@router.get("/sources", response=Page[RiskSourceOut], summary="The initiative's sources of risk factor data")
def source_list(request, page: Query[PageParams]):
    rows, meta = paginate(selectors.source_list_for_user(user=request.user), page)
    return {"items": rows, **meta}


@router.post("/sources", response={201: RiskSourceOut}, summary="Register a source")
def source_create(request, payload: RiskSourceIn):
    source = services.risk_source_create(
        user=request.user, initiative_id=_initiative_id(request), data=payload.model_dump()
    )
    return Status(201, source)


@router.get("/sources/{source_id}", response=RiskSourceOut, summary="A source and its column mapping")
def source_get(request, source_id: Id):
    return selectors.source_get_for_user(user=request.user, source_id=source_id)


def _import_out(risk_import: RiskImport, created: bool = False) -> dict:
    return {**RiskImportOut.model_validate(risk_import).model_dump(), "created": created}


@router.post(
    "/sources/{source_id}/imports",
    response={200: RiskImportOut, 202: RiskImportOut},
    summary="Upload a file of the source, imported in the background (202); the same file again is 200",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {
                            "file": {
                                "type": "string",
                                "format": "binary",
                                "maxLength": settings.CASEWORK_RISK_UPLOAD_MAX_BYTES,
                                "description": "The SAVVI attribute CSV, or the source's CSV or JSON Lines",
                            }
                        },
                    }
                }
            },
        }
    },
)
def import_upload(request, source_id: Id, query: Query[ImportQuery]):
    source = selectors.source_get_for_user(user=request.user, source_id=source_id)
    upload = request.FILES.get("file")
    if upload is None:
        raise ValidationFailed("Send the file as multipart/form-data, in the field ‘file’", field="file")
    if upload.size > settings.CASEWORK_RISK_UPLOAD_MAX_BYTES:
        raise ValidationFailed("The file is larger than an upload may be: use risk_import", field="file")
    risk_import, created = services.risk_import_upload(
        user=request.user,
        source=source,
        upload=upload,
        file_name=upload.name,
        extracted_on=query.extracted_on,
    )
    return Status(202 if created else 200, _import_out(risk_import, created))


@router.get("/imports/{import_id}", response=RiskImportOut, summary="An import's status and counts")
def import_get(request, import_id: Id):
    return _import_out(selectors.import_get_for_user(user=request.user, import_id=import_id))


@router.get(
    "/imports/{import_id}/problems",
    response=Page[RiskImportProblemOut],
    summary="The rows not imported: line, field and reason (never the values)",
)
def import_problems(request, import_id: Id, page: Query[PageParams]):
    risk_import = selectors.import_get_for_user(user=request.user, import_id=import_id)
    rows, meta = paginate(selectors.import_problems(risk_import=risk_import), page)
    return {"items": rows, **meta}


# --- The risk model --------------------------------------------------------------------------------------


@router.get("/models", response=Page[RiskModelVersionOut], summary="Every version of the initiative's models")
def model_list(request, page: Query[PageParams]):
    rows, meta = paginate(selectors.risk_model_version_list_for_user(user=request.user), page)
    return {"items": rows, **meta}


@router.post(
    "/models", response={201: RiskModelVersionDetailOut}, summary="Make a risk model (its version 1)"
)
def model_create(request, payload: RiskModelIn):
    data = payload.model_dump()
    made = services.risk_model_create(
        user=request.user, initiative_id=_initiative_id(request), name=data.pop("name"), data=data
    )
    return Status(201, selectors.risk_model_version_get_for_user(user=request.user, version_id=made.pk))


def _version(request, version_id: int) -> RiskModelVersion:
    return selectors.risk_model_version_get_for_user(user=request.user, version_id=version_id)


@router.get("/models/{version_id}", response=RiskModelVersionDetailOut, summary="A version, in full")
def model_get(request, version_id: Id):
    return _version(request, version_id)


@router.post(
    "/models/{version_id}/change",
    response=RiskModelVersionDetailOut,
    summary="Change a version's purpose, legal basis or area (409 once it has run)",
)
def model_change(request, version_id: Id, payload: RiskModelTextIn):
    model_version = _version(request, version_id)
    services.risk_model_version_change(
        user=request.user,
        model_version=model_version,
        version=expected_version(request, payload.version),
        data=payload.model_dump(),
    )
    return _version(request, version_id)


@router.post(
    "/models/{version_id}/copy", response={201: RiskModelVersionDetailOut}, summary="A new version: a copy"
)
def model_copy(request, version_id: Id):
    copy = services.risk_model_version_copy(user=request.user, model_version=_version(request, version_id))
    return Status(201, _version(request, copy.pk))


@router.post(
    "/models/{version_id}/categories",
    response={201: RiskModelVersionDetailOut},
    summary="Rank one of the initiative's risk categories in the version",
)
def model_category_add(request, version_id: Id, payload: RiskModelCategoryIn):
    services.risk_model_category_add(
        user=request.user,
        model_version=_version(request, version_id),
        category_id=payload.category_id,
        rank=payload.rank,
    )
    return Status(201, _version(request, version_id))


@router.post(
    "/models/{version_id}/factors",
    response={201: RiskModelVersionDetailOut},
    summary="Add a risk factor (a scheme and a term) the version's rules may use",
)
def model_factor_add(request, version_id: Id, payload: RiskFactorDefinitionIn):
    services.risk_factor_definition_add(
        user=request.user, model_version=_version(request, version_id), **payload.model_dump()
    )
    return Status(201, _version(request, version_id))


# --- Rules -----------------------------------------------------------------------------------------------


def _condition(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        raise ValidationFailed("The rule’s condition is not valid JSON", field="when") from None


@router.get("/models/{version_id}/rules", response=list[RiskRuleOut], summary="The version's rules, in order")
def rule_list(request, version_id: Id):
    return list(_version(request, version_id).rules.all())


@router.post(
    "/models/{version_id}/rules",
    response={201: RiskRuleOut},
    summary="Add a rule to a version that has not run (409 once it has); it gets the model's next id",
)
def rule_add(request, version_id: Id, payload: RiskRuleIn):
    model_version = _version(request, version_id)
    rule = services.risk_rule_add(
        user=request.user,
        model_version=model_version,
        category_id=payload.category_id,
        when=_condition(payload.when),
        description=payload.description,
    )
    return Status(201, rule)


def _rule(request, version_id: int, risk_rule_id: int) -> RiskRule:
    return selectors.risk_rule_get_for_user(
        user=request.user, version_id=version_id, risk_rule_id=risk_rule_id
    )


@router.get(
    "/models/{version_id}/rules/{risk_rule_id}", response=RiskRuleOut, summary="A rule of the version"
)
def rule_get(request, version_id: Id, risk_rule_id: Id):
    return _rule(request, version_id, risk_rule_id)


@router.post(
    "/models/{version_id}/rules/{risk_rule_id}/change",
    response=RiskRuleOut,
    summary="Change a rule of a version that has not run; its id stays (409 if stale or the version has run)",
)
def rule_change(request, version_id: Id, risk_rule_id: Id, payload: RiskRuleChangeIn):
    rule = _rule(request, version_id, risk_rule_id)
    return services.risk_rule_update(
        user=request.user,
        rule=rule,
        version=expected_version(request, payload.version),
        category_id=payload.category_id,
        when=_condition(payload.when),
        description=payload.description,
    )


@router.post(
    "/models/{version_id}/rules/{risk_rule_id}/remove",
    response={204: None},
    summary="Take a rule out of a version that has not run (its id is never given to another rule)",
)
def rule_remove(request, version_id: Id, risk_rule_id: Id, payload: RiskRuleRemoveIn):
    rule = _rule(request, version_id, risk_rule_id)
    services.risk_rule_remove(
        user=request.user, rule=rule, version=expected_version(request, payload.version)
    )
    return Status(204, None)


@router.post(
    "/models/{version_id}/rules/{risk_rule_id}/move",
    response=list[RiskRuleOut],
    summary="Move a rule one place up or down in a version that has not run; the version's rules in their "
    "new order (409 if stale, already first or last, or the version has run)",
)
def rule_move(request, version_id: Id, risk_rule_id: Id, payload: RiskRuleMoveIn):
    rule = _rule(request, version_id, risk_rule_id)
    services.risk_rule_move(
        user=request.user,
        rule=rule,
        version=expected_version(request, payload.version),
        direction=payload.direction,
    )
    return list(_version(request, version_id).rules.all())


# Record linkage (matching models, thresholds, runs, clerical review) under /risk/matching.
from casework.risk.linking_api import router as linking_router  # noqa: E402

router.add_router("/matching", linking_router)

# The cohort (risk index) under /risk/cohorts.
from casework.risk.cohort_api import router as cohort_router  # noqa: E402

router.add_router("", cohort_router)
