"""Choosing the responsible organisation for a case from the allocation rules. Pure Python: no ORM."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class OrganisationFacts:
    id: int
    name: str
    districts: frozenset[str]  # postcode districts covered, named areas already expanded
    capabilities: frozenset[str]
    is_responsible: bool = True


@dataclass(frozen=True)
class RuleFacts:
    id: int
    position: int
    name: str
    risk_category_ids: frozenset[int] = frozenset()
    risk_category_labels: tuple[str, ...] = ()
    districts: frozenset[str] = frozenset()  # empty: any area
    area_labels: tuple[str, ...] = ()
    required_capabilities: frozenset[str] = frozenset()
    use_existing_relationship: bool = False
    organisation_id: int | None = None


@dataclass(frozen=True)
class ExistingRelationship:
    organisation_id: int
    description: str  # "open case CW-2026-000012" or "worker Jo Bloggs"


@dataclass(frozen=True)
class CaseFacts:
    risk_category_id: int | None
    risk_category_label: str
    district: str
    existing_worker: ExistingRelationship | None = None
    relationships: tuple[ExistingRelationship, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Decision:
    organisation_id: int
    rule_id: int | None
    explanation: str


def _capable(org: OrganisationFacts, rule: RuleFacts, district: str) -> bool:
    return rule.required_capabilities <= org.capabilities and (not district or district in org.districts)


def _labels(values) -> str:
    return ", ".join(sorted(values))


def choose_organisation(
    case: CaseFacts, rules: list[RuleFacts], organisations: dict[int, OrganisationFacts], fallback_id: int
) -> Decision:
    """The first rule that matches decides; a person's existing worker comes first; else the fallback."""
    if case.existing_worker is not None:
        org = organisations.get(case.existing_worker.organisation_id)
        if org is not None:
            return Decision(
                org.id,
                None,
                f"The person already has a {case.existing_worker.description} at "
                f"{org.name}, so the case goes to that organisation.",
            )
    for rule in sorted(rules, key=lambda r: (r.position, r.id)):
        reasons = []
        if rule.risk_category_ids:
            if case.risk_category_id not in rule.risk_category_ids:
                continue
            reasons.append(f"risk category {case.risk_category_label}")
        if rule.districts:
            if case.district not in rule.districts:
                continue
            reasons.append(f"area {case.district} is in {', '.join(rule.area_labels) or 'the rule areas'}")
        if rule.use_existing_relationship:
            related = [rel for rel in case.relationships if rel.organisation_id in organisations]
            if not related:
                continue
            rel = related[0]
            return Decision(
                rel.organisation_id,
                rule.id,
                f"Rule {rule.position} '{rule.name}' matched: the person has an existing relationship "
                f"with {organisations[rel.organisation_id].name} ({rel.description}).",
            )
        if rule.organisation_id is not None:
            org = organisations.get(rule.organisation_id)
            if org is None or not (rule.required_capabilities <= org.capabilities):
                continue
            chosen = org
        else:
            capable = sorted(
                (o for o in organisations.values() if o.is_responsible and _capable(o, rule, case.district)),
                key=lambda o: o.name,
            )
            if not capable:
                continue
            chosen = capable[0]
            reasons.append(f"{chosen.name} covers {case.district or 'the area'}")
        if rule.required_capabilities:
            reasons.append(f"{chosen.name} offers {_labels(rule.required_capabilities).replace('_', ' ')}")
        because = "; ".join(reasons) if reasons else "it applies to every case"
        return Decision(chosen.id, rule.id, f"Rule {rule.position} '{rule.name}' matched: {because}.")
    fallback = organisations.get(fallback_id)
    name = fallback.name if fallback else "the fallback organisation"
    return Decision(
        fallback_id, None, f"No rule matched, so the case went to the fallback organisation, {name}."
    )
