import pytest
from django.core.exceptions import ValidationError

from casework.people.identifiers import name_key, normalise_nhs_number, normalise_postcode, postcode_district


@pytest.mark.parametrize("raw", ["9434765919", "943 476 5919", "943-476-5919", " 9434765919 "])
def test_nhs_numbers_are_stored_as_ten_digits(raw):
    assert normalise_nhs_number(raw) == "9434765919"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("9434765918", "check digit"),
        ("943476591", "10 digits"),
        ("94347659190", "10 digits"),
        ("94347A5919", "only numbers"),
        ("1111111111", "real NHS number"),
        # A check digit that works out as 10 makes the number invalid.
        ("0000000060", "check digit"),
    ],
)
def test_bad_nhs_numbers_are_refused_with_a_reason(raw, message):
    with pytest.raises(ValidationError) as error:
        normalise_nhs_number(raw)
    assert message in error.value.messages[0]


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("sw1a1aa", "SW1A 1AA"),
        ("RG40 1AA", "RG40 1AA"),
        ("m1 1ae", "M1 1AE"),
        ("  b33   8th ", "B33 8TH"),
        ("GIR0AA", "GIR 0AA"),
        ("cr26xh", "CR2 6XH"),
        ("dn551pt", "DN55 1PT"),
        ("w1a0ax", "W1A 0AX"),
    ],
)
def test_postcodes_are_normalised(raw, normal):
    assert normalise_postcode(raw) == normal


@pytest.mark.parametrize(
    "raw", ["", "NOT A POSTCODE", "QA1 1AA", "SW1A 1AC", "12345", "SW1A1AAA", "RG40 AAA"]
)
def test_bad_postcodes_are_refused(raw):
    with pytest.raises(ValidationError):
        normalise_postcode(raw)


def test_postcode_district_is_the_outward_code():
    assert postcode_district("RG40 1AA") == "RG40"
    assert postcode_district("") == ""


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Smith", "Smyth"),
        ("Catherine", "Kathryn"),
        ("Mohammed", "Muhammad"),
        ("Phillips", "Philips"),
        ("Clarke", "Clark"),
    ],
)
def test_similar_sounding_names_share_a_key(a, b):
    assert name_key(a) == name_key(b)


def test_different_names_have_different_keys():
    assert name_key("Smith") != name_key("Jones")
