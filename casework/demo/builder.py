"""Build a made-up county vulnerability initiative to try Casework with: organisations, teams, demo logins,
people, households and relationships.

Everything here is invented. Places are Thomas Hardy's fictional Wessex on real-format "RG" postcode
districts; NHS numbers are in the 999 range that is never issued to patients; phone numbers are in Ofcom's
drama ranges; email addresses use the reserved example.com domain. The same seed builds the same data
(dates of birth are relative to today, so ages stay the same).

`build_demo` refuses in production mode (DEBUG off) and on a database that already has organisations.
"""

from __future__ import annotations

import datetime
import hashlib
import random
import sys
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import nhs_number
from django.conf import settings
from django.core.management.base import CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice
from faker import Faker
from nhs_number.constants import Range, Region

from casework.accounts.choices import Capability, OrganisationKind, OrganisationType, Role
from casework.accounts.models import Initiative, Membership, Organisation, Team, User
from casework.audit.services import audit_record
from casework.core import clock
from casework.core.progress import ProgressBar
from casework.demo.assessments import build_assessment_forms, build_need_definitions
from casework.demo.budgets import seed_budgets
from casework.demo.cases import build_cases
from casework.demo.directory import build_directory_demo
from casework.demo.identify import build_identify_demo
from casework.demo.referrals import build_referrals_demo
from casework.demo.reviews import build_reviews_demo
from casework.demo.waiting_lists import build_waiting_lists
from casework.people.choices import (
    AccessibleFormat,
    ContactMethod,
    Ethnicity,
    Gender,
    HouseholdRole,
    RelationshipKind,
    Sex,
)
from casework.people.identifiers import name_key, normalise_nhs_number, normalise_postcode
from casework.people.models import (
    Household,
    HouseholdMembership,
    Person,
    PersonRelationship,
    PersonRestrictedAccess,
)

# How far back the demo's history goes: the set-up, then cases raised over the following months.
HISTORY_DAYS = 240

PRODUCTION_REFUSAL = "Demo data and demo logins never exist in production mode"
NOT_EMPTY_REFUSAL = (
    "This database already has organisations in it, so no demo data was added (it would duplicate them). "
    "Run `python manage.py seed_demo --if-empty` to keep what is there and show the demo logins, "
    "or start from an empty database."
)

INITIATIVE_NAME = "Wessex County vulnerability initiative"
LEAD_NAME = "Wessex County Council"
DISTRICT_NAME = "Kingsbere District Council"
HOUSING_NAME = "Egdon Heath Housing Association"
CHARITY_NAME = "Melchester and Shaston Community Trust"
FOODBANK_NAME = "Casterbridge Foodbank"
DEBT_NAME = "Wessex Money Advice"

# Postcode districts of the made-up county and the (fictional) town each one serves.
TOWNS = {
    "RG1": "Casterbridge",
    "RG2": "Casterbridge",
    "RG4": "Casterbridge",
    "RG5": "Sandbourne",
    "RG6": "Sandbourne",
    "RG40": "Kingsbere",
    "RG41": "Kingsbere",
    "RG42": "Weatherbury",
    "RG45": "Weatherbury",
    "RG10": "Shaston",
    "RG12": "Melchester",
    "RG14": "Anglebury",
}
ALL_DISTRICTS = list(TOWNS)
# The county covers everything; its responsible partners split the county between them.
DISTRICT_COUNCIL_AREAS = ["RG40", "RG41", "RG42", "RG45"]
HOUSING_AREAS = ["RG1", "RG2", "RG4", "RG5", "RG6"]
CHARITY_AREAS = ["RG10", "RG12", "RG14"]
FOODBANK_AREAS = ["RG1", "RG2", "RG4", "RG5", "RG6", "RG40", "RG41"]

