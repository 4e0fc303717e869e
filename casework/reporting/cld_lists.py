"""Client Level Data (CLD) Release 2: the fields and the defined lists Casework fills, and how Casework's own
codes map onto them (standards.md section 5; DHSC's ASC-CLD-LA-Dashboard code and the SALT replication code).

Labels that could not be checked against AGEM's R2 specification workbook are listed in UNVERIFIED_LISTS, so
the validation report can say so rather than pretend. Pure data: no Django.
"""

from __future__ import annotations

# The columns of the return, in the order of DHSC's R2 data-quality field set (section 5.2).
COLUMNS: tuple[str, ...] = (
    "LA_Code",
    "Reporting_Period_Start_Date",
    "Reporting_Period_End_Date",
    "NHS_Number",
    "LA_Person_Unique_Identifier",
    "GP_Practice_Code",
    "Gender",
    "Ethnicity",
    "Date_of_Birth",
    "Date_of_Death",
    "Client_Type",
    "Primary_Support_Reason",
    "Postcode",
    "Accommodation_Status",
    "Employment_Status",
    "Has_Unpaid_Carer",
    "Autism_Spectrum_Disorder_ASD",
    "Visual_Impairment",
    "Hearing_Impairment",
    "Dementia",
    "Client_Funding_Status",
    "Event_Type",
    "Event_Reference",
    "Event_Start_Date",
    "Event_End_Date",
    "Event_Description",
    "Event_Outcome",
    "Request_Route_of_Access",
    "Assessment_Type",
    "Eligible_Needs_Identified",
    "Method_of_Assessment",
    "Total_Hrs_Caring_per_week",
    "No_of_adults_being_cared_for",
    "Adult_1_Linked_Person_ID",
    "Adult_2_Linked_Person_ID",
    "Adult_3_Linked_Person_ID",
    "Service_Type",
    "Service_Component",
    "Delivery_Mechanism",
    "Provider_CQC_Location_ID",
    "Provider_CQC_Location_Name",
    "Review_Reason",
    "Review_Outcomes_Achieved",
    "Method_of_Review",
    "Unit_Cost",
    "Cost_Frequency_Unit_Type",
    "Planned_units_per_week",
)

REQUEST, ASSESSMENT, SERVICE, REVIEW = "Request", "Assessment", "Service", "Review"
EVENT_TYPES: tuple[str, ...] = (REQUEST, ASSESSMENT, SERVICE, REVIEW)

CLIENT_TYPES = ("Service user", "Unpaid carer", "Unpaid carer known by association")

EVENT_OUTCOMES: tuple[str, ...] = (
    "Admitted to hospital",
    "Continuation of support or services",
    "NFA: Deceased",
    "NFA: Information and advice or signposting",
    "NFA: No services offered for other reason",
    "NFA: Other",
    "NFA: Referral to NHS services or NHS funded social care",
    "NFA: Referral to other service within the local authority",
    "NFA: Responsibility moved to another local authority",
    "NFA: Self-funded client or under 12wk disregard",
    "NFA: Support declined",
    "NFA: Support ended as planned",
    "NFA: Support ended for other reason",
    "Progress to assessment, review or reassessment",
    "Progress to reablement/ST-Max",
    "Progress to support planning or services",
)

SERVICE_TYPES: dict[str, str] = {
    "Nursing care": "Long term support",
    "Residential care": "Long term support",
    "Community": "Long term support",
    "Prison": "Long term support",
    "ST-Max": "Short term support",
    "Ongoing low level": "Short term support",
    "Other short term": "Short term support",
    "Direct to unpaid carer": "Unpaid carer support",
    "Support involving the person cared-for": "Unpaid carer support",
}

SERVICE_COMPONENTS = (
    "Reablement",
    "Equipment",
    "Short term residential care",
    "Short term nursing care",
    "Shared Lives",
    "Community supported living",
    "Extra care housing",
    "Home support or domiciliary care",
    "Direct payment",
)

DELIVERY_MECHANISMS = ("Direct payment", "CASSR managed personal budget", "CASSR commissioned support")

ROUTES_OF_ACCESS = (
    "Planned Entry (Transition)",
    "Discharge from Hospital",
    "Diversion from Hospital Services",
    "Self-funder with depleted funds",
    "Community/Other route",
)

