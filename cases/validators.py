"""Validation of identifiers and dates that make sense (DESIGN.md section 12)."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

NHS_NUMBER_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)

# UK postcode, including GIR 0AA and the BFPO-free civil formats (Royal Mail PAF layout).
POSTCODE_RE = re.compile(
    r"^(GIR ?0AA|"
    r"(?:[A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?|"
    r"[A-PR-UWYZ][0-9][A-HJKPSTUW]|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])"
    r" ?[0-9][ABD-HJLNP-UW-Z]{2})$"
)


def normalise_nhs_number(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "")


def _ten_ascii_digits(value: str) -> bool:
    return re.fullmatch(r"[0-9]{10}", value) is not None


def nhs_number_check_digit(first_nine: str) -> int | None:
    """Modulus 11 check digit; None when the nine digits can never be valid (remainder 10)."""
    total = sum(int(d) * w for d, w in zip(first_nine, NHS_NUMBER_WEIGHTS, strict=True))
    check = 11 - (total % 11)
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def is_valid_nhs_number(value: str) -> bool:
    digits = normalise_nhs_number(value)
    if not _ten_ascii_digits(digits) or len(set(digits)) == 1:  # 0000000000 passes mod 11
        return False
    return nhs_number_check_digit(digits[:9]) == int(digits[9])


def validate_nhs_number(value: str) -> None:
    digits = normalise_nhs_number(value)
    if not _ten_ascii_digits(digits):
        raise ValidationError("Enter an NHS number that is 10 digits long", code="nhs_length")
    if not is_valid_nhs_number(digits):
        raise ValidationError("Enter a valid NHS number – check it for typing mistakes", code="nhs_checksum")


def normalise_postcode(value: str) -> str:
    compact = re.sub(r"\s", "", (value or "").upper())
    if len(compact) < 5:
        return compact
    return f"{compact[:-3]} {compact[-3:]}"


def validate_postcode(value: str) -> None:
    if not POSTCODE_RE.match(normalise_postcode(value)):
        raise ValidationError("Enter a real UK postcode, like SW1A 1AA", code="postcode")


MAX_AGE_YEARS = 120


def validate_date_of_birth(value: date) -> None:
    today = timezone.localdate()
    if value > today:
        raise ValidationError("Date of birth must be today or in the past", code="dob_future")
    try:
        earliest = today.replace(year=today.year - MAX_AGE_YEARS)
    except ValueError:  # 29 February
        earliest = today.replace(year=today.year - MAX_AGE_YEARS, day=28)
    if value < earliest:
        raise ValidationError(
            f"Date of birth must be within the last {MAX_AGE_YEARS} years", code="dob_too_old"
        )
