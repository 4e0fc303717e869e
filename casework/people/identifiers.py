"""NHS numbers, postcodes and name keys: validation and normal forms. Pure Python."""

from __future__ import annotations

import re

import jellyfish
import nhs_number
from django.core.exceptions import ValidationError

_NHS_SEPARATORS = re.compile(r"[\s-]")
# Outward code A9, A99, AA9, AA99, A9A, AA9A; inward 9AA; letters restricted as the Royal Mail rules say.
_POSTCODE = re.compile(r"^(GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?[0-9][0-9A-HJKMNPR-Y]? ?[0-9][ABD-HJLNP-UW-Z]{2})$")


def normalise_nhs_number(value: str) -> str:
    """Ten digits with no spaces, or ValidationError saying what is wrong."""
    digits = _NHS_SEPARATORS.sub("", value or "")
    if not digits.isdigit():
        raise ValidationError("NHS number must contain only numbers", code="nhs_format")
    if len(digits) != 10:
        raise ValidationError("NHS number must be 10 digits", code="nhs_length")
    if len(set(digits)) == 1:
        raise ValidationError("Enter a real NHS number", code="nhs_repeated")
    if not nhs_number.is_valid(digits):
        raise ValidationError("Enter a valid NHS number: the check digit does not match", code="nhs_checksum")
    return digits


def validate_nhs_number(value: str) -> None:
    if value:
        normalise_nhs_number(value)


def normalise_postcode(value: str) -> str:
    """Upper case with one space before the inward code, or ValidationError."""
    compact = re.sub(r"\s+", "", (value or "").upper())
    if len(compact) < 5 or len(compact) > 7:
        raise ValidationError("Enter a real postcode, like SW1A 1AA", code="postcode_format")
    formatted = f"{compact[:-3]} {compact[-3:]}"
    if not _POSTCODE.match(formatted):
        raise ValidationError("Enter a real postcode, like SW1A 1AA", code="postcode_format")
    return formatted


def validate_postcode(value: str) -> None:
    if value:
        normalise_postcode(value)


def postcode_district(postcode: str) -> str:
    """The outward code ("RG40" of "RG40 1AA"), or "" when there is no postcode."""
    return postcode.split(" ")[0] if postcode else ""


def name_key(name: str) -> str:
    """A phonetic key so that Smith and Smyth, or Catherine and Kathryn, find each other."""
    cleaned = re.sub(r"[^A-Za-z]", "", name or "")
    return jellyfish.metaphone(cleaned)[:20] if cleaned else ""


def name_similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    return jellyfish.jaro_winkler_similarity(a.strip().lower(), b.strip().lower())
