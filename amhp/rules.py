"""The Mental Health Act rules the AMHP service works to, keyed by date (DESIGN.md section 5).

Every clock and every application check reads the rules in force on the relevant date through
`rules_on(date)`, so the Mental Health Act 2025 changes (the nominated person replacing the
nearest relative, shorter section 3 renewal periods) are switched on by setting a commencement
date in `RULE_SETS`, without touching views, forms or services.

Counting days, as the statute words them:

- Application within 14 days of the last medical examination. MHA 1983 s6(1)(a): an
  application is sufficient authority to convey the patient to hospital "within ... the period
  of 14 days beginning with the date on which the patient was last examined by a registered
  medical practitioner before giving a medical recommendation". "Beginning with" counts the day
  of examination as day 1, so for an examination on 1 March the period is 1 to 14 March: the
  last day allowed is `examined_on + 13 days`, and 15 March is refused. The AMHP's own duty in
  s11(5) ("personally seen the patient within the period of 14 days ending with the date of the
  application") is worded from the other end and gives the same arithmetic: counting back 14
  days ending with an application on 14 March reaches 1 March.
- Examinations no more than 5 clear days apart. MHA 1983 s12(1): where the doctors examined the
  patient separately "not more than five days must have elapsed between the days on which the
  separate examinations took place". The days between (not counting either examination day)
  may be at most 5: examinations on 1 and 7 March leave 2 to 6 March (5 days) and are allowed;
  1 and 8 March leave 6 days and are refused.
- Recommendations are signed on or before the date of the application (s12(1)), so an
  examination after the application date is refused.
- One of the doctors approved under s12(2) (an approved clinician counts, s12(2A)).
- Nearest relative: for an application for admission for assessment (s2, and s4 which is an
  emergency application for assessment) the AMHP takes practicable steps to inform them
  (s11(3)); for treatment (s3) the AMHP consults them unless that is not reasonably practicable
  or would involve unreasonable delay, and may not apply if they object (s11(4)). "(if any)" in
  both subsections: where no one appears to be the nearest relative there is no one to inform
  or consult.
- Place of safety (s135 and s136): 24 hours from arrival, extendable once by up to 12 hours by
  the doctor responsible for the examination (s135(3ZA), s136(2A) and s136B, from the Policing
  and Crime Act 2017, in force 11 December 2017; before then 72 hours with no extension).
- Section 4: the emergency application ends 72 hours after admission unless a second medical
  recommendation, complying with s12 together with the first, is received (s4(4)).
"""

import dataclasses
import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils import timezone

from .models import PLACE_OF_SAFETY_STATUSES, NearestRelativeContact, Outcome


@dataclass(frozen=True)
class Rules:
    """The rules in force from `commences_on` (None: enacted but not yet commenced)."""

    name: str
    commences_on: datetime.date | None
    person_role_name: str
    place_of_safety_hours: int
    place_of_safety_extension_hours: int
    s4_hours: int = 72
    application_window_days: int = 14
    max_clear_days_between_examinations: int = 5
    # Section 3: the initial period, then the renewal periods (s20), for the later s3 work.
    s3_initial_months: int = 6
    s3_renewal_months: tuple[int, ...] = (6, 12)

    @property
    def person_role_title(self) -> str:
        return self.person_role_name[:1].upper() + self.person_role_name[1:]

    @property
    def place_of_safety_limit_hours(self) -> int:
        """The longest anyone may be kept at a place of safety, extension included."""
        return self.place_of_safety_hours + self.place_of_safety_extension_hours


MHA_1983_AS_AMENDED_2007 = Rules(
    name="Mental Health Act 1983, as amended by the Mental Health Act 2007",
    commences_on=datetime.date(2008, 11, 3),
    person_role_name="nearest relative",
    place_of_safety_hours=72,
    place_of_safety_extension_hours=0,
)
MHA_1983_AS_AMENDED_2017 = dataclasses.replace(
    MHA_1983_AS_AMENDED_2007,
    name="Mental Health Act 1983, as amended by the Policing and Crime Act 2017",
    commences_on=datetime.date(2017, 12, 11),
    place_of_safety_hours=24,
    place_of_safety_extension_hours=12,
)
MHA_2025 = dataclasses.replace(
    MHA_1983_AS_AMENDED_2017,
    name="Mental Health Act 1983, as amended by the Mental Health Act 2025",
    commences_on=None,  # not in force: set the date when the commencement regulations say so
    person_role_name="nominated person",
    # The 2025 Act shortens the section 3 periods: enter them here from the Act's text, with
    # the commencement date, before this row is switched on (not used by any check yet).
)

# Oldest first. `rules_on` reads this at call time, so a test can swap in a commencement.
RULE_SETS: tuple[Rules, ...] = (MHA_1983_AS_AMENDED_2007, MHA_1983_AS_AMENDED_2017, MHA_2025)


