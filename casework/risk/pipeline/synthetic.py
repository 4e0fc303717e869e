"""A labelled synthetic population for measuring matching: people in households, and the imperfect records
that sources hold about them.

`people` makes clean "true" people: households sharing a family name (mostly), a postcode and a UPRN, with
children (and the odd pair of twins) born to the adults, so that the hard non-matches of real data are there:
relatives at one address with one family name and close birth dates. Names come from Faker's en_GB lists
(pinned with the project); NHS numbers are from the range kept for test patients.

`corrupt` copies records the way sources get them wrong: typing errors in names, given and family name
swapped, a changed family name, a move to another address, missing or mistyped dates of birth (a day out,
day and month swapped, a year out), missing NHS numbers and postcodes, and untidy case and spacing. Copies get
fresh opaque ids: nothing in a record says who it is; the truth is kept apart (`Scenario.truth`).

`scenario` builds an existing index from two sources and a new file from a third (people already in the
index, people who are not, and duplicates inside the file); `labelled_pairs` gives the truth as pairs and
`precision_recall` scores match decisions against it. Everything is seeded: the same arguments give the same
records.
"""

from __future__ import annotations

import datetime
import random
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from faker.providers.person.en_GB import Provider as _Names

from casework.risk.pipeline.matching import RECORD_COLUMNS

GIVEN_NAMES = tuple(sorted(set(_Names.first_names_male) | set(_Names.first_names_female)))
FAMILY_NAMES = tuple(sorted(set(_Names.last_names)))
DISTRICTS = ("RG40", "RG41", "RG42", "RG45", "RG12", "RG2", "RG6", "SL4", "SL5", "GU47", "GU15", "RG1")
UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
REFERENCE_DATE = datetime.date(2026, 1, 1)
# What each source carries: the others are None in its records.
SOURCE_FIELDS = {
    "housing_benefit": frozenset(RECORD_COLUMNS) - {"nhs_number"},
    "nhs_shielded": frozenset(RECORD_COLUMNS) - {"uprn"},
    "gp_frailty": frozenset(RECORD_COLUMNS) - {"uprn"},
    "council_tax_reduction": frozenset(RECORD_COLUMNS) - {"nhs_number"},
}


def nhs_number(rng: random.Random) -> str:
    """A random NHS number from the range never issued (999 000 0000 to 999 999 9999, kept for test
    patients) that passes the modulus 11 check: it can never be a real person's."""
    while True:
        digits = [9, 9, 9] + [rng.randrange(10) for _ in range(6)]
        check = 11 - sum(d * (10 - i) for i, d in enumerate(digits)) % 11
        if check == 11:
            check = 0
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def _postcode(rng: random.Random, district: str | None = None) -> str:
    district = district or rng.choice(DISTRICTS)
    return f"{district} {rng.randrange(10)}{rng.choice(UNIT_LETTERS)}{rng.choice(UNIT_LETTERS)}"


def _date(rng: random.Random, earliest: datetime.date, latest: datetime.date) -> datetime.date:
    return earliest + datetime.timedelta(days=rng.randrange((latest - earliest).days + 1))


def people(n: int, *, seed: int) -> list[dict]:
    """n clean "true" people (dicts with RECORD_COLUMNS, source "truth", unique_id "person-000001" ...),
    in households of one to five."""
    rng = random.Random(seed)
    out: list[dict] = []
    uprns: set[str] = set()
    while len(out) < n:
        uprn = str(rng.randrange(10**11, 10**12))
        if uprn in uprns:
            continue
        uprns.add(uprn)
        home = {"postcode": _postcode(rng), "uprn": uprn}
        family = rng.choice(FAMILY_NAMES)
        adult_born = _date(rng, datetime.date(1925, 1, 1), datetime.date(2005, 12, 31))
        members = [(family, adult_born)]
        if rng.random() < 0.55:  # a partner, usually with the same family name
            partner_family = family if rng.random() < 0.8 else rng.choice(FAMILY_NAMES)
            members.append((partner_family, adult_born + datetime.timedelta(days=rng.randint(-2500, 2500))))
        if adult_born.year > 1960 and rng.random() < 0.5:
            for _ in range(rng.choice([1, 1, 2, 3])):
                born = _date(rng, adult_born + datetime.timedelta(days=18 * 365), REFERENCE_DATE)
                members.append((family, born))
                if rng.random() < 0.03:  # twins
                    members.append((family, born))
        for family_name, born in members:
            if len(out) == n:
                break
            out.append(
                {
                    "unique_id": f"person-{len(out) + 1:06d}",
                    "source": "truth",
                    "nhs_number": nhs_number(rng),
                    "given_name": rng.choice(GIVEN_NAMES),
                    "family_name": family_name,
                    "date_of_birth": min(born, REFERENCE_DATE).isoformat(),
                    **home,
                }
            )
    return out


