"""Council-scale made-up data for benchmarks: a million people, a million cases, ten million contacts.

Rows are written with COPY on PostgreSQL (executemany on SQLite, for small runs), with ids assigned here
so that later rows can point at earlier ones; sequences are moved on afterwards. Cases get real-looking
histories: assignments, stage progress, contacts and a hash-chained audit trail that `audit_verify`
accepts. Everything is made up.
"""

from __future__ import annotations

import datetime
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from casework.accounts.choices import Capability, OrganisationKind, Role
from casework.accounts.models import Initiative, Membership, Organisation, Team, User
from casework.allocation.models import AllocationPolicy
from casework.audit.chain import event_hash, normalise_time
from casework.audit.models import AuditEvent, ChainHead
from casework.cases.choices import AssignmentRole, CaseOrigin, CaseStage, CaseStatus
from casework.cases.closing import DEFAULT_OUTCOMES
from casework.cases.lifecycle import STAGE_ORDER
from casework.cases.models import Case, CaseAssignment, RiskCategory, StageProgress
from casework.contacts.choices import WRITTEN_METHODS, ContactMethod, ContactOutcome, ContactRole, Direction
from casework.contacts.models import ContactEvent
from casework.core.progress import ProgressBar
from casework.demo.scale_waiting_lists import generate_scale_waiting_lists
from casework.demo.scale_writing import Writer, next_id, reset_sequences
from casework.people.identifiers import name_key
from casework.people.models import Person

INITIATIVE = "Scale County vulnerability initiative (generated)"
BENCH_PASSWORD_USERS = {
    "bench.worker": Role.PRACTITIONER,
    "bench.manager": Role.TEAM_MANAGER,
    "bench.lead": Role.INITIATIVE_ADMIN,
    "bench.duty": Role.DUTY_OFFICER,
}
GIVEN = [
    "Margaret",
    "John",
    "Susan",
    "David",
    "Patricia",
    "Michael",
    "Jean",
    "Peter",
    "Mary",
    "Robert",
    "Elizabeth",
    "James",
    "Barbara",
    "William",
    "Joan",
    "Richard",
    "Linda",
    "Brian",
    "Sandra",
    "Alan",
    "Aisha",
    "Mohammed",
    "Priya",
    "Arjun",
    "Fatima",
    "Tomasz",
    "Agnieszka",
    "Chen",
    "Grace",
    "Kwame",
    "Sophie",
    "Oliver",
    "Emily",
    "Jack",
    "Chloe",
    "Harry",
    "Amelia",
    "George",
    "Olivia",
    "Thomas",
]
FAMILY = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Patel",
    "Khan",
    "Ahmed",
    "Singh",
    "Ali",
    "Nowak",
    "Kowalski",
    "Chen",
    "Okafor",
    "Mensah",
    "Hughes",
    "Edwards",
    "Turner",
    "Hill",
    "Moore",
    "Cooper",
    "Ward",
    "Morris",
    "King",
    "Harris",
]
STREETS = [
    "High Street",
    "Church Lane",
    "Mill Road",
    "Station Road",
    "The Green",
    "Park Avenue",
    "Victoria Road",
    "Manor Close",
    "Orchard Way",
    "Queens Road",
]
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
DISTRICTS = [f"SN{n}" for n in range(1, 61)]
STATUS_WEIGHTS = [
    (CaseStatus.FINISHED, 55),
    (CaseStatus.ACTIVE, 25),
    (CaseStatus.PLANNED, 12),
    (CaseStatus.CANCELLED, 5),
    (CaseStatus.ON_HOLD, 3),
]
WORK_STAGES = [
    CaseStage.CONTACT,
    CaseStage.ASSESSMENT,
    CaseStage.PLANNING,
    CaseStage.SUPPORT,
    CaseStage.REVIEW,
    CaseStage.CLOSING,
]


@dataclass
class Skeleton:
    initiative: Initiative
    county: Organisation
    responsible: list[Organisation]
    org_districts: dict[int, list[str]]
    workers: dict[int, list[tuple[int, int]]]  # organisation id -> [(user id, team id)]
    risk_ids: list[int]
    bench_users: dict[str, User] = field(default_factory=dict)


