"""NHS numbers (modulus 11), postcodes and dates of birth (DESIGN.md section 12)."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from cases.testdata import test_nhs_numbers
from cases.validators import (
    is_valid_nhs_number,
    normalise_postcode,
    validate_date_of_birth,
    validate_nhs_number,
    validate_postcode,
)

VALID = list(test_nhs_numbers(5)) + ["9434765919", "9990000018"]


@pytest.mark.parametrize("number", VALID)
def test_valid_numbers_pass(number):
    assert is_valid_nhs_number(number)
    validate_nhs_number(number)


def test_spaces_and_dashes_are_allowed():
    assert is_valid_nhs_number("943 476 5919")
    assert is_valid_nhs_number("943-476-5919")


@pytest.mark.parametrize("number", VALID)
def test_every_single_digit_change_is_rejected(number):
    for position in range(10):
        for digit in "0123456789":
            if digit == number[position]:
                continue
            changed = number[:position] + digit + number[position + 1 :]
            assert not is_valid_nhs_number(changed), changed


@pytest.mark.parametrize("number", VALID)
def test_every_adjacent_swap_is_rejected(number):
    for position in range(9):
        a, b = number[position], number[position + 1]
        if a == b:
            continue
        swapped = number[:position] + b + a + number[position + 2 :]
        assert not is_valid_nhs_number(swapped), swapped


@pytest.mark.parametrize("bad", ["", "123", "94347659190", "94347659ab", "0000000001"])
def test_wrong_shapes_are_rejected(bad):
    assert not is_valid_nhs_number(bad)


def test_check_digit_ten_is_never_valid():
    nine = next(
        f"999{n:06d}"
        for n in range(1000)
        if (11 - sum(int(d) * w for d, w in zip(f"999{n:06d}", range(10, 1, -1), strict=True)) % 11) == 10
    )
    assert not any(is_valid_nhs_number(f"{nine}{d}") for d in "0123456789")


def test_messages_say_what_is_wrong():
    with pytest.raises(ValidationError, match="10 digits"):
        validate_nhs_number("12345")
    with pytest.raises(ValidationError, match="typing mistakes"):
        validate_nhs_number("9434765918")


@pytest.mark.parametrize(
    "postcode",
    [
        "SW1A 1AA",
        "sw1a1aa",
        "M1 1AE",
        "B33 8TH",
        "CR2 6XH",
        "DN55 1PT",
        "EC1A 1BB",
        "W1A 0AX",
        "GIR 0AA",
        "NR1 3QU",
    ],
)
def test_real_postcodes_pass(postcode):
    validate_postcode(postcode)


@pytest.mark.parametrize(
    "postcode", ["", "SW1A", "12345", "QA1 1AA", "SW1A 1AAA", "AA1 1CA", "SW1A-1AA", "ZZZ 999"]
)
def test_bad_postcodes_fail(postcode):
    with pytest.raises(ValidationError):
        validate_postcode(postcode)


def test_postcode_is_normalised():
    assert normalise_postcode(" sw1a1aa ") == "SW1A 1AA"
    assert normalise_postcode("m11ae") == "M1 1AE"


@time_machine.travel(datetime.date(2026, 11, 23))
def test_date_of_birth_rules():
    validate_date_of_birth(datetime.date(2026, 11, 23))
    validate_date_of_birth(datetime.date(1906, 11, 23))
    with pytest.raises(ValidationError, match="today or in the past"):
        validate_date_of_birth(datetime.date(2026, 11, 24))
    with pytest.raises(ValidationError, match="120 years"):
        validate_date_of_birth(datetime.date(1906, 11, 22))


@pytest.mark.parametrize("digit", "0123456789")
def test_all_same_digits_are_rejected(digit):
    assert not is_valid_nhs_number(digit * 10)


def test_non_ascii_digits_are_rejected():
    fullwidth = "".join(chr(0xFF10 + int(d)) for d in "9434765919")
    assert not is_valid_nhs_number(fullwidth)
    with pytest.raises(ValidationError, match="10 digits"):
        validate_nhs_number(fullwidth)
