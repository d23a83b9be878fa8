"""Identifiers for demo and test data: NHS numbers only from the 999 test range."""

from .validators import nhs_number_check_digit

TEST_RANGE_PREFIX = "999"


def test_nhs_number(sequence: int) -> str:
    """A valid NHS number in the 999 test range: the first one at or after `sequence`.

    Distinct sequences a few apart give distinct numbers (about 1 in 11 is skipped)."""
    return next(test_nhs_numbers(1, start=sequence))


def test_nhs_numbers(count: int, start: int = 0):
    """Yield `count` valid test-range NHS numbers in order, from the 6-digit body `start`."""
    produced = 0
    candidate = start
    while produced < count:
        nine = f"{TEST_RANGE_PREFIX}{candidate:06d}"
        check = nhs_number_check_digit(nine)
        candidate += 1
        if candidate > 1_000_000:
            raise ValueError("The 999 test range has no more valid numbers")
        if check is None:
            continue
        produced += 1
        yield f"{nine}{check}"


# These are data helpers, not tests: stop pytest collecting them where they are imported.
test_nhs_number.__test__ = False
test_nhs_numbers.__test__ = False