# (key, name, organisation_type, kinds, capabilities, areas, identifier, teams as (name, is_safeguarding))
ORGANISATIONS: list[tuple[str, str, str, list[str], list[str], list[str], str, list[tuple[str, bool]]]] = [
    (
        "county",
        LEAD_NAME,
        OrganisationType.LOCAL_AUTHORITY,
        [OrganisationKind.LEAD, OrganisationKind.RESPONSIBLE],
        [Capability.HOME_VISITS, Capability.PHONE, Capability.LETTERS, Capability.FACE_TO_FACE],
        ALL_DISTRICTS,
        "E10999901",
        [
            ("Adult Social Care Duty Team", False),
            ("Locality Team North", False),
            ("Locality Team South", False),
            ("Safeguarding Team", True),
        ],
    ),
    (
        "district",
        DISTRICT_NAME,
        OrganisationType.LOCAL_AUTHORITY,
        [OrganisationKind.RESPONSIBLE],
        [Capability.PHONE, Capability.LETTERS, Capability.FACE_TO_FACE],
        DISTRICT_COUNCIL_AREAS,
        "E07999901",
        # A district council has its own designated safeguarding lead; the housing association and the
        # charities do not: their concerns go to the county's Safeguarding Team (it holds the s42 duty).
        [("Housing Options Team", False), ("Community Safety and Safeguarding", True)],
    ),
    (
        "housing",
        HOUSING_NAME,
        OrganisationType.HOUSING,
        [OrganisationKind.RESPONSIBLE],
        [Capability.HOME_VISITS, Capability.PHONE, Capability.LETTERS],
        HOUSING_AREAS,
        "Registered provider L9901",
        [("Tenancy Sustainment Team", False)],
    ),
    (
        "charity",
        CHARITY_NAME,
        OrganisationType.VOLUNTARY,
        [OrganisationKind.RESPONSIBLE],
        [Capability.HOME_VISITS, Capability.PHONE, Capability.FACE_TO_FACE],
        CHARITY_AREAS,
        "Registered charity 1999901",
        [("Community Support Team", False)],
    ),
    (
        "foodbank",
        FOODBANK_NAME,
        OrganisationType.VOLUNTARY,
        [OrganisationKind.DELIVERY],
        [Capability.HOME_VISITS, Capability.PHONE],
        FOODBANK_AREAS,
        "Registered charity 1999902",
        [("Deliveries", False)],
    ),
    (
        "debt",
        DEBT_NAME,
        OrganisationType.VOLUNTARY,
        [OrganisationKind.DELIVERY],
        [Capability.PHONE, Capability.LETTERS, Capability.FACE_TO_FACE],
        ALL_DISTRICTS,
        "Registered charity 1999903",
        [("Advisers", False)],
    ),
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    organisation: str  # key into ORGANISATIONS
    team: str | None
    job_title: str


# The demo logins, printed with the demo password. Order is the order of the printed table.
DEMO_LOGINS: list[DemoLogin] = [
    DemoLogin("duty", Role.DUTY_OFFICER, "county", "Adult Social Care Duty Team", "Duty social worker"),
    DemoLogin("worker", Role.PRACTITIONER, "county", "Locality Team North", "Social worker"),
    DemoLogin("worker2", Role.PRACTITIONER, "county", "Locality Team North", "Occupational therapist"),
    DemoLogin(
        "manager", Role.TEAM_MANAGER, "county", "Locality Team North", "Team manager, Locality Team North"
    ),
    DemoLogin("oversight", Role.CASE_MANAGER, "county", None, "Head of adult social care operations"),
    DemoLogin("orgadmin", Role.ORG_ADMIN, "county", None, "Casework system administrator"),
    DemoLogin(
        "initiativeadmin", Role.INITIATIVE_ADMIN, "county", None, "Vulnerability initiative coordinator"
    ),
    DemoLogin("auditor", Role.AUDITOR, "county", None, "Information governance officer"),
    DemoLogin("riskanalyst", Role.RISK_ANALYST, "county", None, "Risk and insight analyst"),
    DemoLogin(
        "safeguarding", Role.PRACTITIONER, "county", "Safeguarding Team", "Safeguarding adults practitioner"
    ),
    DemoLogin(
        "kingsbere.safeguarding",
        Role.PRACTITIONER,
        "district",
        "Community Safety and Safeguarding",
        "Designated safeguarding lead",
    ),
    DemoLogin(
        "partner", Role.PRACTITIONER, "housing", "Tenancy Sustainment Team", "Tenancy sustainment officer"
    ),
    DemoLogin(
        "kingsbere.housing", Role.PRACTITIONER, "district", "Housing Options Team", "Housing options officer"
    ),
    DemoLogin(
        "trust.support", Role.PRACTITIONER, "charity", "Community Support Team", "Community support worker"
    ),
    DemoLogin("foodbank", Role.PRACTITIONER, "foodbank", "Deliveries", "Delivery volunteer coordinator"),
    DemoLogin("adviser", Role.PRACTITIONER, "debt", "Advisers", "Debt adviser"),
]
DEMO_USERNAMES = [login.username for login in DEMO_LOGINS]
DEMO_MFA_DEVICE_NAME = "Demo authenticator"


def demo_mfa_key(username: str) -> str:
    """A demo login's authenticator key (hex), made from its username: known to anyone, so demo data only."""
    return hashlib.sha1(f"casework-demo-mfa:{username}".encode()).hexdigest()


def demo_mfa_required(login: DemoLogin) -> bool:
    return settings.MFA_REQUIRED_FOR_ALL or str(login.role) in settings.MFA_REQUIRED_ROLES


# Which organisations create people's records, and how many: mostly the county.
CREATOR_WEIGHTS = {"county": 62, "district": 14, "housing": 14, "charity": 10}
# Who appears as having created the records of each creating organisation.
CREATOR_USER = {
    "county": "duty",
    "district": "kingsbere.housing",
    "housing": "partner",
    "charity": "trust.support",
}
LOCAL_ID_PREFIX = {"county": "ASC", "district": "HOP", "housing": "TEN", "charity": "MSCT"}

SYNTHETIC_NHS_RANGE = Region(
    "Synthetic test numbers (999)",
    ["synthetic"],
    [Range(9990000000, 9999999999, "Not issued: synthetic test patients")],
)
POSTCODE_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

ETHNICITY_WEIGHTS = {
    Ethnicity.WHITE_BRITISH: 760,
    Ethnicity.WHITE_IRISH: 15,
    Ethnicity.WHITE_GYPSY_TRAVELLER: 4,
    Ethnicity.WHITE_ROMA: 6,
    Ethnicity.WHITE_OTHER: 60,
    Ethnicity.MIXED_WHITE_BLACK_CARIBBEAN: 6,
    Ethnicity.MIXED_WHITE_BLACK_AFRICAN: 3,
    Ethnicity.MIXED_WHITE_ASIAN: 6,
    Ethnicity.MIXED_OTHER: 4,
    Ethnicity.ASIAN_INDIAN: 22,
    Ethnicity.ASIAN_PAKISTANI: 25,
    Ethnicity.ASIAN_BANGLADESHI: 5,
    Ethnicity.ASIAN_CHINESE: 6,
    Ethnicity.ASIAN_OTHER: 8,
    Ethnicity.BLACK_AFRICAN: 14,
    Ethnicity.BLACK_CARIBBEAN: 8,
    Ethnicity.BLACK_OTHER: 2,
    Ethnicity.OTHER_ARAB: 3,
    Ethnicity.OTHER_ANY: 5,
    Ethnicity.NO_DATA_REFUSED: 5,
    Ethnicity.NO_DATA_UNKNOWN: 19,
}
# Ages of the people a household is built around: weighted towards older people, as adult social care is.
AGE_BANDS = [((18, 39), 12), ((40, 59), 18), ((60, 74), 25), ((75, 84), 27), ((85, 100), 18)]

# Small name lists for backgrounds Faker has no English-script locale for.
NAMES = {
    "pakistani": (
        ["Amina", "Fatima", "Nasreen", "Shazia", "Rubina", "Samina", "Ayesha", "Zainab", "Parveen"],
        ["Mohammed", "Imran", "Tariq", "Khalid", "Asif", "Zubair", "Bilal", "Nadeem", "Rashid"],
        ["Khan", "Hussain", "Akhtar", "Iqbal", "Mahmood", "Rashid", "Butt", "Malik", "Qureshi"],
    ),
    "bangladeshi": (
        ["Rokeya", "Shirin", "Nazma", "Taslima", "Jahanara", "Rahima"],
        ["Abdul", "Mizanur", "Shahidul", "Anwar", "Jamal", "Rafiq"],
        ["Miah", "Uddin", "Rahman", "Ahmed", "Chowdhury", "Islam", "Ali"],
    ),
    "punjabi": (
        ["Gurpreet", "Harjit", "Manjit", "Jaswinder", "Kulwant", "Paramjit", "Sukhvinder"],
        ["Gurdeep", "Harbhajan", "Jaspal", "Kulwinder", "Balwinder", "Sukhdev", "Amarjit"],
        ["Sandhu", "Gill", "Dhillon", "Sidhu", "Bains", "Johal", "Grewal", "Atwal"],
    ),
    "chinese": (
        ["Mei", "Li Na", "Xiu Ying", "Fang", "Yan", "Wai Ling"],
        ["Wei", "Jun", "Ming", "Kwok Wai", "Lei", "Hao"],
        ["Wong", "Chan", "Li", "Zhang", "Chen", "Lau", "Cheung", "Ng"],
    ),
    "arab": (
        ["Layla", "Mariam", "Noor", "Huda", "Salma"],
        ["Ahmed", "Omar", "Youssef", "Hassan", "Karim"],
        ["Al-Sayed", "Haddad", "Mansour", "Nasser", "Saleh", "Hamdan"],
    ),
}
FAKER_LOCALES = ["en_GB", "en_IE", "en_IN", "en_NG", "pl_PL", "ro_RO"]
# Households that always appear (one of each for every 150 people), so the demo always shows people who
# need an interpreter: (ethnicity, preferred language, name locale).
LANGUAGE_COMMUNITIES = [
    (Ethnicity.WHITE_OTHER, "Polish", "pl_PL"),
    (Ethnicity.ASIAN_PAKISTANI, "Urdu", "pakistani"),
    (Ethnicity.ASIAN_INDIAN, "Punjabi", "punjabi"),
    (Ethnicity.WHITE_ROMA, "Romanian", "ro_RO"),
]

COMMUNICATION_NEEDS: list[tuple[str, str, int]] = [
    (
        "Macular degeneration: send letters in large print and read anything important through by phone.",
        AccessibleFormat.LARGE_PRINT,
        6,
    ),
    ("Partially sighted: needs large print and good lighting on visits.", AccessibleFormat.LARGE_PRINT, 4),
    ("Hard of hearing: wears hearing aids. Face them and speak clearly; a quiet room helps.", "", 4),
    (
        "Learning disability: use easy read and allow extra time. Likes a support worker present.",
        AccessibleFormat.EASY_READ,
        2,
    ),
    (
        "Dementia: short, simple sentences, one question at a time. Family help with letters.",
        AccessibleFormat.LARGE_PRINT,
        3,
    ),
    ("Registered blind: reads Braille.", AccessibleFormat.BRAILLE, 1),
    ("Dyslexia: prefers phone calls or audio to letters.", AccessibleFormat.AUDIO, 1),
    ("Aphasia after a stroke: allow time to answer; yes or no questions help.", "", 2),
]
BSL_NEED = "Deaf: uses British Sign Language. Book a BSL interpreter for visits; text rather than call."

STREET_NAMES = [
    "Church",
    "Station",
    "Mill",
    "Manor",
    "Orchard",
    "Meadow",
    "Chapel",
    "School",
    "Victoria",
    "Albert",
    "Queens",
    "Kings",
    "Beech",
    "Oak",
    "Ash",
    "Elm",
    "Willow",
    "Hawthorn",
    "Rowan",
    "Chestnut",
    "Holly",
    "Heath",
    "Down",
    "Barrow",
    "Ridge",
    "Brook",
    "Castle",
    "Abbey",
    "Priory",
    "Market",
    "Bridge",
    "Fairfield",
    "Highfield",
    "Longmead",
    "Coombe",
    "Henchard",
    "Farfrae",
    "Eustacia",
    "Yeobright",
    "Durbeyfield",
    "Boldwood",
    "Winterborne",
    "Everdene",
    "Venn",
    "Troy",
]
STREET_SUFFIXES = [
    "Road",
    "Street",
    "Lane",
    "Close",
    "Avenue",
    "Drive",
    "Way",
    "Crescent",
    "Gardens",
    "Grove",
    "Place",
    "Walk",
    "Terrace",
    "Mews",
    "Rise",
    "View",
]
BLOCK_NAMES = [
    "Hardy House",
    "Wessex Court",
    "Stinsford House",
    "Froom Court",
    "Egdon House",
    "Talbothays Court",
    "Mellstock House",
    "Trantridge Court",
]


@dataclass
class DemoSummary:
    initiative: Initiative
    counts: dict[str, int] = field(default_factory=dict)


class DemoRefused(CommandError):
    """The demo data was not built, and why."""


def build_demo(*, people: int = 300, seed: int = 2026, stdout=None, progress_stream=None) -> DemoSummary:
    """Build the demo initiative with about `people` made-up people, in one transaction, with one audit event.

    Raises DemoRefused in production mode and when any organisation already exists.
    """
    if not settings.DEBUG:
        raise DemoRefused(PRODUCTION_REFUSAL)
    if people < 10:
        raise DemoRefused("Build at least 10 people.")
    with transaction.atomic():
        if Organisation.objects.exists():
            raise DemoRefused(NOT_EMPTY_REFUSAL)
        return _Builder(seed=seed, stdout=stdout, progress_stream=progress_stream or sys.stderr).build(people)


def demo_logins_table() -> str:
    """The demo logins that exist in this database, with the demo password and the address to open."""
    url = f"http://127.0.0.1:{settings.PORT}/"
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES)}
    memberships: dict[int, Membership] = {}
    for membership in (
        Membership.objects.filter(user__in=users.values(), is_active=True)
        .select_related("organisation", "team")
        .order_by("id")
    ):
        memberships.setdefault(membership.user_id, membership)
    rows = []
    for login in DEMO_LOGINS:
        user = users.get(login.username)
        if user is None or not user.is_active:
            continue
        membership = memberships.get(user.pk)
        if membership is None:
            role, organisation = "(no role)", ""
        else:
            role = membership.get_role_display()
            organisation = membership.organisation.name + (
                f" – {membership.team.name}" if membership.team else ""
            )
        rows.append((login.username, settings.DEMO_PASSWORD, role, organisation))
    if not rows:
        return f"This database has no demo logins (it was not built by seed_demo).\nCasework is at {url}\n"
    header = ("Username", "Password", "Role", "Organisation")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(3)]
    lines = ["Demo logins (made-up people and data; every login uses the same password):", ""]
    for row in [header, *rows]:
        lines.append(
            "  " + "  ".join(str(v).ljust(w) for v, w in zip(row[:3], widths, strict=True)) + "  " + row[3]
        )
    missing = [name for name in DEMO_USERNAMES if name not in {r[0] for r in rows}]
    if missing:
        lines += ["", f"Not in this database: {', '.join(missing)}"]
    with_app = sorted(
        TOTPDevice.objects.filter(
            user__username__in=[r[0] for r in rows],
            confirmed=True,
            name=DEMO_MFA_DEVICE_NAME,
        ).values_list("user__username", flat=True)
    )
    if with_app:
        lines += [
            "",
            f"{', '.join(with_app)} also enter a code from an authenticator app after the password "
            "(multi-factor sign-in).",
            "Get the current code with: python manage.py demo_mfa_code USERNAME",
        ]
    lines += ["", f"Open {url} and sign in as one of them."]
    return "\n".join(lines) + "\n"


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


