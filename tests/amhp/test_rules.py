"""The Mental Health Act rules keyed by date: clocks and application checks on edge dates."""

import dataclasses
import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from amhp import rules
from amhp.models import LegalStatus, NearestRelativeContact, Outcome

C = NearestRelativeContact
MARCH_1 = datetime.date(2027, 3, 1)


def at(day: datetime.date, hour=12, minute=0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def doctor(name, examined_on, s12=True):
    return {"doctor_name": name, "s12_approved": s12, "examined_on": examined_on}


def days(n):
    return MARCH_1 + datetime.timedelta(days=n)


def check(
    outcome=Outcome.S2, application_date=None, recs=None, contact=C.INFORMED, objected=False, name="Jo"
):
    return rules.check_application(
        outcome=outcome,
        application_date=application_date or MARCH_1,
        recommendations=recs
        if recs is not None
        else [doctor("Dr A", MARCH_1), doctor("Dr B", MARCH_1, False)],
        nearest_relative_contact=contact,
        nearest_relative_objected=objected,
        nearest_relative_name=name,
    )


# --- Rules keyed by date ---------------------------------------------------------------------


def test_rules_in_force_on_a_date():
    assert rules.rules_on(datetime.date(2027, 3, 1)).place_of_safety_hours == 24
    assert rules.rules_on(datetime.date(2027, 3, 1)).place_of_safety_extension_hours == 12
    # Before the Policing and Crime Act 2017 commenced (11 December 2017): 72 hours, no extension.
    assert rules.rules_on(datetime.date(2017, 12, 10)).place_of_safety_hours == 72
    assert rules.rules_on(datetime.date(2017, 12, 11)).place_of_safety_hours == 24
    # The 2025 Act has no commencement date yet: the nearest relative is still the role.
    assert rules.MHA_2025.commences_on is None
    assert rules.rules_on(datetime.date(2099, 1, 1)).person_role_name == "nearest relative"


def test_a_commencement_switches_the_role_name_in_messages(monkeypatch):
    commenced = dataclasses.replace(rules.MHA_2025, commences_on=datetime.date(2028, 1, 1))
    monkeypatch.setattr(
        rules, "RULE_SETS", (rules.MHA_1983_AS_AMENDED_2007, rules.MHA_1983_AS_AMENDED_2017, commenced)
    )
    assert rules.rules_on(datetime.date(2027, 12, 31)).person_role_name == "nearest relative"
    assert rules.rules_on(datetime.date(2028, 1, 1)).person_role_name == "nominated person"
    last_day = datetime.date(2027, 12, 31)
    before = check(
        outcome=Outcome.S3,
        application_date=last_day,
        recs=[doctor("Dr A", last_day), doctor("Dr B", last_day)],
        contact=C.CONSULTED,
        objected=True,
    )
    recs = [doctor("Dr A", datetime.date(2028, 1, 1)), doctor("Dr B", datetime.date(2028, 1, 1))]
    after = check(
        outcome=Outcome.S3,
        application_date=datetime.date(2028, 1, 1),
        recs=recs,
        contact=C.CONSULTED,
        objected=True,
    )
    assert before == [
        "An application under section 3 cannot be made: the nearest relative objects (MHA 1983 s11(4)(a))"
    ]
    assert after == [
        "An application under section 3 cannot be made: the nominated person objects (MHA 1983 s11(4)(a))"
    ]


# --- Clocks ------------------------------------------------------------------------------------


def test_place_of_safety_deadline_is_24_hours_plus_extension():
    arrived = at(MARCH_1, 22, 15)
    request = SimpleNamespace(
        legal_status=LegalStatus.S136, arrived_at_place_of_safety=arrived, extension_hours=0
    )
    assert rules.place_of_safety_deadline(request) == arrived + datetime.timedelta(hours=24)
    request.extension_hours = 12
    assert rules.place_of_safety_deadline(request) == arrived + datetime.timedelta(hours=36)
    assert rules.place_of_safety_base_deadline(request) == arrived + datetime.timedelta(hours=24)
    request.legal_status = LegalStatus.S5_2
    assert rules.place_of_safety_deadline(request) is None


def test_place_of_safety_deadline_across_the_clocks_going_forward():
    """24 elapsed hours, not 24 wall-clock hours: on 28 March 2027 the clocks go forward."""
    arrived = at(datetime.date(2027, 3, 27), 12, 0)
    request = SimpleNamespace(
        legal_status=LegalStatus.S136, arrived_at_place_of_safety=arrived, extension_hours=0
    )
    deadline = timezone.localtime(rules.place_of_safety_deadline(request))
    assert (deadline.day, deadline.hour) == (28, 13)


def test_s4_deadline_is_72_hours_from_admission_until_converted():
    admitted = at(MARCH_1, 3, 30)
    assessment = SimpleNamespace(outcome=Outcome.S4, s4_admitted_at=admitted, s4_converted_at=None)
    assert rules.s4_deadline(assessment) == admitted + datetime.timedelta(hours=72)
    assert rules.s4_clock_running(assessment)
    assessment.s4_converted_at = admitted + datetime.timedelta(hours=10)
    assert not rules.s4_clock_running(assessment)
    assert rules.s4_deadline(SimpleNamespace(outcome=Outcome.S2, s4_admitted_at=None)) is None


# --- Application checks on edge dates --------------------------------------------------------


def test_valid_section_2_has_no_messages():
    assert check() == []


def test_application_on_day_14_is_allowed_and_day_15_refused():
    assert check(application_date=datetime.date(2027, 3, 14)) == []
    assert check(application_date=datetime.date(2027, 3, 15)) == [
        "The application is more than 14 days after the last medical examination on 1 March 2027: "
        "the last day it could be made was 14 March 2027 (MHA 1983 s6(1)(a))"
    ]


def test_fourteen_days_run_from_the_last_examination():
    recs = [doctor("Dr A", MARCH_1), doctor("Dr B", days(3))]
    assert check(application_date=days(16), recs=recs) == []  # 4 March + 13 days = 17 March
    assert "the last day it could be made was 17 March 2027" in check(application_date=days(17), recs=recs)[0]


def test_examinations_five_clear_days_apart_allowed_six_refused():
    assert check(application_date=days(7), recs=[doctor("Dr A", MARCH_1), doctor("Dr B", days(6))]) == []
    messages = check(application_date=days(7), recs=[doctor("Dr A", MARCH_1), doctor("Dr B", days(7))])
    assert messages == [
        "The medical examinations on 1 March 2027 and 8 March 2027 are 6 clear days apart: "
        "they must be no more than 5 (MHA 1983 s12(1))"
    ]


def test_no_section_12_doctor_is_refused():
    messages = check(recs=[doctor("Dr A", MARCH_1, s12=False), doctor("Dr B", MARCH_1, s12=False)])
    assert (
        len(messages) == 1
        and "at least one of the medical recommendations must be from a section 12" in messages[0]
    )


def test_two_recommendations_are_needed_for_section_2_and_3_one_for_section_4():
    one = [doctor("Dr A", MARCH_1)]
    assert "needs medical recommendations from two doctors" in check(recs=one)[0]
    assert (
        "needs medical recommendations from two doctors"
        in check(outcome=Outcome.S3, recs=one, contact=C.CONSULTED)[0]
    )
    assert check(outcome=Outcome.S4, recs=[doctor("Dr A", MARCH_1, s12=False)]) == []


def test_examination_after_the_application_is_refused():
    messages = check(application_date=MARCH_1, recs=[doctor("Dr A", MARCH_1), doctor("Dr B", days(1))])
    assert messages == [
        "The examination by Dr B on 2 March 2027 is after the application date (1 March 2027): "
        "recommendations must be signed on or before it (MHA 1983 s12(1))"
    ]


def test_section_3_with_nearest_relative_objection_is_refused():
    assert check(outcome=Outcome.S3, contact=C.CONSULTED) == []
    assert check(outcome=Outcome.S3, contact=C.CONSULTED, objected=True) == [
        "An application under section 3 cannot be made: the nearest relative objects (MHA 1983 s11(4)(a))"
    ]
    # An objection does not stop an application for assessment (the nearest relative may
    # later order discharge instead).
    assert check(outcome=Outcome.S2, contact=C.CONSULTED, objected=True) == []


def test_section_3_needs_consultation_unless_not_practicable():
    assert "Consult the nearest relative" in check(outcome=Outcome.S3, contact=C.INFORMED)[0]
    assert "Consult the nearest relative" in check(outcome=Outcome.S3, contact=C.NOT_APPLICABLE)[0]
    assert check(outcome=Outcome.S3, contact=C.NOT_PRACTICABLE) == []
    # "(if any)": no one appears to be the nearest relative.
    assert check(outcome=Outcome.S3, contact=C.NOT_APPLICABLE, name="") == []


def test_section_2_with_nearest_relative_not_informed_is_refused_unless_not_practicable():
    assert check(contact=C.NOT_APPLICABLE) == [
        "Inform the nearest relative of an application under section 2, or record that it was not "
        "practicable (MHA 1983 s11(3))"
    ]
    assert check(contact=C.NOT_PRACTICABLE) == []
    assert check(contact=C.CONSULTED) == []
    assert check(contact=C.NOT_APPLICABLE, name="") == []
    assert "section 4" in check(outcome=Outcome.S4, contact=C.NOT_APPLICABLE)[0]


def test_emergency_application_within_24_hours_of_examination():
    assert check(outcome=Outcome.S4, application_date=days(1), recs=[doctor("Dr A", MARCH_1)]) == []
    assert (
        "within 24 hours"
        in check(outcome=Outcome.S4, application_date=days(2), recs=[doctor("Dr A", MARCH_1)])[0]
    )


def test_outcomes_that_are_not_applications_are_not_checked():
    for outcome in (Outcome.INFORMAL, Outcome.COMMUNITY, Outcome.NO_FURTHER_ACTION):
        assert check(outcome=outcome, recs=[], contact=C.NOT_APPLICABLE) == []


def test_every_problem_is_listed_at_once():
    recs = [doctor("Dr A", MARCH_1, s12=False), doctor("Dr B", days(7), s12=False)]
    messages = check(
        outcome=Outcome.S3, application_date=days(30), recs=recs, contact=C.INFORMED, objected=True
    )
    assert len(messages) == 5


def test_amhp_saw_the_patient_within_14_days_ending_with_the_application():
    seen = at(MARCH_1, 10)
    assert (
        rules.check_amhp_saw_patient(outcome=Outcome.S2, seen_at=seen, application_at=at(days(13), 9)) == []
    )
    assert (
        "(MHA 1983 s11(5))"
        in rules.check_amhp_saw_patient(outcome=Outcome.S2, seen_at=seen, application_at=at(days(14), 9))[0]
    )
    assert (
        rules.check_amhp_saw_patient(outcome=Outcome.S4, seen_at=seen, application_at=at(days(1), 10)) == []
    )
    assert rules.check_amhp_saw_patient(outcome=Outcome.S4, seen_at=seen, application_at=at(days(1), 11))
    assert rules.check_amhp_saw_patient(outcome=Outcome.S2, seen_at=seen, application_at=at(MARCH_1, 9))


@pytest.mark.parametrize(
    ("received_hours", "expected"),
    [(71, []), (72, ["ended"])],
)
def test_s4_conversion_within_72_hours(received_hours, expected):
    admitted = at(MARCH_1, 3)
    assessment = SimpleNamespace(outcome=Outcome.S4, s4_admitted_at=admitted, s4_converted_at=None)
    recs = [doctor("Dr A", MARCH_1, s12=False), doctor("Dr B", days(2))]
    messages = rules.check_s4_conversion(
        assessment=assessment,
        recommendations=recs,
        received_at=admitted + datetime.timedelta(hours=received_hours),
    )
    assert [m for m in expected if any(m in message for message in messages)] == expected
    assert len(messages) == len(expected)


def test_s4_conversion_needs_section_12_doctor_between_the_two():
    admitted = at(MARCH_1, 3)
    assessment = SimpleNamespace(outcome=Outcome.S4, s4_admitted_at=admitted, s4_converted_at=None)
    recs = [doctor("Dr A", MARCH_1, s12=False), doctor("Dr B", days(1), s12=False)]
    messages = rules.check_s4_conversion(
        assessment=assessment, recommendations=recs, received_at=admitted + datetime.timedelta(hours=30)
    )
    assert len(messages) == 1 and "section 12" in messages[0]


def test_the_clock_turns_at_exactly_the_deadline():
    from amhp.selectors_requests import Clock

    deadline = at(MARCH_1, 22, 15) + datetime.timedelta(hours=24)
    just_before = Clock(deadline, deadline - datetime.timedelta(minutes=1))
    assert (just_before.band, just_before.text) == ("amber", "1 minute left")
    on_the_dot = Clock(deadline, deadline)
    assert (on_the_dot.band, on_the_dot.text) == ("breached", "Breached by less than a minute")
    later = Clock(deadline, deadline + datetime.timedelta(hours=2, minutes=10, seconds=59))
    assert later.text == "Breached by 2 hours 10 minutes"
    early = Clock(deadline, deadline - datetime.timedelta(hours=6))
    assert (early.band, early.text) == ("running", "6 hours left")