CLIENT_FUNDING = ("Fully social care funded", "Joint client and social care funded", "Fully client funded")

# The lists whose R2 labels the reference could not confirm (section 5.3 says "check the spec").
UNVERIFIED_LISTS = (
    "Request_Route_of_Access",
    "Assessment_Type",
    "Method_of_Assessment",
    "Gender",
    "Service_Component",
    "Cost_Frequency_Unit_Type",
)

# --- Casework's codes onto CLD's --------------------------------------------------------------------------

# A case closed before any assessment or enablement: its closing outcome (cases/closing.py) as the request's
# outcome. Codes an initiative adds fall back to "NFA: Other".
CLOSING_OUTCOME_TO_CLD: dict[str, str] = {
    "needs_met": "NFA: Information and advice or signposting",
    "no_needs_found": "NFA: No services offered for other reason",
    "declined_support": "NFA: Support declined",
    "referred_elsewhere": "NFA: Referral to other service within the local authority",
    "could_not_contact": "NFA: Other",
    "moved_away": "NFA: Responsibility moved to another local authority",
    "died": "NFA: Deceased",
}

CASE_ORIGIN_TO_ROUTE: dict[str, str] = {
    "hospital_discharge": "Discharge from Hospital",
}
DEFAULT_ROUTE = "Community/Other route"

GENDER_TO_CLD: dict[str, str] = {
    "woman": "Female",
    "man": "Male",
    "non_binary": "Other",
    "other": "Other",
    "prefer_not_to_say": "Unknown",
    "not_known": "Unknown",
}

ASSESSMENT_METHOD_TO_CLD: dict[str, str] = {
    "face_to_face": "Face to face",
    "phone": "Telephone or video",
    "supported_self": "Supported self-assessment",
    "joint": "Joint assessment",
    "online": "Online self-assessment",
}

BUDGET_MANAGEMENT_TO_MECHANISM: dict[str, str] = {
    "direct_payment": "Direct payment",
    "council_managed": "CASSR commissioned support",
    "individual_service_fund": "CASSR managed personal budget",
}

FREQUENCY_TO_UNIT_TYPE: dict[str, str] = {
    "weekly": "Weekly",
    "four_weekly": "Four weekly",
    "one_off": "One off",
}

ENABLEMENT_OUTCOME_TO_CLD: dict[str, str] = {
    "no_ongoing_needs": "NFA: Support ended as planned",
    "ongoing_needs": "Progress to support planning or services",
}
ENDED_EARLY_TO_CLD: dict[str, str] = {
    "admitted_to_hospital": "Admitted to hospital",
    "declined": "NFA: Support declined",
    "died": "NFA: Deceased",
    "moved_away": "NFA: Responsibility moved to another local authority",
    "long_term_care": "Progress to support planning or services",
    "other": "NFA: Support ended for other reason",
}

# A support plan's service is described in the worker's words; these words name its CLD service type and
# component. A service the words do not place is reported in the validation report, never guessed.
SERVICE_TYPE_WORDS: tuple[tuple[str, str], ...] = (
    ("nursing", "Nursing care"),
    ("care home", "Residential care"),
    ("residential", "Residential care"),
)
SERVICE_COMPONENT_WORDS: tuple[tuple[str, str], ...] = (
    ("shared lives", "Shared Lives"),
    ("supported living", "Community supported living"),
    ("extra care", "Extra care housing"),
    ("equipment", "Equipment"),
    ("domiciliary", "Home support or domiciliary care"),
    ("home care", "Home support or domiciliary care"),
    ("home support", "Home support or domiciliary care"),
    ("personal care", "Home support or domiciliary care"),
)


def service_type_for(description: str) -> str:
    words = description.lower()
    for needle, value in SERVICE_TYPE_WORDS:
        if needle in words:
            return value
    return "Community"


def service_component_for(description: str, budget_management: str) -> str:
    """The component, or "" when the description does not say (the validation report names the service)."""
    if budget_management == "direct_payment":
        return "Direct payment"
    words = description.lower()
    for needle, value in SERVICE_COMPONENT_WORDS:
        if needle in words:
            return value
    return ""