@dataclass
class _PersonSpec:
    creator: str
    given_name: str
    family_name: str
    sex: str
    date_of_birth: datetime.date
    ethnicity: str
    language: str
    role: str
    start_date: datetime.date
    household: int  # index into households
    locale: str
    data: dict[str, Any] = field(default_factory=dict)

    def age_on(self, day: datetime.date) -> int:
        before = (day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day)
        return day.year - self.date_of_birth.year - int(before)


class _Builder:
    def __init__(self, *, seed: int, stdout, progress_stream):
        self.seed = seed
        self.rng = random.Random(seed)
        self.fake = Faker(FAKER_LOCALES)
        self.fake.seed_instance(seed)
        self.stdout = stdout
        self.progress_stream = progress_stream
        self.today = clock.today()
        self.orgs: dict[str, Organisation] = {}
        self.teams: dict[tuple[str, str], Team] = {}
        self.users: dict[str, User] = {}

    def say(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message + "\n")

    # Organisations, teams and users.

    def build(self, people: int) -> DemoSummary:
        self.say(f"Building the made-up {INITIATIVE_NAME} (seed {self.seed}).")
        # The initiative, its staff, people, needs and forms were set up before the oldest case's history
        # began: everything made here carries that time, so no page shows set-up "today" for work done in May.
        with clock.frozen_at(clock.now() - datetime.timedelta(days=HISTORY_DAYS)):
            initiative = self._organisations()
            self._users()
            counts = self._people(initiative, people)
            needs = build_need_definitions(user=self.users["initiativeadmin"], initiative_id=initiative.pk)
            build_assessment_forms(organisations=self.orgs.values())
            seed_budgets(organisations=self.orgs.values())  # plans: RAS questionnaire, approval limits
            counts |= build_cases(
                initiative=initiative, organisations=self.orgs, rng=self.rng, total=max(10, people // 2)
            )
        build_directory_demo(stdout=self.stdout)
        counts["waiting"] = build_waiting_lists(organisation=self.orgs["county"], rng=self.rng)
        counts["reviews"] = build_reviews_demo(organisation=self.orgs["county"])
        # Consent and referrals (casework/demo/referrals.py): after the cases, needs and forms they use.
        referrals = build_referrals_demo(organisations=self.orgs)
        # Identify (casework/demo/identify.py): sources and imports made from the demo's own people.
        counts |= build_identify_demo(initiative=initiative, analyst=self.users["riskanalyst"], rng=self.rng)
        counts = {
            "organisations": len(self.orgs),
            "teams": len(self.teams),
            "users": len(self.users),
            "memberships": Membership.objects.filter(organisation__initiative=initiative).count(),
            "need_definitions": needs,
            "referrals": referrals,
            **counts,
        }
        audit_record(
            user=None,
            verb="demo.seeded",
            obj=initiative,
            organisation_id=self.orgs["county"].pk,
            changes={name: {"before": 0, "after": value} for name, value in counts.items()},
            reason=f"Made-up demonstration data built by seed_demo (seed {self.seed})",
        )
        self.say(
            f"Built {counts['organisations']} organisations, {counts['teams']} teams, "
            f"{counts['users']} users, {counts['people']} people in {counts['households']} households "
            f"and {counts['relationships']} relationships, and {counts['cases']} cases."
        )
        return DemoSummary(initiative=initiative, counts=counts)

    def _organisations(self) -> Initiative:
        initiative = None
        for key, name, org_type, kinds, capabilities, areas, identifier, teams in ORGANISATIONS:
            org = Organisation.objects.create(
                name=name,
                initiative=initiative,
                organisation_type=str(org_type),
                kinds=[str(k) for k in kinds],
                capabilities=[str(c) for c in capabilities],
                areas=list(areas),
                identifier=identifier,
            )
            if key == "county":
                initiative = Initiative.objects.create(name=INITIATIVE_NAME, lead_organisation=org)
                org.initiative = initiative
                org.save(update_fields=["initiative"])
            self.orgs[key] = org
            for team_name, is_safeguarding in teams:
                self.teams[(key, team_name)] = Team.objects.create(
                    organisation=org, name=team_name, is_safeguarding=is_safeguarding
                )
        return initiative

    def _users(self) -> None:
        en = self.fake["en_GB"]
        for login in DEMO_LOGINS:
            female = self.rng.random() < 0.6
            first = en.first_name_female() if female else en.first_name_male()
            last = en.last_name()
            domain = {
                "county": "wessex-cc",
                "district": "kingsbere-dc",
                "housing": "egdonheath-ha",
                "charity": "msct",
                "foodbank": "casterbridge-foodbank",
                "debt": "wessex-money",
            }
            user = User(
                username=login.username,
                first_name=first,
                last_name=last,
                job_title=login.job_title,
                email=f"{_ascii(first)}.{_ascii(last)}@{domain[login.organisation]}.example.org",
            )
            user.set_password(settings.DEMO_PASSWORD)
            user.date_joined = clock.now()
            user.save()
            Membership.objects.create(
                user=user,
                organisation=self.orgs[login.organisation],
                role=str(login.role),
                team=self.teams[(login.organisation, login.team)] if login.team else None,
            )
            if demo_mfa_required(login):
                # Its code comes from `manage.py demo_mfa_code USERNAME` (or any app given the key).
                TOTPDevice.objects.create(
                    user=user, name=DEMO_MFA_DEVICE_NAME, key=demo_mfa_key(login.username), confirmed=True
                )
            self.users[login.username] = user

    # People and households.

    def _age(self) -> int:
        ((low, high),) = self.rng.choices([band for band, _ in AGE_BANDS], weights=[w for _, w in AGE_BANDS])
        return self.rng.randint(low, high)

    def _dob_for_age(self, age: int) -> datetime.date:
        age = max(18, min(100, age))
        latest = (
            self.today.replace(year=self.today.year - age)
            if not (self.today.month == 2 and self.today.day == 29)
            else datetime.date(self.today.year - age, 2, 28)
        )
        return latest - datetime.timedelta(days=self.rng.randint(1, 364))

    def _date_between(self, start: datetime.date, end: datetime.date) -> datetime.date:
        if end <= start:
            return start
        return start + datetime.timedelta(days=self.rng.randint(0, (end - start).days))

    def _years_after(self, day: datetime.date, years: int) -> datetime.date:
        try:
            return day.replace(year=day.year + years)
        except ValueError:
            return day.replace(year=day.year + years, day=28)

    def _sex(self) -> str:
        return self.rng.choices(
            [Sex.FEMALE, Sex.MALE, Sex.NOT_KNOWN, Sex.INDETERMINATE], weights=[560, 425, 12, 3]
        )[0]

    def _gender(self, sex: str) -> str:
        usual = {Sex.FEMALE: Gender.WOMAN, Sex.MALE: Gender.MAN}.get(sex)
        if usual is None:
            return self.rng.choice([Gender.NOT_KNOWN, Gender.NON_BINARY, Gender.PREFER_NOT_TO_SAY, ""])
        return self.rng.choices(
            [usual, Gender.NON_BINARY, Gender.OTHER, Gender.PREFER_NOT_TO_SAY, Gender.NOT_KNOWN, ""],
            weights=[880, 6, 2, 10, 22, 80],
        )[0]

    def _language_and_locale(self, ethnicity: str) -> tuple[str, str]:
        r = self.rng.random()
        if ethnicity == Ethnicity.WHITE_OTHER:
            return (
                ("Polish", "pl_PL")
                if r < 0.45
                else ("Romanian", "ro_RO")
                if r < 0.65
                else ("English", "en_GB")
            )
        if ethnicity == Ethnicity.WHITE_ROMA:
            return ("Romanian", "ro_RO") if r < 0.7 else ("English", "ro_RO")
        if ethnicity == Ethnicity.WHITE_IRISH:
            return "English", "en_IE"
        if ethnicity == Ethnicity.ASIAN_PAKISTANI:
            return ("Urdu" if r < 0.35 else "Punjabi" if r < 0.5 else "English"), "pakistani"
        if ethnicity == Ethnicity.ASIAN_INDIAN:
            return (
                ("Punjabi", "punjabi")
                if r < 0.3
                else ("Gujarati", "en_IN")
                if r < 0.4
                else ("English", "en_IN")
            )
        if ethnicity == Ethnicity.ASIAN_BANGLADESHI:
            return ("Bengali" if r < 0.4 else "English"), "bangladeshi"
        if ethnicity == Ethnicity.ASIAN_CHINESE:
            return ("Cantonese" if r < 0.3 else "English"), "chinese"
        if ethnicity == Ethnicity.OTHER_ARAB:
            return ("Arabic" if r < 0.4 else "English"), "arab"
        if ethnicity == Ethnicity.BLACK_AFRICAN:
            return "English", "en_NG"
        return "English", "en_GB"

    def _given_name(self, locale: str, sex: str) -> str:
        female = sex == Sex.FEMALE or (sex not in (Sex.FEMALE, Sex.MALE) and self.rng.random() < 0.5)
        if locale in NAMES:
            women, men, _ = NAMES[locale]
            return self.rng.choice(women if female else men)
        generator = self.fake[locale]
        return generator.first_name_female() if female else generator.first_name_male()

    def _family_name(self, locale: str, sex: str = Sex.MALE) -> str:
        if locale in NAMES:
            return self.rng.choice(NAMES[locale][2])
        generator = self.fake[locale]
        if locale in ("pl_PL",) and sex == Sex.FEMALE and hasattr(generator, "last_name_female"):
            return generator.last_name_female()
        return generator.last_name()

    def _streets(self) -> dict[str, list[tuple[str, str]]]:
        """A few streets in each district, each with its own postcode: (street, postcode)."""
        streets: dict[str, list[tuple[str, str]]] = {}
        used_names, used_postcodes = set(), set()
        for district in ALL_DISTRICTS:
            streets[district] = []
            while len(streets[district]) < 8:
                name = f"{self.rng.choice(STREET_NAMES)} {self.rng.choice(STREET_SUFFIXES)}"
                inward = (
                    str(self.rng.randint(1, 9))
                    + self.rng.choice(POSTCODE_INWARD_LETTERS)
                    + self.rng.choice(POSTCODE_INWARD_LETTERS)
                )
                postcode = normalise_postcode(f"{district}{inward}")
                if (district, name) in used_names or postcode in used_postcodes:
                    continue
                used_names.add((district, name))
                used_postcodes.add(postcode)
                streets[district].append((name, postcode))
        return streets

    def _nhs_numbers(self, count: int) -> list[str]:
        """Unique valid NHS numbers in the never-issued 999 range, repeatable for the seed."""
        taken = set(Person.objects.filter(nhs_number__isnull=False).values_list("nhs_number", flat=True))
        numbers: list[str] = []
        state = random.getstate()  # nhs_number.generate uses the module-level random
        try:
            random.seed(self.seed)
            while len(numbers) < count:
                for candidate in nhs_number.generate(
                    valid=True, for_region=SYNTHETIC_NHS_RANGE, quantity=count - len(numbers)
                ):
                    if candidate in taken or len(set(candidate)) == 1:
                        continue
                    taken.add(candidate)
                    numbers.append(normalise_nhs_number(candidate))
        finally:
            random.setstate(state)
        return numbers

    def _phone(self, mobile: bool) -> str:
        number = self.rng.randint(0, 999)
        return f"07700 900{number:03d}" if mobile else f"0118 496 0{number:03d}"

    def _plan_households(self, total: int) -> list[dict[str, Any]]:
        """Households with their address and who lives there (as person specs), until `total` people."""
        streets = self._streets()
        house_numbers: dict[str, set[int]] = {}
        uprns: set[int] = set()
        households: list[dict[str, Any]] = []
        self.specs: list[_PersonSpec] = []
        creators, weights = list(CREATOR_WEIGHTS), list(CREATOR_WEIGHTS.values())
        communities = LANGUAGE_COMMUNITIES * max(1, total // 150)
        with ProgressBar(total=total, label="People", stream=self.progress_stream) as bar:
            while len(self.specs) < total:
                creator = self.rng.choices(creators, weights=weights)[0]
                district = self.rng.choice(self.orgs[creator].areas)
                street, postcode = self.rng.choice(streets[district])
                used = house_numbers.setdefault(postcode, set())
                free = [n for n in range(1, 120) if n not in used]
                number = self.rng.choice(free) if free else max(used) + 1
                used.add(number)
                if self.rng.random() < 0.15:
                    line_1, line_2 = f"Flat {number}, {self.rng.choice(BLOCK_NAMES)}", street
                else:
                    line_1, line_2 = f"{number} {street}", ""
                uprn = None
                if self.rng.random() < 0.9:
                    uprn = 999_000_000_000 + self.rng.randrange(1_000_000_000)
                    while uprn in uprns:
                        uprn += 1
                    uprns.add(uprn)
                size = min(self.rng.choices([1, 2, 3, 4], weights=[60, 30, 7, 3])[0], total - len(self.specs))
                index = len(households)
                community = None
                if index % 7 == 3 and index // 7 < len(communities):
                    community = communities[index // 7]
                members = self._plan_members(index, creator, size, community)
                family = members[0].family_name
                households.append(
                    {
                        "creator": creator,
                        "address_line_1": line_1,
                        "address_line_2": line_2,
                        "town": TOWNS[district],
                        "postcode": postcode,
                        "uprn": uprn,
                        "name": f"{family} family"
                        if size > 1 and any(m.family_name == family for m in members[1:])
                        else "",
                    }
                )
                self.specs.extend(members)
                bar.advance(len(members))
        return households

    def _plan_members(
        self, household: int, creator: str, size: int, community: tuple[str, str, str] | None = None
    ) -> list[_PersonSpec]:
        if community:
            ethnicity, language, locale = community
        else:
            ethnicity = self.rng.choices(list(ETHNICITY_WEIGHTS), weights=list(ETHNICITY_WEIGHTS.values()))[0]
            language, locale = self._language_and_locale(ethnicity)
        age = self._age()
        sex = self._sex()
        dob = self._dob_for_age(age)
        adult_from = self._years_after(dob, 18)
        start = self._date_between(
            max(adult_from, self.today - datetime.timedelta(days=365 * 45)),
            self.today - datetime.timedelta(days=60),
        )
        head = _PersonSpec(
            creator,
            self._given_name(locale, sex),
            self._family_name(locale, sex),
            sex,
            dob,
            ethnicity,
            language,
            HouseholdRole.HOUSEHOLDER,
            start,
            household,
            locale,
        )
        members = [head]
        for position in range(1, size):
            if position == 1:
                role = self.rng.choices(
                    [
                        HouseholdRole.PARTNER,
                        HouseholdRole.CHILD,
                        HouseholdRole.PARENT,
                        HouseholdRole.OTHER_RELATIVE,
                        HouseholdRole.LODGER,
                    ],
                    weights=[70, 15, 5, 5, 5],
                )[0]
            else:
                role = self.rng.choices(
                    [HouseholdRole.CHILD, HouseholdRole.OTHER_RELATIVE, HouseholdRole.LODGER],
                    weights=[70, 20, 10],
                )[0]
            if role == HouseholdRole.CHILD and age - 20 < 18:
                role = HouseholdRole.OTHER_RELATIVE
            if role == HouseholdRole.PARENT and age + 20 > 100:
                role = HouseholdRole.PARTNER if position == 1 else HouseholdRole.OTHER_RELATIVE
            if role == HouseholdRole.PARTNER:
                member_age = age + self.rng.randint(-6, 6)
                member_sex = self.rng.choices(
                    [{Sex.FEMALE: Sex.MALE, Sex.MALE: Sex.FEMALE}.get(sex, self._sex()), sex], weights=[92, 8]
                )[0]
                family = (
                    head.family_name if self.rng.random() < 0.75 else self._family_name(locale, member_sex)
                )
            elif role == HouseholdRole.CHILD:
                member_age = max(18, age - self.rng.randint(20, 40))
                member_sex = self._sex()
                family = (
                    head.family_name if self.rng.random() < 0.85 else self._family_name(locale, member_sex)
                )
            elif role == HouseholdRole.PARENT:
                member_age = min(100, age + self.rng.randint(20, 35))
                member_sex = self._sex()
                family = (
                    head.family_name if self.rng.random() < 0.6 else self._family_name(locale, member_sex)
                )
            elif role == HouseholdRole.OTHER_RELATIVE:
                member_age = age + self.rng.randint(-10, 10)
                member_sex = self._sex()
                family = (
                    head.family_name if self.rng.random() < 0.5 else self._family_name(locale, member_sex)
                )
            else:  # a lodger, of any background
                member_age = self.rng.randint(20, 70)
                member_sex = self._sex()
                lodger_ethnicity = self.rng.choices(
                    list(ETHNICITY_WEIGHTS), weights=list(ETHNICITY_WEIGHTS.values())
                )[0]
                lodger_language, lodger_locale = self._language_and_locale(lodger_ethnicity)
                dob_m = self._dob_for_age(member_age)
                members.append(
                    _PersonSpec(
                        creator,
                        self._given_name(lodger_locale, member_sex),
                        self._family_name(lodger_locale, member_sex),
                        member_sex,
                        dob_m,
                        lodger_ethnicity,
                        lodger_language,
                        role,
                        self._date_between(
                            max(start, self._years_after(dob_m, 18)), self.today - datetime.timedelta(days=30)
                        ),
                        household,
                        lodger_locale,
                    )
                )
                continue
            member_dob = self._dob_for_age(member_age)
            member_start = self._date_between(
                max(start, self._years_after(member_dob, 18))
                if role in (HouseholdRole.PARTNER, HouseholdRole.PARENT, HouseholdRole.OTHER_RELATIVE)
                else max(start, member_dob),
                self.today - datetime.timedelta(days=30),
            )
            if role == HouseholdRole.CHILD and member_dob >= start:
                member_start = member_dob  # born into the household
            member_ethnicity = (
                ethnicity
                if self.rng.random() < 0.9
                else self.rng.choices(list(ETHNICITY_WEIGHTS), weights=list(ETHNICITY_WEIGHTS.values()))[0]
            )
            member_language = language
            if language != "English" and role == HouseholdRole.CHILD and self.rng.random() < 0.6:
                member_language = "English"
            members.append(
                _PersonSpec(
                    creator,
                    self._given_name(locale, member_sex),
                    family,
                    member_sex,
                    member_dob,
                    member_ethnicity,
                    member_language,
                    role,
                    member_start,
                    household,
                    locale,
                )
            )
        return members

    def _fill_details(self, nhs_numbers: list[str]) -> None:
        """Identifiers, contact details, language and communication needs for every planned person."""
        needs, need_weights = COMMUNICATION_NEEDS, [w for *_, w in COMMUNICATION_NEEDS]
        next_nhs = iter(nhs_numbers)
        local_numbers = {key: 100_000 + self.rng.randint(0, 800_000) for key in LOCAL_ID_PREFIX}
        for spec in self.specs:
            age = spec.age_on(self.today)
            data = spec.data
            data["gender"] = self._gender(spec.sex)
            data["nhs_number"] = next(next_nhs) if self.rng.random() < 0.7 else None
            if spec.creator in LOCAL_ID_PREFIX and self.rng.random() < (
                0.65 if spec.creator == "county" else 0.4
            ):
                local_numbers[spec.creator] += self.rng.randint(1, 900)
                data["local_identifier"] = f"{LOCAL_ID_PREFIX[spec.creator]}{local_numbers[spec.creator]}"
            data["interpreter_needed"] = spec.language != "English" and self.rng.random() < (
                0.85 if age >= 65 or spec.role == HouseholdRole.HOUSEHOLDER else 0.45
            )
            data["communication_needs"], data["accessible_format"] = "", ""
            need_chance = 0.03 if age < 60 else 0.08 if age < 80 else 0.18
            if self.rng.random() < 0.006:
                data["communication_needs"] = BSL_NEED
                spec.language, data["interpreter_needed"] = "British Sign Language", True
            elif self.rng.random() < need_chance:
                text, accessible, _ = self.rng.choices(needs, weights=need_weights)[0]
                data["communication_needs"], data["accessible_format"] = text, str(accessible)
            has_phone = self.rng.random() < 0.88
            mobile = self.rng.random() < (0.9 if age < 60 else 0.6 if age < 80 else 0.3)
            data["phone"] = self._phone(mobile) if has_phone else ""
            email = ""
            if self.rng.random() < (0.45 if age < 60 else 0.2 if age < 80 else 0.05):
                email = (
                    f"{_ascii(spec.given_name).replace(' ', '')}.{_ascii(spec.family_name).replace(' ', '')}"
                    f"{self.rng.randint(1, 99)}@example.com"
                ).replace("'", "")
            data["email"] = email
            data["preferred_contact_method"] = self._contact_method(age, data)
            if spec.sex == Sex.FEMALE and spec.role == HouseholdRole.PARTNER and self.rng.random() < 0.15:
                data["other_names"] = f"Previous family name {self._family_name(spec.locale, Sex.FEMALE)}"

    def _contact_method(self, age: int, data: dict[str, Any]) -> str:
        if self.rng.random() < 0.1:
            return ""
        if data["communication_needs"] == BSL_NEED:
            return ContactMethod.TEXT if data["phone"].startswith("07") else ContactMethod.LETTER
        if age >= 80:
            options = {ContactMethod.HOME_VISIT: 25, ContactMethod.PHONE: 45, ContactMethod.LETTER: 30}
        elif age >= 60:
            options = {
                ContactMethod.PHONE: 50,
                ContactMethod.LETTER: 25,
                ContactMethod.TEXT: 15,
                ContactMethod.EMAIL: 10,
            }
        else:
            options = {
                ContactMethod.TEXT: 35,
                ContactMethod.PHONE: 35,
                ContactMethod.EMAIL: 20,
                ContactMethod.LETTER: 10,
            }
        if not data["phone"]:
            options = {
                ContactMethod.LETTER: 60,
                ContactMethod.HOME_VISIT: 40,
                **({ContactMethod.EMAIL: 30} if data["email"] else {}),
            }
        else:
            if not data["phone"].startswith("07"):
                options.pop(ContactMethod.TEXT, None)
            if not data["email"]:
                options.pop(ContactMethod.EMAIL, None)
        return self.rng.choices(list(options), weights=list(options.values()))[0]

    def _people(self, initiative: Initiative, total: int) -> dict[str, int]:
        plans = self._plan_households(total)
        self._fill_details(self._nhs_numbers(total))
        creator_users = {key: self.users[username] for key, username in CREATOR_USER.items()}

        households = Household.objects.bulk_create(
            [
                Household(
                    initiative=initiative,
                    created_by_organisation=self.orgs[plan["creator"]],
                    created_by=creator_users[plan["creator"]],
                    modified_by=creator_users[plan["creator"]],
                    name=plan["name"],
                    address_line_1=plan["address_line_1"],
                    address_line_2=plan["address_line_2"],
                    town=plan["town"],
                    postcode=plan["postcode"],
                    uprn=plan["uprn"],
                )
                for plan in plans
            ]
        )

        # Who moved: an ended membership of an earlier household, then the current one (recent).
        movers = self._plan_moves(households)
        restricted, deceased = self._plan_restricted_and_deceased(movers)

        people = Person.objects.bulk_create(
            [
                self._person(
                    spec,
                    initiative,
                    plans[spec.household],
                    creator_users[spec.creator],
                    restricted=i in restricted,
                    date_of_death=deceased.get(i),
                )
                for i, spec in enumerate(self.specs)
            ]
        )

        memberships = []
        for i, (spec, person) in enumerate(zip(self.specs, people, strict=True)):
            end = deceased.get(i)
            memberships.append(
                HouseholdMembership(
                    household=households[spec.household],
                    person=person,
                    role=spec.role,
                    start_date=spec.start_date,
                    end_date=end,
                    created_by=creator_users[spec.creator],
                    modified_by=creator_users[spec.creator],
                )
            )
            if i in movers:
                old_household, old_role, old_start, old_end = movers[i]
                memberships.append(
                    HouseholdMembership(
                        household=households[old_household],
                        person=person,
                        role=old_role,
                        start_date=old_start,
                        end_date=old_end,
                        created_by=creator_users[spec.creator],
                        modified_by=creator_users[spec.creator],
                    )
                )
        HouseholdMembership.objects.bulk_create(memberships)

        named = ["worker", "manager", "duty"]
        PersonRestrictedAccess.objects.bulk_create(
            [
                PersonRestrictedAccess(
                    person=people[i], user=self.users[named[n % len(named)]], granted_by=self.users["manager"]
                )
                for n, i in enumerate(sorted(restricted))
            ]
        )

        relationships = self._relationships(people, deceased, restricted)
        PersonRelationship.objects.bulk_create(relationships)
        return {
            "households": len(households),
            "people": len(people),
            "people_with_nhs_number": sum(1 for p in people if p.nhs_number),
            "household_memberships": len(memberships),
            "people_who_moved": len(movers),
            "restricted_people": len(restricted),
            "people_who_died": len(deceased),
            "relationships": len(relationships),
        }

    def _person(
        self,
        spec: _PersonSpec,
        initiative: Initiative,
        plan: dict[str, Any],
        creator_user: User,
        *,
        restricted: bool,
        date_of_death: datetime.date | None,
    ) -> Person:
        data = spec.data
        return Person(
            initiative=initiative,
            created_by_organisation=self.orgs[spec.creator],
            created_by=creator_user,
            modified_by=creator_user,
            given_name=spec.given_name,
            family_name=spec.family_name,
            other_names=data.get("other_names", ""),
            given_name_key=name_key(spec.given_name),
            family_name_key=name_key(spec.family_name),
            date_of_birth=spec.date_of_birth,
            date_of_death=date_of_death,
            nhs_number=data["nhs_number"],
            local_identifier=data.get("local_identifier", ""),
            sex=spec.sex,
            gender=data["gender"],
            ethnicity=spec.ethnicity,
            preferred_language=spec.language,
            interpreter_needed=data["interpreter_needed"],
            communication_needs=data["communication_needs"],
            accessible_format=data["accessible_format"],
            phone=data["phone"],
            email=data["email"],
            preferred_contact_method=data["preferred_contact_method"],
            is_restricted=restricted,
            address_line_1=plan["address_line_1"],
            address_line_2=plan["address_line_2"],
            town=plan["town"],
            postcode=plan["postcode"],
            uprn=plan["uprn"],
        )

    def _plan_moves(
        self, households: list[Household]
    ) -> dict[int, tuple[int, str, datetime.date, datetime.date]]:
        """About one person in 30 moved here from another household: {spec index: (old household, role, start,
        end)}. Their current membership is moved to start the day after the old one ends."""
        wanted = max(1, len(self.specs) // 30)
        by_family: dict[str, list[int]] = {}
        heads: dict[int, _PersonSpec] = {}
        sizes: dict[int, int] = {}
        for spec in self.specs:
            sizes[spec.household] = sizes.get(spec.household, 0) + 1
            if spec.role == HouseholdRole.HOUSEHOLDER:
                heads[spec.household] = spec
                by_family.setdefault(spec.family_name, []).append(spec.household)
        candidates = list(range(len(self.specs)))
        self.rng.shuffle(candidates)
        moves: dict[int, tuple[int, str, datetime.date, datetime.date]] = {}
        for i in candidates:
            if len(moves) >= wanted:
                break
            spec = self.specs[i]
            if spec.age_on(self.today) < 22 or (
                spec.role == HouseholdRole.HOUSEHOLDER and sizes[spec.household] > 1
            ):
                continue  # a householder who moved would have moved in after the people living with them
            new_start = self._date_between(
                self.today - datetime.timedelta(days=3 * 365), self.today - datetime.timedelta(days=45)
            )
            # Prefer a move from a relative's household, so the history tells a story.
            relatives = [h for h in by_family.get(spec.family_name, []) if h != spec.household]
            old = (
                self.rng.choice(relatives)
                if relatives
                else self.rng.choice([h for h in range(len(households)) if h != spec.household])
            )
            difference = heads[old].age_on(self.today) - spec.age_on(self.today)
            if relatives:
                role = (
                    HouseholdRole.CHILD
                    if difference >= 18
                    else HouseholdRole.PARENT
                    if difference <= -18
                    else HouseholdRole.OTHER_RELATIVE
                )
            else:
                role = HouseholdRole.LODGER
            earliest = max(
                spec.date_of_birth
                if role == HouseholdRole.CHILD
                else self._years_after(spec.date_of_birth, 18),
                heads[old].start_date,
            )
            latest = new_start - datetime.timedelta(days=90)
            if latest <= earliest:
                continue
            old_start = self._date_between(
                max(earliest, new_start - datetime.timedelta(days=15 * 365)), latest
            )
            moves[i] = (old, role, old_start, new_start - datetime.timedelta(days=1))
            spec.start_date = new_start
        return moves

    def _plan_restricted_and_deceased(self, movers) -> tuple[set[int], dict[int, datetime.date]]:
        indices = list(range(len(self.specs)))
        self.rng.shuffle(indices)
        restricted: set[int] = set()
        for i in indices:
            spec = self.specs[i]
            if len(restricted) >= 3:
                break
            if spec.creator == "county" and 25 <= spec.age_on(self.today) <= 70:
                restricted.add(i)
        deceased: dict[int, datetime.date] = {}
        wanted = max(1, len(self.specs) // 60)
        for i in indices:
            spec = self.specs[i]
            if len(deceased) >= wanted:
                break
            if (
                i in restricted
                or i in movers
                or spec.age_on(self.today) < 78
                or spec.start_date > self.today - datetime.timedelta(days=60)
            ):
                continue
            deceased[i] = self._date_between(
                max(spec.start_date + datetime.timedelta(days=30), self.today - datetime.timedelta(days=700)),
                self.today - datetime.timedelta(days=7),
            )
        return restricted, deceased

    def _relationships(
        self, people: list[Person], deceased: dict[int, datetime.date], restricted: set[int]
    ) -> list[PersonRelationship]:
        """About one relationship for every five people: family and carers at home and elsewhere, lasting
        powers of attorney, advocates and appropriate persons."""
        target = max(5, len(people) // 5)
        quota = {
            RelationshipKind.FAMILY: round(target * 0.33),
            RelationshipKind.CARER: round(target * 0.37),
            RelationshipKind.LASTING_POWER_OF_ATTORNEY: max(1, round(target * 0.13)),
            RelationshipKind.ADVOCATE: max(1, round(target * 0.07)),
            RelationshipKind.APPROPRIATE_PERSON: max(1, round(target * 0.07)),
        }
        quota[RelationshipKind.OTHER] = max(0, target - sum(quota.values()))
        made: dict[str, int] = dict.fromkeys(quota, 0)
        seen: set[tuple[int, int, str]] = set()
        result: list[PersonRelationship] = []
        today = self.today
        specs = self.specs
        alive = [i for i in range(len(specs)) if i not in deceased and i not in restricted]
        members: dict[int, list[int]] = {}
        for i, spec in enumerate(specs):
            members.setdefault(spec.household, []).append(i)

        def add(i: int, j: int, kind: str, description: str, start: datetime.date | None = None) -> None:
            if i == j or (i, j, kind) in seen or made[kind] >= quota[kind]:
                return
            seen.add((i, j, kind))
            made[kind] += 1
            result.append(
                PersonRelationship(
                    person=people[i],
                    related_person=people[j],
                    kind=kind,
                    description=description,
                    start_date=start,
                    created_by=self.users[CREATOR_USER[specs[i].creator]],
                    modified_by=self.users[CREATOR_USER[specs[i].creator]],
                )
            )

        def word(spec: _PersonSpec, female: str, male: str, other: str) -> str:
            return female if spec.sex == Sex.FEMALE else male if spec.sex == Sex.MALE else other

        # At home: partners and adult children, who are often the carers of older people.
        households = list(members.items())
        self.rng.shuffle(households)
        for _household, indices in households:
            head = indices[0]
            for j in indices[1:]:
                if head in restricted or j in restricted:
                    continue
                other = specs[j]
                head_age = specs[head].age_on(today)
                if other.role == HouseholdRole.PARTNER:
                    label = (
                        word(other, "Wife", "Husband", "Partner") if self.rng.random() < 0.7 else "Partner"
                    )
                    if head_age >= 75 and self.rng.random() < 0.6 and j not in deceased:
                        add(
                            head,
                            j,
                            RelationshipKind.CARER,
                            f"{label}, main carer",
                            self._date_between(today - datetime.timedelta(days=6 * 365), today),
                        )
                    else:
                        add(head, j, RelationshipKind.FAMILY, label, other.start_date)
                elif other.role == HouseholdRole.CHILD and head_age >= 65 and j not in deceased:
                    add(
                        head,
                        j,
                        RelationshipKind.CARER,
                        f"{word(other, 'Daughter', 'Son', 'Child')}, lives with "
                        f"{word(specs[head], 'her', 'him', 'them')}",
                        self._date_between(today - datetime.timedelta(days=4 * 365), today),
                    )
                elif other.role == HouseholdRole.CHILD:
                    add(head, j, RelationshipKind.FAMILY, word(other, "Daughter", "Son", "Child"))

        # Elsewhere: relatives with the same family name, neighbours and friends, attorneys, advocates.
        older = [i for i in alive if specs[i].age_on(today) >= 75]
        self.rng.shuffle(older)
        by_family: dict[str, list[int]] = {}
        for i in alive:
            by_family.setdefault(specs[i].family_name, []).append(i)
        for i in older:
            relatives = [
                j
                for j in by_family.get(specs[i].family_name, [])
                if specs[j].household != specs[i].household
                and 18 <= specs[i].age_on(today) - specs[j].age_on(today) <= 45
            ]
            if not relatives:
                continue
            j = self.rng.choice(relatives)
            child = word(specs[j], "Daughter", "Son", "Child")
            if (
                made[RelationshipKind.LASTING_POWER_OF_ATTORNEY]
                < quota[RelationshipKind.LASTING_POWER_OF_ATTORNEY]
            ):
                kind_of = self.rng.choice(
                    ["health and welfare", "property and financial affairs", "both kinds"]
                )
                add(
                    i,
                    j,
                    RelationshipKind.LASTING_POWER_OF_ATTORNEY,
                    f"{child}: lasting power of attorney ({kind_of}), registered",
                    self._date_between(
                        today - datetime.timedelta(days=8 * 365), today - datetime.timedelta(days=60)
                    ),
                )
            elif self.rng.random() < 0.5:
                add(
                    i,
                    j,
                    RelationshipKind.CARER,
                    f"{child}, visits daily",
                    self._date_between(today - datetime.timedelta(days=5 * 365), today),
                )
            else:
                add(i, j, RelationshipKind.FAMILY, f"{child}, lives nearby")

        adults = [i for i in alive if 25 <= specs[i].age_on(today) <= 70]
        needing = [i for i in alive if specs[i].data.get("communication_needs")] or alive
        self.rng.shuffle(needing)
        attempts = 0
        while (any(made[k] < quota[k] for k in quota)) and attempts < 50 * target:
            attempts += 1
            kind = self.rng.choice([k for k in quota if made[k] < quota[k]])
            i = self.rng.choice(
                needing
                if kind in (RelationshipKind.ADVOCATE, RelationshipKind.APPROPRIATE_PERSON)
                else older or alive
            )
            j = self.rng.choice(adults or alive)
            if specs[i].household == specs[j].household:
                continue
            start = self._date_between(today - datetime.timedelta(days=3 * 365), today)
            description = {
                RelationshipKind.CARER: self.rng.choice(
                    [
                        "Neighbour, helps with shopping and prescriptions",
                        "Friend, unpaid carer",
                        "Neighbour, checks in daily",
                    ]
                ),
                RelationshipKind.FAMILY: self.rng.choice(
                    ["Niece", "Nephew", "Sister", "Brother", "Cousin", "Grandchild"]
                ),
                RelationshipKind.ADVOCATE: "Independent advocate (Care Act)",
                RelationshipKind.APPROPRIATE_PERSON: "Friend, appropriate person for the Care Act assessment",
                RelationshipKind.LASTING_POWER_OF_ATTORNEY: "Friend: lasting power of attorney (property and "
                "financial affairs), registered",
                RelationshipKind.OTHER: self.rng.choice(["Former neighbour", "Church friend", "Landlord"]),
            }[kind]
            add(i, j, kind, description, start)
        return result
