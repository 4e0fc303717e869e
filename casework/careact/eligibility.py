"""The national eligibility criteria, as pure Python: no ORM, no Django.

Care Act 2014 s13 and the Care and Support (Eligibility Criteria) Regulations 2015 (SI 2015/313).

`adult_eligibility` applies regulation 2 and `carer_eligibility` regulation 3. Each answers whether the
criteria are met and says why: which conditions hold and which outcomes count. The worker's own
determination is recorded separately (services.eligibility_determination_record); this is the check.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from casework.core.errors import ValidationFailed

ADULT, CARER = "adult", "carer"

# Regulation 2(2): code -> (paragraph, outcome as the regulation words it).
ADULT_OUTCOMES: dict[str, tuple[str, str]] = {
    "nutrition": ("2(2)(a)", "managing and maintaining nutrition"),
    "personal_hygiene": ("2(2)(b)", "maintaining personal hygiene"),
    "toilet_needs": ("2(2)(c)", "managing toilet needs"),
    "clothing": ("2(2)(d)", "being appropriately clothed"),
    "home_safety": ("2(2)(e)", "being able to make use of the adult's home safely"),
    "habitable_home": ("2(2)(f)", "maintaining a habitable home environment"),
    "relationships": ("2(2)(g)", "developing and maintaining family or other personal relationships"),
    "work_education": ("2(2)(h)", "accessing and engaging in work, training, education or volunteering"),
    "community": (
        "2(2)(i)",
        "making use of necessary facilities or services in the local community including "
        "public transport, and recreational facilities or services",
    ),
    "child_caring": ("2(2)(j)", "carrying out any caring responsibilities the adult has for a child"),
}

# Regulation 3(3).
CARER_OUTCOMES: dict[str, tuple[str, str]] = {
    "child_caring": ("3(3)(a)", "carrying out any caring responsibilities the carer has for a child"),
    "caring_for_others": ("3(3)(b)", "providing care to other persons for whom the carer provides care"),
    "habitable_home": ("3(3)(c)", "maintaining a habitable home environment in the carer's home"),
    "nutrition": ("3(3)(d)", "managing and maintaining nutrition"),
    "relationships": (
        "3(3)(e)",
        "developing and maintaining family or other significant personal relationships",
    ),
    "work_education": ("3(3)(f)", "engaging in work, training, education or volunteering"),
    "community": (
        "3(3)(g)",
        "making use of necessary facilities or services in the local community, including "
        "recreational facilities or services",
    ),
    "recreation": ("3(3)(h)", "engaging in recreational activities"),
}

# What "unable to achieve" an outcome covers: regulation 2(3) for adults, 3(4) for carers. A carer who only
# takes significantly longer is not unable to achieve the outcome: 3(4) has no such limb.
WITHOUT_ASSISTANCE = "without_assistance"
PAIN_DISTRESS_ANXIETY = "pain_distress_anxiety"
ENDANGERS = "endangers_health_or_safety"
TAKES_LONGER = "takes_significantly_longer"
ADULT_WAYS: dict[str, str] = {
    WITHOUT_ASSISTANCE: "Unable to achieve it without assistance",
    PAIN_DISTRESS_ANXIETY: "Able without assistance, but it causes significant pain, distress or anxiety",
    ENDANGERS: "Able without assistance, but it endangers or is likely to endanger the health or safety of "
    "the adult, or of others",
    TAKES_LONGER: "Able without assistance, but it takes significantly longer than would normally be "
    "expected",
}
CARER_WAYS: dict[str, str] = {
    WITHOUT_ASSISTANCE: "Unable to achieve it without assistance",
    PAIN_DISTRESS_ANXIETY: "Able without assistance, but it causes significant pain, distress or anxiety",
    ENDANGERS: "Able without assistance, but it endangers or is likely to endanger the health or safety of "
    "the carer, or of others",
}

ADULT_MINIMUM_OUTCOMES = 2  # reg 2(1)(b): two or more
CARER_MINIMUM_OUTCOMES = 1  # reg 3(2)(b): any


def outcomes_for(kind: str) -> dict[str, tuple[str, str]]:
    return CARER_OUTCOMES if kind == CARER else ADULT_OUTCOMES


def ways_for(kind: str) -> dict[str, str]:
    return CARER_WAYS if kind == CARER else ADULT_WAYS


@dataclass(frozen=True)
class OutcomeFinding:
    """For one specified outcome: whether the person is unable to achieve it, and in which ways."""

    code: str
    unable: bool = False
    ways: frozenset[str] = frozenset()

    @classmethod
    def of(cls, code: str, *ways: str, unable: bool | None = None) -> OutcomeFinding:
        return cls(code=code, unable=bool(ways) if unable is None else unable, ways=frozenset(ways))


@dataclass(frozen=True)
class EligibilityResult:
    """Whether the criteria are met, each condition, the outcomes that count, and the reasons in words."""

    kind: str
    eligible: bool
    conditions: dict[str, bool]
    outcomes_counted: tuple[str, ...]
    reasons: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "eligible": self.eligible,
            "conditions": dict(self.conditions),
            "outcomes_counted": list(self.outcomes_counted),
            "reasons": list(self.reasons),
        }


def clean_outcomes(kind: str, findings: Iterable[OutcomeFinding]) -> dict[str, OutcomeFinding]:
    """The findings by code, checked. Raises ValidationFailed naming the outcome ("outcomes.<code>").

    An unknown outcome or way, an outcome given twice, an outcome marked unable with no way, or ways given
    for an outcome not marked unable are all refused: the record must say exactly what was found.
    """
    outcomes, ways = outcomes_for(kind), ways_for(kind)
    cleaned: dict[str, OutcomeFinding] = {}
    for finding in findings:
        where = f"outcomes.{finding.code}"
        if finding.code not in outcomes:
            raise ValidationFailed(
                f"‘{finding.code}’ is not one of the specified outcomes for "
                f"{'a carer' if kind == CARER else 'an adult'}",
                field=where,
            )
        if finding.code in cleaned:
            raise ValidationFailed(f"The outcome {outcomes[finding.code][1]} is given twice", field=where)
        unknown = sorted(set(finding.ways) - set(ways))
        if unknown:
            if kind == CARER and TAKES_LONGER in unknown:
                raise ValidationFailed(
                    "Taking significantly longer is not one of the ways a carer is unable to "
                    "achieve an outcome (regulation 3(4)): choose another or none",
                    field=where,
                )
            raise ValidationFailed(
                f"‘{unknown[0]}’ is not a way of being unable to achieve an outcome", field=where
            )
        if finding.unable and not finding.ways:
            raise ValidationFailed(
                f"Select how they are unable to achieve {outcomes[finding.code][1]}", field=where
            )
        if finding.ways and not finding.unable:
            raise ValidationFailed(
                f"Ways are given for {outcomes[finding.code][1]} but it is not marked as an "
                f"outcome they are unable to achieve",
                field=where,
            )
        cleaned[finding.code] = finding
    return cleaned


def _names(kind: str, codes: Iterable[str]) -> str:
    outcomes = outcomes_for(kind)
    return "; ".join(outcomes[code][1] for code in codes)


def adult_eligibility(
    *,
    needs_from_impairment_or_illness: bool,
    outcomes: Iterable[OutcomeFinding],
    significant_impact_on_wellbeing: bool,
) -> EligibilityResult:
    """Regulation 2: all three conditions. Raises ValidationFailed for findings that do not make sense."""
    findings = clean_outcomes(ADULT, outcomes)
    counted = tuple(code for code in ADULT_OUTCOMES if code in findings and findings[code].unable)
    condition_2 = len(counted) >= ADULT_MINIMUM_OUTCOMES
    conditions = {
        "condition_1": needs_from_impairment_or_illness,
        "condition_2": condition_2,
        "condition_3": significant_impact_on_wellbeing,
    }
    names = _names(ADULT, counted)
    if condition_2:
        outcome_reason = (
            f"Condition 2 is met: unable to achieve {len(counted)} of the specified outcomes ({names})."
        )
    elif counted:
        outcome_reason = (
            f"Condition 2 is not met: unable to achieve only one of the specified outcomes "
            f"({names}); the regulations need two or more."
        )
    else:
        outcome_reason = (
            "Condition 2 is not met: able to achieve each of the specified outcomes; the "
            "regulations need two or more that the adult is unable to achieve."
        )
    reasons = [
        _condition(
            1,
            needs_from_impairment_or_illness,
            "the needs arise from or are related to a physical or mental impairment or illness",
            "the needs do not arise from or relate to a physical or mental impairment or illness",
        ),
        outcome_reason,
        _condition(
            3,
            significant_impact_on_wellbeing,
            "as a consequence there is, or is likely to be, a significant impact on wellbeing",
            "no significant impact on wellbeing, now or likely",
        ),
    ]
    return _result(ADULT, conditions, counted, reasons, "regulation 2")


def carer_eligibility(
    *,
    needs_from_providing_care: bool,
    health_deteriorating: bool,
    outcomes: Iterable[OutcomeFinding],
    significant_impact_on_wellbeing: bool,
) -> EligibilityResult:
    """Regulation 3: the needs arise from providing necessary care; the carer's health is, or is at risk of,
    deteriorating, or they are unable to achieve any outcome; and a significant impact on wellbeing
    follows."""
    findings = clean_outcomes(CARER, outcomes)
    counted = tuple(code for code in CARER_OUTCOMES if code in findings and findings[code].unable)
    condition_2 = health_deteriorating or len(counted) >= CARER_MINIMUM_OUTCOMES
    conditions = {
        "condition_1": needs_from_providing_care,
        "condition_2": condition_2,
        "condition_3": significant_impact_on_wellbeing,
    }
    effects = []
    if health_deteriorating:
        effects.append("the carer's physical or mental health is, or is at risk of, deteriorating")
    if counted:
        effects.append(
            f"the carer is unable to achieve {len(counted)} of the specified outcomes "
            f"({_names(CARER, counted)})"
            if len(counted) > 1
            else f"the carer is unable to achieve one of the specified outcomes ({_names(CARER, counted)})"
        )
    reasons = [
        _condition(
            1,
            needs_from_providing_care,
            "the needs arise as a consequence of providing necessary care for an adult",
            "the needs do not arise as a consequence of providing necessary care for an adult",
        ),
        _condition(
            2,
            condition_2,
            " and ".join(effects),
            "the carer's health is not deteriorating or at risk of it, and they are able to achieve each "
            "of the specified outcomes",
        ),
        _condition(
            3,
            significant_impact_on_wellbeing,
            "as a consequence there is, or is likely to be, a significant impact on the carer's wellbeing",
            "no significant impact on the carer's wellbeing, now or likely",
        ),
    ]
    return _result(CARER, conditions, counted, reasons, "regulation 3")


def _condition(number: int, met: bool, why_met: str, why_not: str) -> str:
    return f"Condition {number} is {'met' if met else 'not met'}: {why_met if met else why_not}."


def _result(
    kind: str, conditions: Mapping[str, bool], counted: tuple[str, ...], reasons: list[str], regulation: str
) -> EligibilityResult:
    eligible = all(conditions.values())
    verdict = (
        f"The needs meet the eligibility criteria ({regulation} of the Care and Support (Eligibility "
        f"Criteria) Regulations 2015)."
        if eligible
        else f"The needs do not meet the eligibility criteria ({regulation}): every condition must be met."
    )
    return EligibilityResult(
        kind=kind,
        eligible=eligible,
        conditions=dict(conditions),
        outcomes_counted=counted,
        reasons=(*reasons, verdict),
    )


def eligibility_check(
    *,
    kind: str,
    condition_1: bool,
    outcomes: Iterable[OutcomeFinding],
    significant_impact_on_wellbeing: bool,
    health_deteriorating: bool = False,
) -> EligibilityResult:
    """Either test by kind ("adult" or "carer"). Raises ValidationFailed for an unknown kind."""
    if kind == ADULT:
        if health_deteriorating:
            raise ValidationFailed(
                "Deteriorating health is part of the carers' criteria only", field="health_deteriorating"
            )
        return adult_eligibility(
            needs_from_impairment_or_illness=condition_1,
            outcomes=outcomes,
            significant_impact_on_wellbeing=significant_impact_on_wellbeing,
        )
    if kind == CARER:
        return carer_eligibility(
            needs_from_providing_care=condition_1,
            health_deteriorating=health_deteriorating,
            outcomes=outcomes,
            significant_impact_on_wellbeing=significant_impact_on_wellbeing,
        )
    raise ValidationFailed("Say whether the determination is for an adult or a carer", field="kind")