def _nhs_numbers(start: int) -> Iterator[str]:
    """Valid Modulus 11 NHS numbers in the never-issued 999 range, in order from `start`."""
    base = 999_000_000 + start
    while True:
        digits = f"{base:09d}"
        total = sum(int(d) * (10 - i) for i, d in enumerate(digits))
        check = 11 - total % 11
        base += 1
        if check == 10:
            continue
        yield digits + str(0 if check == 11 else check)


class Generator:
    def __init__(self, *, seed: int, stream):
        self.rng = random.Random(seed)
        self.stream = stream
        self.now = timezone.now().replace(microsecond=0)
        self.name_keys = {name: name_key(name) for name in GIVEN + FAMILY}

    def say(self, message: str) -> None:
        self.stream.write(message + "\n")
        self.stream.flush()

    # The organisations, teams and workers the data hangs off.

    county_id: int = 0

    def skeleton(self) -> Skeleton:
        existing = Initiative.objects.filter(name=INITIATIVE).first()
        if existing is not None:
            return self._load_skeleton(existing)
        county = Organisation.objects.create(
            name="Scale County Council",
            kinds=[OrganisationKind.LEAD, OrganisationKind.RESPONSIBLE],
            areas=DISTRICTS,
            capabilities=[c.value for c in Capability],
            organisation_type="local_authority",
        )
        initiative = Initiative.objects.create(name=INITIATIVE, lead_organisation=county)
        county.initiative = initiative
        county.save(update_fields=["initiative"])
        partners = []
        for n, (name, kind) in enumerate(
            [
                ("North District Council", "local_authority"),
                ("South District Council", "local_authority"),
                ("East District Council", "local_authority"),
                ("Downs Housing Association", "housing"),
                ("Vale Housing Association", "housing"),
                ("Age Well Community Trust", "voluntary"),
                ("Carers Together", "voluntary"),
            ]
        ):
            partners.append(
                Organisation.objects.create(
                    name=name,
                    initiative=initiative,
                    kinds=[OrganisationKind.RESPONSIBLE],
                    organisation_type=kind,
                    areas=DISTRICTS[n * 8 : (n + 1) * 8],
                    capabilities=["phone", "letters", "home_visits"][: 1 + n % 3],
                )
            )
        for name in ("Scale Foodbank", "Scale Money Advice"):
            Organisation.objects.create(name=name, initiative=initiative, kinds=[OrganisationKind.DELIVERY])
        RiskCategory.objects.bulk_create(
            [
                RiskCategory(initiative=initiative, code=c, label=c.title(), rank=r)
                for r, c in enumerate(["high", "medium", "low"], start=1)
            ]
        )
        AllocationPolicy.objects.create(initiative=initiative, fallback_organisation=county)
        unusable = make_password(None)
        users, memberships = [], []
        for org, teams, per_team in [(county, 10, 20)] + [(p, 3, 10) for p in partners]:
            for t in range(teams):
                team = Team.objects.create(organisation=org, name=f"Team {t + 1}")
                for w in range(per_team):
                    user = User(
                        username=f"scale.{org.pk}.{t + 1}.{w + 1}",
                        first_name=self.rng.choice(GIVEN),
                        last_name=self.rng.choice(FAMILY),
                        password=unusable,
                    )
                    users.append(user)
                    memberships.append((user, org, team, Role.TEAM_MANAGER if w == 0 else Role.PRACTITIONER))
        User.objects.bulk_create(users)
        Membership.objects.bulk_create(
            [Membership(user=u, organisation=o, team=t, role=r) for u, o, t, r in memberships]
        )
        first_team = Team.objects.filter(organisation=county).order_by("id").first()
        password = make_password(settings.DEMO_PASSWORD)
        for username, role in BENCH_PASSWORD_USERS.items():
            user = User.objects.create(
                username=username,
                first_name="Bench",
                last_name=username.split(".")[1].title(),
                password=password,
            )
            team = first_team if role in (Role.PRACTITIONER, Role.TEAM_MANAGER) else None
            Membership.objects.create(user=user, organisation=county, team=team, role=role)
        return self._load_skeleton(initiative)

    def _load_skeleton(self, initiative: Initiative) -> Skeleton:
        orgs = list(
            Organisation.objects.filter(initiative=initiative, kinds__contains="responsible")
            if connection.vendor == "postgresql"
            else [o for o in Organisation.objects.filter(initiative=initiative) if "responsible" in o.kinds]
        )
        workers: dict[int, list[tuple[int, int]]] = {}
        for user_id, org_id, team_id in Membership.objects.filter(
            organisation__initiative=initiative,
            role__in=[Role.PRACTITIONER, Role.TEAM_MANAGER],
            team__isnull=False,
        ).values_list("user_id", "organisation_id", "team_id"):
            workers.setdefault(org_id, []).append((user_id, team_id))
        county = initiative.lead_organisation
        self.county_id = county.pk
        return Skeleton(
            initiative=initiative,
            county=county,
            responsible=[o for o in orgs if o.pk != county.pk],
            org_districts={o.pk: list(o.areas) for o in orgs},
            workers=workers,
            risk_ids=list(
                RiskCategory.objects.filter(initiative=initiative)
                .order_by("rank")
                .values_list("id", flat=True)
            ),
            bench_users={u.username: u for u in User.objects.filter(username__in=BENCH_PASSWORD_USERS)},
        )

    # People.

    def people(self, sk: Skeleton, total: int) -> tuple[int, int]:
        first_id = next_id(Person)
        existing = Person.objects.filter(initiative=sk.initiative).count()
        nhs = _nhs_numbers(Person.objects.filter(nhs_number__startswith="999").count() * 2 + existing)
        columns = [
            "id",
            "created_at",
            "modified_at",
            "version",
            "address_line_1",
            "address_line_2",
            "town",
            "postcode",
            "uprn",
            "initiative_id",
            "created_by_organisation_id",
            "given_name",
            "family_name",
            "other_names",
            "given_name_key",
            "family_name_key",
            "date_of_birth",
            "nhs_number",
            "local_identifier",
            "sex",
            "gender",
            "ethnicity",
            "preferred_language",
            "interpreter_needed",
            "communication_needs",
            "accessible_format",
            "phone",
            "email",
            "preferred_contact_method",
            "is_restricted",
        ]
        rng, now, keys = self.rng, self.now, self.name_keys
        today = now.date()
        org_ids = [sk.county.pk] * 6 + [o.pk for o in sk.responsible]

        def rows():
            for n in range(total):
                given, family = rng.choice(GIVEN), rng.choice(FAMILY)
                district = rng.choice(DISTRICTS)
                postcode = (
                    f"{district} {rng.randint(1, 9)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"
                )
                dob = today - datetime.timedelta(days=rng.randint(18 * 365, 100 * 365))
                sex = rng.choice(("female", "male"))
                yield (
                    first_id + n,
                    now,
                    now,
                    1,
                    f"{rng.randint(1, 200)} {rng.choice(STREETS)}",
                    "",
                    "Scale Town",
                    postcode,
                    100_000_000 + first_id + n,
                    sk.initiative.pk,
                    rng.choice(org_ids),
                    given,
                    family,
                    "",
                    keys[given],
                    keys[family],
                    dob,
                    next(nhs) if rng.random() < 0.8 else None,
                    "",
                    sex,
                    "woman" if sex == "female" else "man",
                    "white_british",
                    "English",
                    False,
                    "",
                    "",
                    f"0118 496 {rng.randint(0, 9999):04d}",
                    "",
                    "phone",
                    False,
                )

        with ProgressBar(total=total, label="People  ", stream=self.stream) as bar:
            Writer(Person, columns).write(rows(), bar)
        return first_id, total

    # Cases, with their histories and contacts.

    def cases(self, sk: Skeleton, total: int, people: tuple[int, int], contacts: int) -> dict[str, int]:
        first_person, people_count = people
        first_case = next_id(Case)
        rng, now = self.rng, self.now
        year = now.year
        # A district goes to the partner covering it; the county covers the rest.
        district_org = {
            d: org_id
            for org_id, districts in sk.org_districts.items()
            if org_id != sk.county.pk
            for d in districts
        }
        statuses, weights = zip(*STATUS_WEIGHTS, strict=True)
        person_district = self._person_districts(first_person, people_count)
        plan: list[tuple] = []  # per case: the facts its history rows need

        case_columns = [
            "id",
            "created_at",
            "modified_at",
            "version",
            "reference",
            "initiative_id",
            "person_id",
            "raised_by_organisation_id",
            "origin",
            "risk_category_id",
            "priority",
            "summary",
            "status",
            "stage",
            "area",
            "raised_at",
            "allocated_at",
            "closed_at",
            "responsible_organisation_id",
            "allocated_team_id",
            "primary_worker_id",
            "allocation_explanation",
            "outcome",
            "closure_note",
            "recontact_on",
            "found_outside_risk_index",
        ]
        outcome_codes = [code for code, _label, _description in DEFAULT_OUTCOMES]
        origins = list(CaseOrigin.values)
        bench_worker = sk.bench_users.get("bench.worker")
        bench_team = (
            Membership.objects.filter(user=bench_worker).values_list("team_id", flat=True).first()
            if bench_worker
            else None
        )

        def case_rows():
            for n in range(total):
                case_id = first_case + n
                person_id = first_person + rng.randrange(people_count)
                district = person_district(person_id)
                status = rng.choices(statuses, weights)[0]
                raised = now - datetime.timedelta(minutes=rng.randint(60, 3 * 365 * 24 * 60))
                org_id = district_org.get(district, sk.county.pk) if rng.random() < 0.6 else sk.county.pk
                stage, allocated, closed, worker, team = CaseStage.AWAITING_ALLOCATION, None, None, None, None
                if status == CaseStatus.PLANNED:
                    if rng.random() < 0.25:
                        stage, org_id = CaseStage.INTAKE, None
                    raised = now - datetime.timedelta(minutes=rng.randint(60, 60 * 24 * 90))
                else:
                    allocated = raised + datetime.timedelta(hours=rng.randint(2, 24 * 20))
                    if org_id == sk.county.pk and bench_worker is not None and rng.random() < 0.0005:
                        worker, team = bench_worker.pk, bench_team
                    else:
                        worker, team = rng.choice(sk.workers[org_id])
                    if status == CaseStatus.FINISHED:
                        stage = CaseStage.CLOSING
                        closed = allocated + datetime.timedelta(days=rng.randint(1, 200))
                    elif status == CaseStatus.CANCELLED:
                        stage = rng.choice(WORK_STAGES[:3])
                        closed = allocated + datetime.timedelta(days=rng.randint(1, 60))
                    else:
                        stage = rng.choice(WORK_STAGES[:5])
                    if closed and closed > now:
                        closed = now - datetime.timedelta(hours=1)
                plan.append((case_id, person_id, status, stage, raised, allocated, closed, org_id, worker))
                origin = rng.choice(origins)
                outcome = rng.choice(outcome_codes) if status == CaseStatus.FINISHED else ""
                yield (
                    case_id,
                    raised,
                    closed or allocated or raised,
                    1,
                    f"SC-{year}-{case_id:07d}",
                    sk.initiative.pk,
                    person_id,
                    sk.county.pk,
                    origin,
                    rng.choice(sk.risk_ids),
                    rng.choices(("urgent", "normal", "low"), (10, 70, 20))[0],
                    "",
                    status,
                    stage,
                    district,
                    raised,
                    allocated,
                    closed,
                    org_id,
                    team,
                    worker,
                    "Generated for the benchmarks." if org_id else "",
                    outcome,
                    "",
                    None,
                    bool(outcome) and origin != CaseOrigin.RISK_INDEX and outcome == "needs_met",
                )

        with ProgressBar(total=total, label="Cases   ", stream=self.stream) as bar:
            Writer(Case, case_columns).write(case_rows(), bar)

        self._assignments(plan)
        self._stage_progress(plan)
        written_contacts = self._contacts(plan, contacts)
        self._audit(plan)
        return {"cases": total, "contacts": written_contacts}

    def _person_districts(self, first_person: int, count: int):
        """The district of each generated person, read back once (cheap at a million: one column)."""
        districts = {}
        qs = Person.objects.filter(id__gte=first_person, id__lt=first_person + count).values_list(
            "id", "postcode"
        )
        for person_id, postcode in qs.iterator(chunk_size=50000):
            districts[person_id] = postcode.split(" ")[0]
        return lambda person_id: districts.get(person_id, "")

    def _assignments(self, plan) -> None:
        columns = [
            "created_at",
            "modified_at",
            "case_id",
            "user_id",
            "role",
            "started_at",
            "ended_at",
            "end_reason",
        ]
        allocated = [p for p in plan if p[8] is not None]

        def rows():
            for case_id, _person, _status, _stage, _raised, allocated_at, closed, _org, worker in allocated:
                yield (
                    allocated_at,
                    allocated_at,
                    case_id,
                    worker,
                    AssignmentRole.PRIMARY,
                    allocated_at,
                    closed,
                    "Case closed" if closed else "",
                )

        with ProgressBar(total=len(allocated), label="Workers ", stream=self.stream) as bar:
            Writer(CaseAssignment, columns).write(rows(), bar)

    def _stage_progress(self, plan) -> None:
        columns = [
            "case_id",
            "stage",
            "started_at",
            "started_by_id",
            "completed_at",
            "completed_by_id",
            "notes",
            "reset_reason",
        ]
        order = {stage: i for i, stage in enumerate(STAGE_ORDER)}

        def rows():
            for case_id, _person, status, stage, raised, allocated, closed, _org, worker in plan:
                reached = order[stage]
                moment = raised
                for i in range(reached + 1):
                    done = i < reached or status == CaseStatus.FINISHED
                    step_end = (
                        allocated
                        if i == 1 and allocated
                        else moment + datetime.timedelta(days=2)
                        if done
                        else None
                    )
                    if step_end and closed and step_end > closed:
                        step_end = closed
                    yield (
                        case_id,
                        STAGE_ORDER[i],
                        moment,
                        worker if i >= 2 else None,
                        step_end,
                        (worker if i >= 2 else None) if step_end else None,
                        "",
                        "",
                    )
                    moment = step_end or moment

        expected = sum(len(STAGE_ORDER[: STAGE_ORDER.index(p[3]) + 1]) for p in plan)
        with ProgressBar(total=expected, label="Stages  ", stream=self.stream) as bar:
            Writer(StageProgress, columns).write(rows(), bar)

    def _contacts(self, plan, total: int) -> int:
        columns = [
            "created_at",
            "modified_at",
            "organisation_id",
            "case_id",
            "person_id",
            "occurred_at",
            "direction",
            "method",
            "contact_role",
            "contact_name",
            "contact_details",
            "outcome",
            "summary",
            "is_scheduling_attempt",
            "advice_given",
            "signposted",
            "resolved_at_first_contact",
            "financial_information_given",
            "original_held_at",
            "advice_outcome",
            "advice_outcome_note",
        ]
        rng, now = self.rng, self.now
        methods = list(ContactMethod.values)
        outcomes = list(ContactOutcome.values)
        roles = list(ContactRole.values)
        worked = [p for p in plan if p[7] is not None] or plan
        fallback_org = self.county_id
        per_worked = total / max(len(worked), 1)

        def contact(case, first: bool):
            case_id, person_id, _status, _stage, raised, _allocated, closed, org, _worker = case
            span = max(((closed or now) - raised).total_seconds(), 60)
            at = raised + datetime.timedelta(seconds=rng.random() * span)
            inbound = rng.random() < 0.35
            method = rng.choice(methods)
            return (
                at,
                at,
                org or fallback_org,
                case_id,
                person_id,
                at,
                Direction.INBOUND if inbound else Direction.OUTBOUND,
                method,
                rng.choice(roles) if inbound else ContactRole.WORKER,
                "",
                "",
                rng.choice(outcomes),
                "Generated contact.",
                first and not inbound,
                "",
                "[]",
                False,
                False,
                "Case file" if inbound and method in WRITTEN_METHODS else "",
                "",
                "",
            )

        def rows():
            written = 0
            for case in worked:
                count = int(per_worked) + (1 if rng.random() < per_worked - int(per_worked) else 0)
                for i in range(min(count, total - written)):
                    yield contact(case, i == 0)
                    written += 1
            while written < total:  # the random rounding fell short: top up, a contact each
                yield contact(rng.choice(worked), False)
                written += 1

        with ProgressBar(total=total, label="Contacts", stream=self.stream) as bar:
            return Writer(ContactEvent, columns).write(rows(), bar)

    def _audit(self, plan) -> None:
        """A raised, allocated, accepted (and closed) event per case, continuing the hash chain."""
        head, _ = ChainHead.objects.select_for_update().get_or_create(name="audit")
        sequence, prev = head.last_sequence, head.last_hash
        columns = [
            "sequence",
            "occurred_at",
            "actor_id",
            "organisation_id",
            "verb",
            "object_type",
            "object_id",
            "person_id",
            "case_id",
            "reason",
            "request_id",
            "channel",
            "prev_hash",
            "hash",
            "changes",
        ]
        state = {"sequence": sequence, "prev": prev}
        json_field = AuditEvent._meta.get_field("changes")

        def event(at, actor, org, verb, case_id, person_id, changes):
            state["sequence"] += 1
            fields = {
                "sequence": state["sequence"],
                "occurred_at": normalise_time(at),
                "actor_id": actor,
                "organisation_id": org,
                "verb": verb,
                "object_type": "cases.case",
                "object_id": str(case_id),
                "person_id": person_id,
                "case_id": case_id,
                "reason": "",
                "request_id": "generated",
                "channel": "command",
                "changes": changes,
            }
            digest = event_hash(prev_hash=state["prev"], fields=fields)
            row = (
                state["sequence"],
                at,
                actor,
                org,
                verb,
                "cases.case",
                str(case_id),
                person_id,
                case_id,
                "",
                "generated",
                "command",
                state["prev"],
                digest,
                json_field.get_db_prep_value(changes, connection),
            )
            state["prev"] = digest
            return row

        def rows():
            for case_id, person_id, status, _stage, raised, allocated, closed, org, worker in plan:
                yield event(
                    raised,
                    None,
                    None,
                    "cases.case_raised",
                    case_id,
                    person_id,
                    {"origin": {"before": None, "after": "generated"}},
                )
                if org:
                    yield event(
                        raised + datetime.timedelta(minutes=30),
                        None,
                        org,
                        "cases.case_allocated",
                        case_id,
                        person_id,
                        {"responsible_organisation_id": {"before": None, "after": org}},
                    )
                if worker:
                    yield event(
                        allocated,
                        worker,
                        org,
                        "cases.case_accepted",
                        case_id,
                        person_id,
                        {"primary_worker_id": {"before": None, "after": worker}},
                    )
                if closed:
                    yield event(
                        closed,
                        worker,
                        org,
                        f"cases.status_{status}",
                        case_id,
                        person_id,
                        {"status": {"before": "active", "after": status}},
                    )

        expected = sum(1 + bool(p[7]) + bool(p[8]) + bool(p[6]) for p in plan)
        with ProgressBar(total=expected, label="Audit   ", stream=self.stream) as bar:
            Writer(AuditEvent, columns).write(rows(), bar)
        ChainHead.objects.filter(pk=head.pk).update(last_sequence=state["sequence"], last_hash=state["prev"])