def _typo(rng: random.Random, word: str) -> str:
    """One typing error: a letter changed, dropped, doubled or two letters transposed (rarely the first)."""
    if len(word) < 3:
        return word + rng.choice(string.ascii_lowercase)
    i = rng.randrange(len(word)) if rng.random() < 0.1 else rng.randrange(1, len(word))
    kind = rng.choice(["change", "drop", "double", "transpose"])
    if kind == "change":
        return word[:i] + rng.choice(string.ascii_lowercase) + word[i + 1 :]
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    i = min(i, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _wrong_date(rng: random.Random, iso: str) -> str:
    d = datetime.date.fromisoformat(iso)
    kind = rng.choice(["day", "swap", "year", "month"])
    if kind == "swap" and d.day <= 12 and d.day != d.month:
        return datetime.date(d.year, d.day, d.month).isoformat()
    if kind == "year":
        return _safe_date(d.year + rng.choice([-1, 1]), d.month, d.day)
    if kind == "month":
        return _safe_date(d.year, rng.randint(1, 12), d.day)
    return (d + datetime.timedelta(days=rng.choice([-1, 1]))).isoformat()


def _safe_date(year: int, month: int, day: int) -> str:
    while True:
        try:
            return datetime.date(year, month, day).isoformat()
        except ValueError:
            day -= 1


def corrupt(
    records: Iterable[dict], *, seed: int, rate: float, source: str = "synthetic", fields: Iterable[str] = ()
) -> list[dict]:
    """One imperfect copy of each record, in the same order, from `source`.

    `rate` is the chance of each kind of common error (a typo in the given name, in the family name, a move
    to another address); rarer errors happen at a fraction of it (swapped names and a changed family name at
    rate/4, a missing or wrong date of birth at rate/2 each, a missing postcode at rate/4, a missing NHS
    number at rate/2). `fields` are the columns the source holds (default: SOURCE_FIELDS[source], else all);
    the others are None. Each copy gets a fresh opaque unique_id.
    """
    if not 0 <= rate <= 1:
        raise ValueError("rate must be between 0 and 1")
    rng = random.Random(f"{seed}:{source}")
    held = frozenset(fields) or SOURCE_FIELDS.get(source, frozenset(RECORD_COLUMNS))
    out = []
    for record in records:
        # A clean record holds every column it is given (strings), so the errors below have text to work on.
        r: dict[str, Any] = {col: record.get(col) for col in RECORD_COLUMNS}
        given, family = r["given_name"], r["family_name"]
        if rng.random() < rate:
            given = _typo(rng, given)
        if rng.random() < rate:
            family = _typo(rng, family)
        if rng.random() < rate / 4:
            family = rng.choice(FAMILY_NAMES)
        if rng.random() < rate / 4:
            given, family = family, given
        r["given_name"], r["family_name"] = given, family
        if rng.random() < rate:
            district = r["postcode"].split()[0] if rng.random() < 0.5 else None
            r["postcode"], r["uprn"] = _postcode(rng, district), str(rng.randrange(10**11, 10**12))
        if rng.random() < rate / 2:
            r["date_of_birth"] = None
        elif rng.random() < rate / 2:
            r["date_of_birth"] = _wrong_date(rng, r["date_of_birth"])
        if rng.random() < rate / 4:
            r["postcode"] = None
        if rng.random() < rate / 2:
            r["nhs_number"] = None
        if rng.random() < rate:  # untidy but equivalent: case, spacing
            r["given_name"] = (r["given_name"] or "").lower() or None
            r["postcode"] = r["postcode"].replace(" ", "").lower() if r["postcode"] else None
            r["nhs_number"] = (
                f"{r['nhs_number'][:3]} {r['nhs_number'][3:6]} {r['nhs_number'][6:]}"
                if r["nhs_number"]
                else None
            )
        for col in RECORD_COLUMNS:
            if col not in held:
                r[col] = None
        r["source"] = source
        r["unique_id"] = f"{source}-{rng.getrandbits(48):012x}"
        out.append(r)
    return out


@dataclass
class Scenario:
    existing: list[dict]  # the index: records already matched
    new: list[dict]  # an incoming file, in file order
    truth: dict[str, str] = field(repr=False)  # every record's unique_id -> the true person's unique_id


def scenario(n_people: int, *, seed: int, rate: float = 0.1) -> Scenario:
    """An index from two sources and a new file from a third.

    Three quarters of the population are in the index (from housing benefit, which has no NHS numbers, and
    the NHS shielded list, which has no UPRNs; some people in both). The new file (a GP frailty list) holds
    half of them, a fifth of the people not in the index, and a second record for one in twenty of its
    people (duplicates inside the file), shuffled.
    """
    rng = random.Random(seed)
    population = people(n_people, seed=seed)
    rng.shuffle(population)
    known = population[: n_people * 3 // 4]
    unknown = population[n_people * 3 // 4 :]
    in_housing = [p for p in known if rng.random() < 0.7]
    housing_ids = {p["unique_id"] for p in in_housing}
    in_shielded = [p for p in known if p["unique_id"] not in housing_ids or rng.random() < 0.4]
    truth: dict[str, str] = {}

    def copies(group: Sequence[dict], source: str, salt: int) -> list[dict]:
        made = corrupt(group, seed=seed * 1000 + salt, rate=rate, source=source)
        truth.update((c["unique_id"], p["unique_id"]) for p, c in zip(group, made, strict=True))
        return made

    existing = copies(in_housing, "housing_benefit", 1) + copies(in_shielded, "nhs_shielded", 2)
    incoming = [p for p in known if rng.random() < 0.5] + [p for p in unknown if rng.random() < 0.2]
    new = copies(incoming, "gp_frailty", 3)
    again = [p for p in incoming if rng.random() < 0.05]
    new += corrupt(again, seed=seed * 1000 + 4, rate=rate, source="gp_frailty")
    truth.update((c["unique_id"], p["unique_id"]) for p, c in zip(again, new[-len(again) :], strict=True))
    rng.shuffle(existing)
    rng.shuffle(new)
    return Scenario(existing, new, truth)


def labelled_pairs(
    s: Scenario, *, negatives_per_record: int = 1, seed: int = 0
) -> list[tuple[str, str, bool]]:
    """The truth as (new record id, candidate id, same person?) pairs.

    Every true pair: a new record with each index record of the same person and with each earlier record of
    the same person in the new file. Then, for each new record, `negatives_per_record` hard non-matches: an
    index record with the same family name or postcode (relatives and neighbours) where there is one.
    """
    rng = random.Random(seed)
    by_person: dict[str, list[str]] = {}
    for r in s.existing:
        by_person.setdefault(s.truth[r["unique_id"]], []).append(r["unique_id"])
    by_family: dict[str, list[str]] = {}
    by_postcode: dict[str, list[str]] = {}
    for r in s.existing:
        by_family.setdefault((r["family_name"] or "").lower(), []).append(r["unique_id"])
        by_postcode.setdefault((r["postcode"] or "").replace(" ", "").lower(), []).append(r["unique_id"])
    pairs: list[tuple[str, str, bool]] = []
    earlier: dict[str, list[str]] = {}
    for r in s.new:
        rid, person = r["unique_id"], s.truth[r["unique_id"]]
        pairs.extend((rid, other, True) for other in by_person.get(person, []))
        pairs.extend((rid, other, True) for other in earlier.get(person, []))
        earlier.setdefault(person, []).append(rid)
        similar = by_family.get((r["family_name"] or "").lower(), []) + by_postcode.get(
            (r["postcode"] or "").replace(" ", "").lower(), []
        )
        others = sorted({o for o in similar if s.truth[o] != person})
        pairs.extend((rid, o, False) for o in rng.sample(others, min(negatives_per_record, len(others))))
    return pairs


def precision_recall(decisions: Iterable, truth: Iterable[tuple[str, str, bool]]) -> tuple[float, float]:
    """Precision: of the automatic links, the share joining the same person. Recall: of the new records
    that have a true partner (in the index or earlier in the file), the share linked automatically to one.

    `truth` must hold every true pair (labelled_pairs does): a link to a pair not labelled True is wrong.
    Decisions with outcome "review" or "new" are not links.
    """
    true_pairs = {(a, b) for a, b, same in truth if same}
    matchable = {a for a, _b in true_pairs}
    links = [(d.new_id, d.existing_id) for d in decisions if d.outcome == "link"]
    correct = sum(1 for pair in links if pair in true_pairs)
    precision = correct / len(links) if links else 1.0
    recall = len({a for a, b in links if (a, b) in true_pairs}) / len(matchable) if matchable else 1.0
    return precision, recall
