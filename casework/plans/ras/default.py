"""A sensible default RAS questionnaire, made up for demonstration and tests (as councils' published
self-assessment questionnaires are shaped: areas of daily living, each answer scoring more as the help needed
grows). An organisation admin publishes it as version 1 and changes it from there."""

from __future__ import annotations

from decimal import Decimal

from casework.plans.ras.questionnaire import Band, Questionnaire, with_bands, with_question

QUESTIONS: tuple[tuple[str, tuple[tuple[int, str], ...]], ...] = (
    (
        "Personal care: washing, dressing and using the toilet",
        (
            (0, "Manages without help"),
            (4, "Needs some help on some days"),
            (8, "Needs help every day"),
            (14, "Needs help with everything, more than once a day"),
        ),
    ),
    (
        "Eating, drinking and preparing meals",
        (
            (0, "Manages without help"),
            (3, "Needs prompting or help with some meals"),
            (6, "Needs help with every meal"),
        ),
    ),
    (
        "Getting about safely at home",
        (
            (0, "Moves about safely"),
            (3, "Needs equipment or some help"),
            (7, "Needs one person's help to move"),
            (12, "Needs two people's help to move"),
        ),
    ),
    (
        "Keeping safe and managing risk",
        (
            (0, "No particular risk"),
            (4, "Needs someone to check in each day"),
            (10, "Needs someone nearby at all times"),
        ),
    ),
    (
        "Nights",
        ((0, "Needs no help at night"), (5, "Needs help some nights"), (12, "Needs help every night")),
    ),
    (
        "Taking part in the community, work, learning or volunteering",
        (
            (0, "Takes part as they wish"),
            (2, "Needs some support to take part"),
            (5, "Needs support to go out at all"),
        ),
    ),
    (
        "Support from family, friends or neighbours",
        (
            (0, "Has support that will continue"),
            (2, "Has some support, which may not last"),
            (4, "Has no support"),
        ),
    ),
)

# From 0 points, £9.50 a week for each point; from 40 points, £380 and £7.00 for each point above 40.
BANDS = (
    Band(0, Decimal("0.00"), Decimal("9.50")),
    Band(40, Decimal("380.00"), Decimal("7.00")),
)


def default_questionnaire() -> Questionnaire:
    questionnaire = Questionnaire(questions=(), bands=())
    for text, answers in QUESTIONS:
        questionnaire = with_question(questionnaire, text, answers)
    return with_bands(questionnaire, BANDS)