def _skip_foreign_key_triggers() -> None:
    """On PostgreSQL, skip the per-row foreign key triggers for this transaction where the role may.

    Django's foreign keys are deferred, so tens of millions of checks would otherwise all run at COMMIT.
    The generated rows refer only to rows written before them, so the checks add nothing. A role that is
    not allowed (not a superuser) keeps the checks: slower, same result.
    """
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
    except Exception:  # noqa: BLE001 - permission denied: keep the checks
        pass


def generate_scale_data(
    *, people: int, cases: int, contacts: int, seed: int = 1, stream=None
) -> dict[str, int]:
    """Fill the database with made-up data at the given scale. Refuses in production mode."""
    if not settings.DEBUG:
        raise PermissionError("The scale data generator never runs in production mode (DEBUG is off).")
    stream = stream or sys.stderr
    generator = Generator(seed=seed, stream=stream)
    with transaction.atomic():
        _skip_foreign_key_triggers()
        skeleton = generator.skeleton()
        person_range = generator.people(skeleton, people)
        counts = (
            generator.cases(skeleton, cases, person_range, contacts) if cases else {"cases": 0, "contacts": 0}
        )
        reset_sequences([Person, Case, CaseAssignment, StageProgress, ContactEvent, AuditEvent])

    counts |= generate_scale_waiting_lists(seed=seed, stream=stream)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # VACUUM also sets the visibility map, for index-only counts; it cannot run inside a transaction.
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    return {"people": people, **counts}
