from django.db import models


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    INDETERMINATE = "indeterminate", "Indeterminate"
    NOT_KNOWN = "not_known", "Not known"


class Gender(models.TextChoices):
    WOMAN = "woman", "Woman"
    MAN = "man", "Man"
    NON_BINARY = "non_binary", "Non-binary"
    OTHER = "other", "Another gender"
    PREFER_NOT_TO_SAY = "prefer_not_to_say", "Prefers not to say"
    NOT_KNOWN = "not_known", "Not known"


class Ethnicity(models.TextChoices):
    """Client Level Data (Release 2) ethnicity, 2021 census categories; values are our codes, labels CLD's
    text."""

    WHITE_BRITISH = "white_british", "White: English, Welsh, Scottish, Northern Irish or British"
    WHITE_IRISH = "white_irish", "White: Irish"
    WHITE_GYPSY_TRAVELLER = "white_gypsy_traveller", "White: Gypsy or Irish Traveller"
    WHITE_ROMA = "white_roma", "White: Roma"
    WHITE_OTHER = "white_other", "White: Any other White background"
    MIXED_WHITE_BLACK_CARIBBEAN = (
        "mixed_white_black_caribbean",
        "Mixed or multiple: White and Black Caribbean",
    )
    MIXED_WHITE_BLACK_AFRICAN = "mixed_white_black_african", "Mixed or multiple: White and Black African"
    MIXED_WHITE_ASIAN = "mixed_white_asian", "Mixed or multiple: White and Asian"
    MIXED_OTHER = "mixed_other", "Mixed or multiple: Any other Mixed or multiple background"
    ASIAN_INDIAN = "asian_indian", "Asian or Asian British: Indian"
    ASIAN_PAKISTANI = "asian_pakistani", "Asian or Asian British: Pakistani"
    ASIAN_BANGLADESHI = "asian_bangladeshi", "Asian or Asian British: Bangladeshi"
    ASIAN_CHINESE = "asian_chinese", "Asian or Asian British: Chinese"
    ASIAN_OTHER = "asian_other", "Asian or Asian British: Any other Asian background"
    BLACK_AFRICAN = "black_african", "Black, Black British, Caribbean or African: African"
    BLACK_CARIBBEAN = "black_caribbean", "Black, Black British, Caribbean or African: Caribbean"
    BLACK_OTHER = "black_other", "Black, Black British, Caribbean or African: Any other Black background"
    OTHER_ARAB = "other_arab", "Other ethnic group: Arab"
    OTHER_ANY = "other_any", "Other ethnic group: Any other ethnic group"
    NO_DATA_REFUSED = "no_data_refused", "No data: Refused"
    NO_DATA_UNKNOWN = "no_data_unknown", "No data: Undeclared or not known"


class ContactMethod(models.TextChoices):
    PHONE = "phone", "Phone"
    TEXT = "text", "Text message"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    HOME_VISIT = "home_visit", "Home visit"


class AccessibleFormat(models.TextChoices):
    STANDARD = "", "Standard"
    LARGE_PRINT = "large_print", "Large print"
    BRAILLE = "braille", "Braille"
    EASY_READ = "easy_read", "Easy read"
    AUDIO = "audio", "Audio"


class HouseholdRole(models.TextChoices):
    HOUSEHOLDER = "householder", "Householder"
    PARTNER = "partner", "Partner or spouse"
    CHILD = "child", "Child"
    PARENT = "parent", "Parent"
    OTHER_RELATIVE = "other_relative", "Other relative"
    LODGER = "lodger", "Lodger or tenant"
    OTHER = "other", "Other"


class RelationshipKind(models.TextChoices):
    CARER = "carer", "Carer"
    FAMILY = "family", "Family member"
    ADVOCATE = "advocate", "Advocate"
    APPROPRIATE_PERSON = "appropriate_person", "Appropriate person"
    LASTING_POWER_OF_ATTORNEY = "lasting_power_of_attorney", "Lasting power of attorney"
    OTHER = "other", "Other"