def rules_on(on: datetime.date | datetime.datetime | None = None) -> Rules:
    """The rules in force on a date (today if None): the latest set commenced by then.

    A datetime counts by its date in Europe/London. Dates before the first set get the first.
    """
    if on is None:
        on = timezone.localdate()
    elif isinstance(on, datetime.datetime):
        on = timezone.localtime(on).date() if timezone.is_aware(on) else on.date()
    in_force = [r for r in RULE_SETS if r.commences_on is not None and r.commences_on <= on]
    return max(in_force, key=lambda r: r.commences_on) if in_force else RULE_SETS[0]


def utc(value: datetime.datetime | None) -> datetime.datetime | None:
    """Clock arithmetic in UTC: adding hours to a Europe/London time moves the wall clock, so
    24 hours across the clocks changing would come out as 23 or 25 elapsed hours."""
    return value.astimezone(datetime.UTC) if value is not None else None


def commenced_rule_sets() -> list[Rules]:
    """The rule sets with a commencement date, oldest first (for SQL CASE expressions)."""
    return sorted((r for r in RULE_SETS if r.commences_on is not None), key=lambda r: r.commences_on)


# --- Clocks -------------------------------------------------------------------------------


def place_of_safety_deadline(request) -> datetime.datetime | None:
    """When the person may no longer be kept at the place of safety: arrival + 24 hours +
    any extension (s135(3ZA), s136(2A), s136B). None for other legal statuses."""
    arrived = request.arrived_at_place_of_safety
    if request.legal_status not in PLACE_OF_SAFETY_STATUSES or arrived is None:
        return None
    hours = rules_on(arrived).place_of_safety_hours + (request.extension_hours or 0)
    return utc(arrived) + datetime.timedelta(hours=hours)


def place_of_safety_base_deadline(request) -> datetime.datetime | None:
    """The deadline without any extension: the time by which an extension must be made."""
    arrived = request.arrived_at_place_of_safety
    if request.legal_status not in PLACE_OF_SAFETY_STATUSES or arrived is None:
        return None
    return utc(arrived) + datetime.timedelta(hours=rules_on(arrived).place_of_safety_hours)


def s4_deadline(assessment) -> datetime.datetime | None:
    """When an emergency application ends unless converted: admission + 72 hours (s4(4))."""
    if assessment.outcome != Outcome.S4 or assessment.s4_admitted_at is None:
        return None
    admitted = assessment.s4_admitted_at
    return utc(admitted) + datetime.timedelta(hours=rules_on(admitted).s4_hours)


def s4_clock_running(assessment) -> bool:
    """The 72-hour clock shows until a second recommendation converts the s4 to s2."""
    return s4_deadline(assessment) is not None and assessment.s4_converted_at is None


# --- Application checks -------------------------------------------------------------------


def _day(value: datetime.date) -> str:
    return f"{value.day} {value:%B %Y}"


def _field(rec, name):
    return rec.get(name) if isinstance(rec, dict) else getattr(rec, name)


def _examinations(recommendations: Iterable) -> list[tuple[str, datetime.date, bool]]:
    rows = []
    for rec in recommendations:
        examined = _field(rec, "examined_on")
        if examined is not None:
            rows.append(
                (_field(rec, "doctor_name") or "a doctor", examined, bool(_field(rec, "s12_approved")))
            )
    return sorted(rows, key=lambda row: row[1])


def _s12_messages(exams, rules: Rules) -> list[str]:
    """One s12-approved doctor; separate examinations no more than 5 clear days apart."""
    messages = []
    if exams and not any(approved for _, _, approved in exams):
        messages.append(
            "Neither doctor is approved under section 12: at least one of the medical "
            "recommendations must be from a section 12 approved doctor (MHA 1983 s12(2))"
        )
    if len(exams) >= 2:
        first, last = exams[0][1], exams[-1][1]
        clear_days = (last - first).days - 1
        if clear_days > rules.max_clear_days_between_examinations:
            messages.append(
                f"The medical examinations on {_day(first)} and {_day(last)} are {clear_days} clear days "
                f"apart: they must be no more than {rules.max_clear_days_between_examinations} "
                "(MHA 1983 s12(1))"
            )
    return messages


def _signed_by_application(exams, application_date) -> list[str]:
    """Recommendations are signed on or before the date of the application (s12(1))."""
    return [
        f"The examination by {name} on {_day(examined)} is after the application date "
        f"({_day(application_date)}): recommendations must be signed on or before it (MHA 1983 s12(1))"
        for name, examined, _ in exams
        if examined > application_date
    ]


