"""A made-up directory for the made-up county of Wessex: about 40 local services, tagged with Casework needs.

Everything is invented: names, addresses, example.org emails and Ofcom's numbers for drama (0118 496 0xxx).
The data is built as Open Referral UK 3.0 JSON and goes through the importer, exactly as a council's feed
would, so the demo also shows the importer working. Ids are fixed, so building it again updates in place.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings

from casework.core.errors import DomainError
from casework.directory import importer, services
from casework.directory.choices import NEEDS_TAXONOMY_ID, NEEDS_TAXONOMY_NAME, Need, need_term_id
from casework.directory.services import ImportResult

DEMO_FEED = "demo: Wessex service directory"
_NS = uuid.UUID("0f3e2f6a-9d0b-4a57-8d1e-6b7c2a4f9e30")
LAST_MODIFIED = "2026-01-12T09:30:00.000Z"

# Narrower terms under some needs, so that searching by the need finds services tagged with these.
NARROWER_NEEDS: dict[str, list[tuple[str, str]]] = {
    Need.FOOD: [("food_banks", "Food banks"), ("community_meals", "Community meals and lunch clubs")],
    Need.MENTAL_HEALTH: [("talking_therapies", "Talking therapies")],
    Need.TRANSPORT: [("community_transport", "Community transport")],
    Need.BENEFITS: [("welfare_rights", "Welfare rights and appeals")],
}

NEED_DESCRIPTIONS = {
    Need.ACCESS_TO_SHOPPING: "Help to get shopping in: delivery, shopping trips, someone to shop for you.",
    Need.BENEFITS: "Checking entitlement to benefits, help to claim and to appeal.",
    Need.CARERS_SUPPORT: "Support for unpaid carers: breaks, advice, groups and carers assessments.",
    Need.DEBT_ADVICE: "Free, independent advice about debts, bills and money.",
    Need.FOOD: "Food for people who are short of it, and meals with company.",
    Need.FUEL_POVERTY: "Help with energy bills, a cold or damp home, and grants for heating.",
    Need.HOUSING: "Housing advice, repairs, adaptations and help to keep a home.",
    Need.LONELINESS: "Company, befriending and groups for people who are lonely or isolated.",
    Need.MENTAL_HEALTH: "Support for mental health and wellbeing.",
    Need.MOBILITY_EQUIPMENT: "Loan, hire or repair of wheelchairs, walking aids and equipment at home.",
    Need.PERSONAL_CARE: "Help with washing, dressing and other personal care at home.",
    Need.TRANSPORT: "Getting to appointments, shops and groups when public transport will not do.",
}

# Towns of Wessex and their postcode districts.
TOWNS = {
    "Casterbridge": ("RG1", "RG2"),
    "Sandbourne": ("RG4", "RG5"),
    "Kingsbere": ("RG6",),
    "Weatherbury": ("RG10",),
    "Shaston": ("RG12", "RG42"),
    "Melchester": ("RG14",),
    "Anglebury": ("RG40", "RG41", "RG45"),
}

ORGANIZATIONS: dict[str, dict[str, str]] = {
    "council": {
        "name": "Wessex County Council",
        "description": "The county council: adult social care, welfare rights and the equipment service.",
        "website": "https://wessex.example.org",
    },
    "advice": {
        "name": "Casterbridge Advice Centre",
        "description": "Free, confidential and independent advice on money, benefits, housing and work.",
    },
    "later_life": {
        "name": "Wessex Later Life Trust",
        "description": "A charity for older people in Wessex: friendship, practical help and information.",
    },
    "sandbourne_foodbank": {
        "name": "Sandbourne Food Bank",
        "description": "Emergency food parcels and "
        "support, run by volunteers from local churches and groups.",
    },
    "kingsbere_larder": {
        "name": "Kingsbere Community Larder",
        "description": "A community larder: low-cost groceries for members, and a weekly community cafe.",
    },
    "carers": {
        "name": "Wessex Carers Together",
        "description": "The county's carers centre: information, "
        "breaks, groups and a helpline for unpaid carers.",
    },
    "mind_matters": {
        "name": "Melchester Mind Matters",
        "description": "A local mental health charity: drop-ins, peer support and wellbeing courses.",
    },
    "good_neighbours": {
        "name": "Anglebury Good Neighbours",
        "description": "Volunteers helping neighbours with shopping, lifts, small jobs and a friendly visit.",
    },
    "car_scheme": {
        "name": "Weatherbury Village Car Scheme",
        "description": "Volunteer drivers taking people to appointments across the Weatherbury villages.",
    },
    "energy": {
        "name": "Wessex Home Energy Advice",
        "description": "Impartial advice on energy bills, "
        "damp and cold homes, and grants for insulation and heating.",
    },
    "shaston_homes": {
        "name": "Shaston Homes",
        "description": "A housing association with homes in Shaston and the north of the county.",
    },
    "money_advice": {
        "name": "Casterbridge Money Advice",
        "description": "A debt advice charity with qualified money advisers.",
    },
    "talking": {
        "name": "Wessex Talking Therapies",
        "description": "NHS talking therapies for adults with anxiety, low mood and depression.",
    },
    "friendship": {
        "name": "Sandbourne Friendship Circle",
        "description": "Social groups, outings and telephone befriending for older people in Sandbourne.",
    },
    "home_care": {
        "name": "Wessex Home Care Co-operative",
        "description": "A home care co-operative owned by its care workers.",
    },
    "mens_shed": {
        "name": "Melchester Men's Shed",
        "description": "A workshop and a place to meet, for anyone who wants to make, mend and chat.",
    },
    "community_transport": {
        "name": "Anglebury Community Transport",
        "description": "Accessible minibuses and dial-a-ride for people who cannot use buses.",
    },
    "wheelchairs": {
        "name": "Wessex Wheelchair and Scooter Hire",
        "description": "Short-term hire and repair of wheelchairs and mobility scooters.",
    },
    "housing_advice": {
        "name": "Wessex Housing Advice Line",
        "description": "Housing advice for tenants, homeowners and people at risk of losing their home.",
    },
    "shopmobility": {
        "name": "Shaston Shopmobility",
        "description": "Wheelchairs and scooters to borrow in "
        "Shaston town centre, and an escorted shopping service.",
    },
}

# Places where services are delivered: name, town, postcode district, street and inward code.
LOCATIONS: dict[str, tuple[str, str, str, str, str]] = {
    "corn_exchange": ("Corn Exchange Community Hub", "Casterbridge", "RG1", "12 High West Street", "2AB"),
    "casterbridge_library": ("Casterbridge Library", "Casterbridge", "RG2", "3 Durnover Lane", "7DE"),
    "sandbourne_hall": ("St Aldhelm's Church Hall", "Sandbourne", "RG4", "41 Cliff Road", "5FG"),
    "sandbourne_centre": ("Sandbourne Community Centre", "Sandbourne", "RG5", "8 Pier Approach", "3HJ"),
    "kingsbere_larder": ("The Larder", "Kingsbere", "RG6", "2 Abbey Street", "1LN"),
    "weatherbury_hall": ("Weatherbury Village Hall", "Weatherbury", "RG10", "Church Lane", "9PQ"),
    "shaston_market": ("Shaston Market Hall", "Shaston", "RG12", "1 Gold Hill", "4RS"),
    "shaston_north": ("Shaston Homes Office", "Shaston", "RG42", "15 Bimport", "2TU"),
    "melchester_close": ("Close Gate Wellbeing Centre", "Melchester", "RG14", "5 Cathedral Close", "6WX"),
    "melchester_shed": ("Melchester Men's Shed", "Melchester", "RG14", "Unit 4, Fisherton Yard", "1YZ"),
    "anglebury_hub": ("Anglebury Heath Community Hub", "Anglebury", "RG40", "27 Heath Road", "1AA"),
    "anglebury_depot": ("Community Transport Depot", "Anglebury", "RG41", "Wareham Road", "5BD"),
    "anglebury_surgery": ("Anglebury Health Centre", "Anglebury", "RG45", "9 Station Road", "8EF"),
}


def _service(
    key: str,
    org: str,
    name: str,
    description: str,
    needs: list[str],
    *,
    where: list[str] = (),
    min_age: int | None = None,
    max_age: int | None = None,
    eligibility: str = "",
    fees: str = "Free",
    schedule: str = "",
    status: str = "active",
    alert: str = "",
    contact: tuple[str, str] | None = None,
    online: bool = False,
) -> dict[str, Any]:
    return {
        "key": key,
        "org": org,
        "name": name,
        "description": description,
        "needs": needs,
        "where": list(where),
        "min_age": min_age,
        "max_age": max_age,
        "eligibility": eligibility,
        "fees": fees,
        "schedule": schedule,
        "status": status,
        "alert": alert,
        "contact": contact,
        "online": online,
    }


N = Need
SERVICES: list[dict[str, Any]] = [
    _service(
        "social_care_front_door",
        "council",
        "Adult social care: first contact",
        "Ask for a needs assessment, or for a carer's assessment, for yourself or someone you look after.",
        [N.PERSONAL_CARE, N.CARERS_SUPPORT],
        min_age=18,
        eligibility="Adults living in Wessex",
        schedule="Monday to Friday, 9am to 5pm",
    ),
    _service(
        "equipment_service",
        "council",
        "Community equipment service",
        "Equipment to make daily living safer at home: grab rails, bath lifts, walking frames and beds, "
        "after an assessment by an occupational therapist.",
        [N.MOBILITY_EQUIPMENT, N.HOUSING],
        min_age=18,
        eligibility="Adults assessed as needing equipment",
        where=["anglebury_depot"],
    ),
    _service(
        "welfare_rights",
        "council",
        "Welfare rights unit",
        "Benefit checks, help with forms and representation at tribunal for disabled people and carers.",
        ["welfare_rights"],
        min_age=16,
        eligibility="Disabled people, carers and people with long-term health conditions",
    ),
    _service(
        "blue_badge",
        "council",
        "Blue Badge and concessionary bus passes",
        "Apply for a Blue Badge for parking, or a free bus pass for older or disabled people.",
        [N.TRANSPORT],
        eligibility="Older and disabled residents of Wessex",
    ),
    _service(
        "advice_drop_in",
        "advice",
        "Advice drop-in",
        "Walk in for free advice on benefits, debt, housing, work and consumer problems.",
        [N.BENEFITS, N.DEBT_ADVICE, N.HOUSING],
        where=["corn_exchange", "sandbourne_centre"],
        min_age=16,
        schedule="Tuesday and Thursday, 10am to 2pm",
    ),
    _service(
        "advice_phone",
        "advice",
        "Advice line",
        "Telephone advice on benefits, debt, housing and work, with call-backs in other languages.",
        [N.BENEFITS, N.DEBT_ADVICE],
        min_age=16,
        schedule="Monday to Friday, 9am to 4pm",
    ),
    _service(
        "pension_credit",
        "advice",
        "Pension Credit take-up project",
        "Help for older people to check and claim Pension Credit, Attendance Allowance and Council Tax "
        "Reduction, with home visits if you cannot get out.",
        [N.BENEFITS],
        min_age=66,
        eligibility="People over State Pension age",
    ),
    _service(
        "later_life_befriending",
        "later_life",
        "Telephone befriending",
        "A weekly phone call from the same volunteer, for a chat and a friendly voice.",
        [N.LONELINESS],
        min_age=60,
        eligibility="People aged 60 and over who feel lonely or cut off",
    ),
    _service(
        "later_life_lunch",
        "later_life",
        "Thursday lunch club",
        "A two-course hot lunch with company, a quiz and a raffle. Transport can be arranged.",
        ["community_meals", N.LONELINESS],
        where=["weatherbury_hall"],
        min_age=60,
        fees="£6.50 a lunch",
        schedule="Thursdays, 12 noon to 2pm",
    ),
    _service(
        "later_life_handyperson",
        "later_life",
        "Handyperson service",
        "Small jobs and repairs to keep older people safe at home: fitting key safes, grab rails and "
        "smoke alarms, and fixing dripping taps.",
        [N.HOUSING, N.MOBILITY_EQUIPMENT],
        min_age=60,
        fees="Labour free for people on Pension Credit; otherwise £18 an hour",
    ),
    _service(
        "later_life_info",
        "later_life",
        "Later life information and advice",
        "Information about care options, paying for care, power of attorney and staying independent.",
        [N.PERSONAL_CARE, N.BENEFITS],
        where=["casterbridge_library"],
        min_age=55,
    ),
    _service(
        "sandbourne_foodbank",
        "sandbourne_foodbank",
        "Food bank",
        "Three days of emergency food, toiletries and a chat with someone who can help with what caused "
        "the crisis.",
        ["food_banks"],
        where=["sandbourne_hall"],
        eligibility="Anyone in crisis, with a food bank voucher from an agency",
        schedule="Monday, Wednesday and Friday, 10am to 12 noon",
    ),
    _service(
        "sandbourne_delivery",
        "sandbourne_foodbank",
        "Food parcel delivery",
        "Food parcels delivered to people who cannot get to the food bank because of illness or disability.",
        ["food_banks", N.ACCESS_TO_SHOPPING],
        where=["sandbourne_hall"],
        eligibility="People who are housebound, referred by a professional",
    ),
    _service(
        "kingsbere_larder",
        "kingsbere_larder",
        "Community larder",
        "Ten items of food for £4 a week, including fresh fruit and vegetables. Membership is free.",
        [N.FOOD, N.ACCESS_TO_SHOPPING],
        where=["kingsbere_larder"],
        fees="£4 a visit",
        eligibility="People living in Kingsbere and the villages around it",
        schedule="Saturday, 10am to 1pm",
    ),
    _service(
        "kingsbere_cafe",
        "kingsbere_larder",
        "Pay-as-you-feel community cafe",
        "A warm space with hot food and company; pay what you can.",
        ["community_meals", N.LONELINESS, N.FUEL_POVERTY],
        where=["kingsbere_larder"],
        fees="Pay as you feel",
        schedule="Wednesday, 11am to 3pm",
    ),
    _service(
        "carers_helpline",
        "carers",
        "Carers helpline",
        "Information and a listening ear for anyone looking after a family member or friend.",
        [N.CARERS_SUPPORT],
        eligibility="Unpaid carers of any age",
        schedule="Monday to Saturday, 9am to 8pm",
    ),
    _service(
        "carers_breaks",
        "carers",
        "Carers breaks",
        "A sitter for up to four hours a week, so that carers can take a break.",
        [N.CARERS_SUPPORT, N.PERSONAL_CARE],
        min_age=18,
        eligibility="Adult carers who have had a carer's assessment",
    ),
    _service(
        "young_carers",
        "carers",
        "Young carers group",
        "Fun, friends and a break for young people who look after someone at home.",
        [N.CARERS_SUPPORT, N.LONELINESS],
        where=["sandbourne_centre", "anglebury_hub"],
        min_age=8,
        max_age=17,
        schedule="Fortnightly on Tuesdays, 4pm to 6pm",
    ),
    _service(
        "carers_cafe",
        "carers",
        "Carers cafe",
        "Meet other carers over coffee, with a different speaker each month.",
        [N.CARERS_SUPPORT, N.LONELINESS],
        where=["melchester_close"],
        min_age=18,
        schedule="First Monday of the month, 2pm to 4pm",
    ),
    _service(
        "mind_drop_in",
        "mind_matters",
        "Wellbeing drop-in",
        "Come along for a cuppa and a chat with peer supporters who understand.",
        [N.MENTAL_HEALTH, N.LONELINESS],
        where=["melchester_close"],
        min_age=18,
        schedule="Friday, 1pm to 4pm",
    ),
    _service(
        "mind_crisis_cafe",
        "mind_matters",
        "Evening crisis cafe",
        "A safe place to go in the evening when things feel too much, as an alternative to A&E.",
        [N.MENTAL_HEALTH],
        where=["melchester_close", "corn_exchange"],
        min_age=18,
        schedule="Every evening, 6pm to 11pm",
        status="temporarily closed",
        alert="The Casterbridge cafe is closed for refurbishment until March; Melchester is open.",
    ),
    _service(
        "mind_courses",
        "mind_matters",
        "Wellbeing courses online",
        "Six-week courses on managing stress, sleep and low mood, on video calls.",
        ["talking_therapies"],
        min_age=18,
        online=True,
    ),
    _service(
        "talking_therapies",
        "talking",
        "Talking therapies",
        "Cognitive behavioural therapy and counselling for anxiety, depression and stress. You can refer "
        "yourself.",
        ["talking_therapies"],
        min_age=18,
        eligibility="Adults registered with a Wessex GP",
        where=["anglebury_surgery"],
        online=True,
    ),
    _service(
        "good_neighbours_shopping",
        "good_neighbours",
        "Shopping help",
        "A volunteer does your weekly shop or goes with you, and brings prescriptions.",
        [N.ACCESS_TO_SHOPPING],
        where=["anglebury_hub"],
        eligibility="Anyone in Anglebury who cannot shop for themselves for a while",
    ),
    _service(
        "good_neighbours_visits",
        "good_neighbours",
        "Friendly visiting",
        "A regular visit from a volunteer for a cup of tea and a chat.",
        [N.LONELINESS],
        where=["anglebury_hub"],
        min_age=18,
    ),
    _service(
        "car_scheme",
        "car_scheme",
        "Volunteer car scheme",
        "Lifts to GP, hospital and dentist appointments with volunteer drivers.",
        ["community_transport"],
        where=["weatherbury_hall"],
        fees="45p a mile, paid to the driver",
        eligibility="People in the Weatherbury villages without transport",
    ),
    _service(
        "energy_advice",
        "energy",
        "Home energy advice line",
        "Advice on lowering energy bills, dealing with energy debt, and grants for insulation and heating.",
        [N.FUEL_POVERTY, N.DEBT_ADVICE],
        schedule="Monday to Friday, 9am to 5pm",
    ),
    _service(
        "energy_home_visits",
        "energy",
        "Warm homes visits",
        "An adviser visits to check your home for draughts and damp, fits small measures for free, and "
        "helps you apply for grants.",
        [N.FUEL_POVERTY, N.HOUSING],
        eligibility="Households on a low income, or with someone whose health is made worse by the cold",
    ),
    _service(
        "shaston_tenancy_support",
        "shaston_homes",
        "Tenancy sustainment",
        "Support for tenants at risk of losing their home: rent arrears, benefits and dealing with letters.",
        [N.HOUSING, N.DEBT_ADVICE],
        where=["shaston_north"],
        min_age=18,
        eligibility="Shaston Homes tenants",
    ),
    _service(
        "shaston_adaptations",
        "shaston_homes",
        "Home adaptations for tenants",
        "Level-access showers, ramps and stairlifts for tenants who need them.",
        [N.HOUSING, N.MOBILITY_EQUIPMENT],
        where=["shaston_north"],
        eligibility="Shaston Homes tenants with an occupational therapist's recommendation",
    ),
    _service(
        "money_advice",
        "money_advice",
        "Debt advice appointments",
        "A money adviser goes through your debts with you, deals with creditors and can help with "
        "insolvency options.",
        [N.DEBT_ADVICE],
        where=["casterbridge_library", "shaston_market"],
        min_age=18,
    ),
    _service(
        "friendship_circle",
        "friendship",
        "Friendship circle",
        "Weekly social afternoons with tea, games and outings, with transport for members.",
        [N.LONELINESS],
        where=["sandbourne_centre"],
        min_age=65,
        fees="£3 a session",
    ),
    _service(
        "friendship_phone",
        "friendship",
        "Telephone friendship groups",
        "Join a small group on a free phone call for a chat and a quiz, from home.",
        [N.LONELINESS],
        min_age=65,
    ),
    _service(
        "home_care",
        "home_care",
        "Home care",
        "Help at home with washing, dressing, meals and medicines, from a regular team of care workers.",
        [N.PERSONAL_CARE],
        min_age=18,
        fees="£27 an hour, or as agreed in a care and support plan",
    ),
    _service(
        "reablement",
        "home_care",
        "Short-term support after hospital",
        "Up to six weeks of support at home after a stay in hospital, to get back on your feet.",
        [N.PERSONAL_CARE, N.MOBILITY_EQUIPMENT],
        min_age=18,
        eligibility="Adults leaving hospital, referred by the hospital discharge team",
    ),
    _service(
        "mens_shed",
        "mens_shed",
        "Men's shed",
        "Woodwork, repairs and a brew in a shared workshop. Everyone is welcome, whatever their skills.",
        [N.LONELINESS, N.MENTAL_HEALTH],
        where=["melchester_shed"],
        min_age=18,
        fees="£2 a session towards materials",
        schedule="Tuesday and Friday, 10am to 3pm",
    ),
    _service(
        "dial_a_ride",
        "community_transport",
        "Dial-a-ride",
        "A door-to-door accessible minibus for shopping trips and appointments, booked by phone.",
        ["community_transport", N.ACCESS_TO_SHOPPING],
        where=["anglebury_depot"],
        fees="£3 a single trip",
        eligibility="People who cannot use ordinary buses",
    ),
    _service(
        "shopping_bus",
        "community_transport",
        "Weekly shopping bus",
        "A minibus from the villages to the Anglebury supermarkets, with help with bags.",
        [N.ACCESS_TO_SHOPPING, "community_transport"],
        where=["anglebury_depot"],
        fees="£4 return",
        schedule="Wednesdays, pick-ups from 9.30am",
    ),
    _service(
        "wheelchair_hire",
        "wheelchairs",
        "Wheelchair and scooter hire",
        "Hire a wheelchair or mobility scooter by the week, or have yours repaired.",
        [N.MOBILITY_EQUIPMENT],
        where=["anglebury_depot", "casterbridge_library"],
        fees="From £15 a week",
    ),
    _service(
        "housing_advice_line",
        "housing_advice",
        "Housing advice line",
        "Advice for anyone worried about losing their home, disrepair, or finding somewhere to live.",
        [N.HOUSING],
        schedule="Monday to Friday, 10am to 4pm",
    ),
    _service(
        "shopmobility",
        "shopmobility",
        "Shopmobility and escorted shopping",
        "Borrow a wheelchair or scooter in the town centre, or shop with a volunteer.",
        [N.MOBILITY_EQUIPMENT, N.ACCESS_TO_SHOPPING],
        where=["shaston_market"],
        fees="Free for members",
    ),
    _service(
        "old_luncheon_club",
        "later_life",
        "Kingsbere luncheon club",
        "The luncheon club has closed; see the community larder's cafe instead.",
        ["community_meals"],
        where=["kingsbere_larder"],
        status="defunct",
    ),
]


def _id(kind: str, key: str) -> str:
    return str(uuid.uuid5(_NS, f"{kind}/{key}"))


def _phone(n: int) -> str:
    # Ofcom's numbers for drama in the 0118 area: 0118 496 0000 to 0118 496 0999.
    return f"0118 496 0{n:03d}"


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def needs_taxonomy() -> dict[str, Any]:
    """The Casework needs taxonomy as an ORUK taxonomy, terms nested; narrower terms have a parent_id."""
    terms = []
    for need in Need:
        terms.append(
            {
                "id": str(need_term_id(need.value)),
                "name": need.label,
                "description": NEED_DESCRIPTIONS[need],
                "taxonomy": NEEDS_TAXONOMY_NAME,
                "taxonomy_id": str(NEEDS_TAXONOMY_ID),
                "term": need.value,
            }
        )
        for code, label in NARROWER_NEEDS.get(need, []):
            terms.append(
                {
                    "id": str(need_term_id(code)),
                    "name": label,
                    "description": label,
                    "parent_id": str(need_term_id(need.value)),
                    "taxonomy": NEEDS_TAXONOMY_NAME,
                    "taxonomy_id": str(NEEDS_TAXONOMY_ID),
                    "term": code,
                }
            )
    return {
        "id": str(NEEDS_TAXONOMY_ID),
        "name": NEEDS_TAXONOMY_NAME,
        "description": "The needs Casework signposts people by.",
        "version": "1",
        "taxonomy_terms": terms,
    }


def organizations() -> list[dict[str, Any]]:
    out = []
    for key, org in ORGANIZATIONS.items():
        slug = _slug(org["name"])
        out.append(
            {
                "id": _id("organization", key),
                "name": org["name"],
                "description": org["description"],
                "email": f"hello@{slug}.example.org",
                "website": org.get("website", f"https://{slug}.example.org"),
            }
        )
    return out


def _location(key: str) -> dict[str, Any]:
    name, town, district, street, inward = LOCATIONS[key]
    return {
        "id": _id("location", key),
        "location_type": "physical",
        "name": name,
        "addresses": [
            {
                "id": _id("address", key),
                "address_1": street,
                "city": town,
                "state_province": "Wessex",
                "postal_code": f"{district} {inward}",
                "country": "GB",
                "address_type": "physical",
            }
        ],
    }


def services_page() -> dict[str, Any]:
    """Every demo service, fully nested, as one ORUK page; organisations are named by id."""
    contents = []
    for number, item in enumerate(SERVICES, start=1):
        org = ORGANIZATIONS[item["org"]]
        service_id = _id("service", item["key"])
        service: dict[str, Any] = {
            "id": service_id,
            "organization_id": _id("organization", item["org"]),
            "name": item["name"],
            "description": item["description"],
            "status": item["status"],
            "email": f"{_slug(item['name'])}@{_slug(org['name'])}.example.org",
            "url": f"https://{_slug(org['name'])}.example.org/{_slug(item['name'])}",
            "fees": item["fees"],
            "last_modified": LAST_MODIFIED,
            "phones": [{"id": _id("phone", item["key"]), "number": _phone(100 + number)}],
            "attributes": [
                {
                    "id": _id("attribute", f"{item['key']}/{need}"),
                    "link_type": "need",
                    "taxonomy_term_id": str(need_term_id(str(need))),
                }
                for need in item["needs"]
            ],
        }
        if item["eligibility"]:
            service["eligibility_description"] = item["eligibility"]
        if item["min_age"] is not None:
            service["minimum_age"] = item["min_age"]
        if item["max_age"] is not None:
            service["maximum_age"] = item["max_age"]
        if item["alert"]:
            service["alert"] = item["alert"]
        if item["schedule"]:
            service["schedules"] = [{"id": _id("schedule", item["key"]), "description": item["schedule"]}]
        sals = [
            {"id": _id("service_at_location", f"{item['key']}/{key}"), "location": _location(key)}
            for key in item["where"]
        ]
        if item["online"]:
            sals.append(
                {
                    "id": _id("service_at_location", f"{item['key']}/online"),
                    "location": {
                        "id": _id("location", f"{item['key']}/online"),
                        "location_type": "virtual",
                        "name": "Online",
                        "description": "By video call or online",
                    },
                }
            )
        service["service_at_locations"] = sals
        if number % 4 == 0:
            service["contacts"] = [
                {
                    "id": _id("contact", item["key"]),
                    "name": "Duty coordinator",
                    "title": "Referrals",
                    "phones": [{"id": _id("contact_phone", item["key"]), "number": _phone(500 + number)}],
                }
            ]
        else:
            service["contacts"] = []
        contents.append(service)
    return _page(contents)


def _page(contents: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "total_items": len(contents),
        "total_pages": 1,
        "page_number": 1,
        "size": len(contents),
        "first_page": True,
        "last_page": True,
        "empty": not contents,
        "contents": contents,
    }


def build_directory_demo(*, stdout=None) -> ImportResult:
    """Import the Wessex demo directory through the ORUK importer; again, it updates in place.

    Development mode only: raises DomainError in production. Raises FeedRejected if the demo data were bad.
    """
    if not settings.DEBUG:
        raise DomainError("The demo directory is for development mode only.")
    documents = [needs_taxonomy(), _page(organizations()), services_page()]
    result = services.directory_import(records=importer.records_of(documents), feed=DEMO_FEED)
    if stdout is not None:
        for line in result.summary():
            stdout.write(line + "\n")
    return result
