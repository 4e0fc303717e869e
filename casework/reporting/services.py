"""Loading the ONS population an initiative's ASCOF rates are per (2B, 2C; ADR 24)."""

from __future__ import annotations

import csv
import io

from django.db import transaction

from casework.accounts.models import User
from casework.audit.services import audit_record
from casework.core.errors import PermissionRefused, ValidationFailed
from casework.core.permissions import has_perm
from casework.reporting.models import AgeBand, PopulationEstimate

MAX_ROWS = 200
_BANDS = {
    **{code: code for code in AgeBand.values},
    **{str(label).lower(): code for code, label in AgeBand.choices},
    "18-64": AgeBand.ADULTS_18_64.value,
    "65+": AgeBand.ADULTS_65_PLUS.value,
}
COLUMNS = ("year", "age_band", "population")


def parse_population_csv(text: str) -> list[dict[str, str | int]]:
    """The rows of an ONS population CSV: columns year, age_band (18_64 or 65_plus, or "18 to 64", "65 and
    over"), population, and optionally area_code and source. Refuses the whole file, naming the line, on any
    row it cannot read."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise ValidationFailed(f"The file needs the columns {', '.join(COLUMNS)}", field="file")
    rows: list[dict[str, str | int]] = []
    seen: set[tuple[int, str]] = set()
    for number, raw in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
        if not any(row.values()):
            continue
        if len(rows) >= MAX_ROWS:
            raise ValidationFailed(f"The file has more than {MAX_ROWS} rows", field="file")
        band = _BANDS.get(row["age_band"].lower())
        year = row["year"]
        population = row["population"].replace(",", "")
        if not (year.isdigit() and 1990 <= int(year) <= 2100):
            raise ValidationFailed(f"Line {number}: the year must be like 2024", field="file")
        if band is None:
            raise ValidationFailed(f"Line {number}: the age band must be 18_64 or 65_plus", field="file")
        if not (population.isdigit() and 0 < int(population) < 100_000_000):
            raise ValidationFailed(f"Line {number}: the population must be a whole number", field="file")
        if (int(year), band) in seen:
            raise ValidationFailed(f"Line {number}: {year} {band} is given twice", field="file")
        seen.add((int(year), band))
        rows.append(
            {
                "year": int(year),
                "age_band": band,
                "population": int(population),
                "area_code": row.get("area_code", "")[:9],
                "source": row.get("source", "")[:200],
            }
        )
    if not rows:
        raise ValidationFailed("The file has no rows", field="file")
    return rows


@transaction.atomic
def population_load(*, user: User, initiative_id: int, text: str) -> int:
    """Load (or replace, year by year and band by band) the initiative's ONS population from a CSV.
    Returns the rows loaded. Refused unless the user is the lead's initiative admin for the initiative."""
    if not has_perm(user, "reporting.load_population", initiative_id):
        raise PermissionRefused("Only the lead organisation's initiative admins load the population.")
    rows = parse_population_csv(text)
    for row in rows:
        estimate, created = PopulationEstimate.objects.update_or_create(
            initiative_id=initiative_id,
            year=row["year"],
            age_band=row["age_band"],
            defaults={
                "population": row["population"],
                "area_code": row["area_code"],
                "source": row["source"],
                "modified_by": user,
            },
            create_defaults={
                "population": row["population"],
                "area_code": row["area_code"],
                "source": row["source"],
                "created_by": user,
                "modified_by": user,
            },
        )
        audit_record(
            user=user,
            verb="reporting.population_loaded" if created else "reporting.population_replaced",
            obj=estimate,
            changes={"population": {"after": row["population"]}, "year": {"after": row["year"]}},
        )
    return len(rows)