def check_application(
    *,
    outcome: str,
    application_date: datetime.date | None,
    recommendations: Sequence,
    nearest_relative_contact: str,
    nearest_relative_objected: bool,
    on: datetime.date | None = None,
    nearest_relative_name: str = "",
) -> list[str]:
    """Every reason an application for admission cannot be made, as messages for the user.

    An empty list means the application may be made. Outcomes that are not applications
    (informal admission, community alternative, no further action) are not checked.
    `recommendations` are objects or dicts with doctor_name, s12_approved and examined_on.
    `on`: the date whose rules apply (the application date, or today).
    """
    if outcome not in (Outcome.S2, Outcome.S3, Outcome.S4):
        return []
    rules = rules_on(on or application_date)
    messages = []
    if application_date is None:
        return ["Enter the date and time the application was made"]
    needed = 1 if outcome == Outcome.S4 else 2
    exams = _examinations(recommendations)
    if len(exams) < needed:
        messages.append(
            "An emergency application under section 4 needs one medical recommendation (MHA 1983 s4(3))"
            if outcome == Outcome.S4
            else f"An application under section {outcome[1:]} needs medical recommendations from two "
            "doctors: enter both doctors and the dates they examined the person"
        )
    if exams:
        last = exams[-1][1]
        last_allowed = last + datetime.timedelta(days=rules.application_window_days - 1)
        if outcome == Outcome.S4 and application_date > last + datetime.timedelta(days=1):
            messages.append(
                f"An emergency application must be made within 24 hours of the medical examination on "
                f"{_day(last)} (MHA 1983 s6(1)(b))"
            )
        elif application_date > last_allowed:
            messages.append(
                f"The application is more than {rules.application_window_days} days after the last "
                f"medical examination on {_day(last)}: the last day it could be made was "
                f"{_day(last_allowed)} (MHA 1983 s6(1)(a))"
            )
    if outcome != Outcome.S4:  # s4(3): one recommendation, from any doctor
        messages += _s12_messages(exams, rules)
    messages += _signed_by_application(exams, application_date)
    messages += _nearest_relative_messages(
        outcome=outcome,
        rules=rules,
        contact=nearest_relative_contact,
        objected=nearest_relative_objected,
        named=bool((nearest_relative_name or "").strip()),
    )
    return messages


def _nearest_relative_messages(*, outcome, rules: Rules, contact: str, objected: bool, named: bool) -> list:
    C = NearestRelativeContact
    role = rules.person_role_name
    if outcome == Outcome.S3:
        messages = []
        if objected:
            messages.append(
                f"An application under section 3 cannot be made: the {role} objects (MHA 1983 s11(4)(a))"
            )
        if contact not in (C.CONSULTED, C.NOT_PRACTICABLE) and (named or contact == C.INFORMED):
            messages.append(
                f"Consult the {role} before an application under section 3, or record that consulting them "
                "was not reasonably practicable or would cause unreasonable delay (MHA 1983 s11(4)(b))"
            )
        return messages
    if contact == C.NOT_APPLICABLE and named:
        section = (
            "section 4 (an emergency application for assessment)" if outcome == Outcome.S4 else "section 2"
        )
        return [
            f"Inform the {role} of an application under {section}, or record that it was not "
            "practicable (MHA 1983 s11(3))"
        ]
    return []


def check_amhp_saw_patient(
    *, outcome: str, seen_at: datetime.datetime, application_at: datetime.datetime
) -> list:
    """The AMHP has personally seen the patient within the 14 days ending with the date of the
    application, or for an emergency application within the 24 hours ending at its time
    (MHA 1983 s11(5)). The assessment is when the AMHP saw them."""
    if outcome not in (Outcome.S2, Outcome.S3, Outcome.S4):
        return []
    seen_at, application_at = utc(seen_at), utc(application_at)
    if application_at < seen_at:
        return ["The application cannot be made before the assessment at which you saw the person"]
    rules = rules_on(application_at)
    if outcome == Outcome.S4:
        if application_at - seen_at > datetime.timedelta(hours=24):
            return [
                "An emergency application must be made within 24 hours of you seeing the person "
                "(MHA 1983 s11(5))"
            ]
        return []
    seen_on, applied_on = timezone.localtime(seen_at).date(), timezone.localtime(application_at).date()
    if (applied_on - seen_on).days > rules.application_window_days - 1:
        return [
            f"You must have seen the person within the {rules.application_window_days} days ending with the "
            f"date of the application: the assessment on {_day(seen_on)} is too long before an application "
            f"on {_day(applied_on)} (MHA 1983 s11(5))"
        ]
    return []


def check_s4_conversion(
    *, assessment, recommendations: Sequence, received_at: datetime.datetime
) -> list[str]:
    """Whether a second recommendation converts an s4 to s2: received within the 72 hours,
    and the two recommendations together comply with s12 (s4(4)(b); the timing of the second
    signature is excepted)."""
    deadline = s4_deadline(assessment)
    if deadline is None:
        return ["Only an emergency admission under section 4 can be converted"]
    if assessment.s4_converted_at is not None:
        return ["This section 4 has already been converted to section 2"]
    rules = rules_on(assessment.s4_admitted_at)
    messages = []
    if received_at >= deadline:
        local = timezone.localtime(deadline)
        messages.append(
            f"The section 4 ended at {local:%H:%M} on {_day(local.date())}, {rules.s4_hours} hours after "
            "admission: a second recommendation received after that cannot convert it (MHA 1983 s4(4))"
        )
    if received_at < assessment.s4_admitted_at:
        messages.append("The second recommendation must be received after the person was admitted")
    if len(_examinations(recommendations)) < 2:
        messages.append("Enter the second doctor and the date they examined the person")
    return messages + _s12_messages(_examinations(recommendations), rules)
