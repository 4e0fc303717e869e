"""The case index snapshot, streamed: CSV for people, JSON Lines for the API.

On PostgreSQL the rows come straight from COPY ... TO STDOUT, so a million rows start at once and never
sit in memory, with no per-row Python; elsewhere they come from a server-side iterator in chunks. The
download is audited with its row count when it finishes (or is abandoned).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

from django.db import connection
from django.db.models import Case as Conditional
from django.db.models import CharField, F, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Coalesce, Concat, TruncDate

from casework.accounts.choices import Role
from casework.accounts.selectors import actor_for
from casework.audit.services import access_record
from casework.cases.models import Case
from casework.cases.policies import holder_q
from casework.core.context import current_request_context, request_context
from casework.core.errors import PermissionRefused
from casework.core.permissions import has_perm

# The columns common to both snapshots: what the Case index page shows, and no one's personal details.
INDEX_COLUMNS = [
    "reference",
    "risk_category",
    "priority",
    "status",
    "stage",
    "area",
    "raised_on",
    "allocated_on",
    "closed_on",
    "responsible_organisation",
    "allocated_team",
    "primary_worker",
]
# An organisation's own cases come with who they are about; the initiative-wide index never does (issue 12):
# each responsible organisation downloads its own cases with their details, the lead sees only who holds what.
PERSON_COLUMNS = ["person_id", "household_id", "name", "date_of_birth", "nhs_number", "postcode"]
COLUMNS = INDEX_COLUMNS[:1] + PERSON_COLUMNS + INDEX_COLUMNS[1:]
RESTRICTED = "Restricted record"


def columns_for(scope: str) -> list[str]:
    return COLUMNS if scope == "organisation" else INDEX_COLUMNS


def snapshot_queryset(*, user, scope: str) -> QuerySet:
    """The rows the user may export, as values in COLUMNS order. Raises PermissionRefused."""
    if not has_perm(user, "reporting.export_case_snapshot", scope):
        raise PermissionRefused("You cannot download this case index.")
    actor = actor_for(user)
    if scope == "initiative":
        initiatives = [
            i for i in actor.lead_of_initiative_ids if actor.has_lead_role(Role.INITIATIVE_ADMIN, i)
        ]
        qs = Case.objects.filter(initiative_id__in=initiatives)
    else:
        qs = Case.objects.filter(
            Q(initiative_id__in=actor.initiative_ids)
            & holder_q(actor.casework_organisation_ids | actor.auditing_organisation_ids)
        )
    restricted = Q(person__is_restricted=True)

    def guarded(expression):
        # A restricted person's identifying details never leave in a snapshot.
        return Conditional(When(restricted, then=Value("")), default=expression, output_field=CharField())

    person = (
        [
            "person_id",
            "household_id",
            Conditional(
                When(restricted, then=Value(RESTRICTED)),
                default=Coalesce(
                    Concat(F("person__given_name"), Value(" "), F("person__family_name")),
                    F("household__name"),
                ),
                output_field=CharField(),
            ),
            guarded(Cast(F("person__date_of_birth"), CharField())),
            guarded(Coalesce(F("person__nhs_number"), Value(""))),
            guarded(Coalesce(F("person__postcode"), F("household__postcode"))),
        ]
        if scope == "organisation"
        else []
    )
    return qs.order_by("id").values_list(
        "reference",
        *person,
        Coalesce(F("risk_category__label"), Value("")),
        "priority",
        "status",
        "stage",
        "area",
        TruncDate("raised_at"),
        TruncDate("allocated_at"),
        TruncDate("closed_at"),
        Coalesce(F("responsible_organisation__name"), Value("")),
        Coalesce(F("allocated_team__name"), Value("")),
        Coalesce(
            Concat(F("primary_worker__first_name"), Value(" "), F("primary_worker__last_name")), Value("")
        ),
    )


def _audited(rows: Iterator[bytes], *, user, scope: str, fmt: str, counter) -> Iterator[bytes]:
    """Yield the rows, then record who downloaded how many rows, in the context of the request that asked."""
    ctx = current_request_context()  # now, while the request is being handled, not when streaming starts

    def stream() -> Iterator[bytes]:
        try:
            yield from rows
        finally:
            with request_context(ctx.request_id, ctx.channel):
                access_record(
                    user=user,
                    verb="reporting.case_snapshot_downloaded",
                    details={"scope": scope, "format": fmt, "rows": counter()},
                )

    return stream()


def _copy(sql: str, params) -> Iterator[bytes]:
    """Stream COPY output from PostgreSQL, one row's bytes at a time."""
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        with cursor.copy(sql, params) as copy:
            for data in copy:
                yield bytes(data)


def stream_csv(*, user, scope: str) -> tuple[Iterator[bytes], str]:
    """The snapshot as CSV bytes (header first), and a file name."""
    qs = snapshot_queryset(user=user, scope=scope)
    count = {"rows": 0}
    columns = columns_for(scope)
    header = (",".join(columns) + "\r\n").encode()

    def rows() -> Iterator[bytes]:
        yield header
        if connection.vendor == "postgresql":
            sql, params = qs.query.sql_with_params()
            for data in _copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params):
                count["rows"] += 1
                yield data
            return
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for n, row in enumerate(qs.iterator(chunk_size=5000), start=1):
            writer.writerow(["" if v is None else v for v in row])
            count["rows"] = n
            if n % 2000 == 0:
                yield buffer.getvalue().encode()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue().encode()

    filename = "case-index.csv" if scope == "organisation" else "initiative-case-index.csv"
    return _audited(rows(), user=user, scope=scope, fmt="csv", counter=lambda: count["rows"]), filename


def stream_jsonl(*, user, scope: str) -> Iterator[bytes]:
    """The snapshot as JSON Lines: one object per case with the scope's columns as keys."""
    qs = snapshot_queryset(user=user, scope=scope)
    columns = columns_for(scope)
    count = {"rows": 0}

    def rows() -> Iterator[bytes]:
        if connection.vendor == "postgresql":
            sql, params = qs.query.sql_with_params()
            select = f"SELECT row_to_json(t) FROM ({sql}) AS t({', '.join(columns)})"
            # COPY's text format doubles backslashes; JSON has no raw control characters, so undo only that.
            for data in _copy(f"COPY ({select}) TO STDOUT", params):
                count["rows"] += 1
                yield data.replace(b"\\\\", b"\\")
            return
        chunk: list[str] = []
        for row in qs.iterator(chunk_size=5000):
            record = dict(zip(columns, row, strict=True))
            chunk.append(json.dumps(record, default=str))
            count["rows"] += 1
            if len(chunk) >= 2000:
                yield ("\n".join(chunk) + "\n").encode()
                chunk.clear()
        if chunk:
            yield ("\n".join(chunk) + "\n").encode()

    return _audited(rows(), user=user, scope=scope, fmt="jsonl", counter=lambda: count["rows"])
