"""The demo initiative's common need definitions (added as its initiative admin) and assessment forms."""

from casework.assessments.services import need_definition_create, standard_forms_install

# (code, name, category, description)
DEMO_NEEDS = [
    (
        "access_to_shopping",
        "Access to shopping",
        "food_and_shopping",
        "Cannot get to the shops or order food",
    ),
    ("food", "Food", "food_and_shopping", "Short of food, or of money for food"),
    ("debt_advice", "Debt advice", "money", "Debts, arrears or bills they cannot pay"),
    ("benefits_check", "Benefits check", "money", "May not be claiming what they are entitled to"),
    ("fuel_poverty", "Heating and energy bills", "money", "Cannot afford to heat the home"),
    ("housing", "Housing", "housing", "At risk of losing their home, or the home does not meet their needs"),
    ("home_adaptations", "Home adaptations and equipment", "housing", "Rails, ramps, equipment to stay safe"),
    ("loneliness", "Loneliness", "connection", "Few or no people to talk to; wants company"),
    ("personal_care", "Personal care", "daily_living", "Help with washing, dressing, toileting or eating"),
    ("mobility", "Getting about", "daily_living", "Moving around the home or getting out"),
    (
        "mental_health",
        "Mental health and wellbeing",
        "health",
        "Low mood, anxiety or other mental health needs",
    ),
    ("carer_support", "Support for a carer", "carers", "A carer who needs a break, information or support"),
]


def build_need_definitions(*, user, initiative_id: int) -> int:
    for code, name, category, description in DEMO_NEEDS:
        need_definition_create(
            user=user,
            initiative_id=initiative_id,
            code=code,
            name=name,
            category=category,
            description=description,
        )
    return len(DEMO_NEEDS)


def build_assessment_forms(*, organisations) -> int:
    """The shipped assessment forms for every responsible organisation, as IT would install them."""
    return sum(
        len(standard_forms_install(organisation_id=org.pk))
        for org in organisations
        if "responsible" in (org.kinds or [])
    )
