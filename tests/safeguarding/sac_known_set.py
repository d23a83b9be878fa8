"""A known set of safeguarding cases built through the services over the financial year
2025-26, for the Safeguarding Adults Collection's tests (test_sac, test_sac_pages). The
fixtures are offered to every safeguarding test by the package's conftest."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Role
from safeguarding import sac, services
from safeguarding.models import Enquiry
from tests.factories import PersonFactory, make_member, make_team
from tests.safeguarding.test_services import close, raise_for, record, start

LONDON = zoneinfo.ZoneInfo("Europe/London")
YEAR = sac.FinancialYear(2025)
SAC = reverse("safeguarding:sac")
ZIP = reverse("safeguarding:sac_zip")
# Wednesday 10 June 2026: returns for 2025-26 are due, so that is the year shown first.
NOW = datetime.datetime(2026, 6, 10, 10, 0, tzinfo=LONDON)


def at(*args):
    return datetime.datetime(*args, tzinfo=LONDON)


def csv_url(slug):
    return reverse("safeguarding:sac_table_csv", args=[slug])


# --- Building the known set through the services ------------------------------------------


def raise_at(person, team, by, when, **concern):
    with time_machine.travel(when, tick=False):
        return raise_for(person, team, by, received_at=when, **concern)


def decide_at(concern, sam, officer, when, kind="s42"):
    with time_machine.travel(when, tick=False):
        return start(concern, sam, officer, kind=kind)


def no_further_action_at(concern, sam, when):
    with time_machine.travel(when, tick=False):
        return services.close_concern_no_further_action(
            concern_id=concern.pk,
            has_care_needs=True,
            at_risk_of_abuse=False,
            unable_to_protect=False,
            reason="No abuse or neglect on the facts",
            action_instead="Care Act assessment offered",
            by=sam,
        )


def conclude_at(enquiry, sam, when, *, msp=None, outcome=None):
    """Every step, then closure, on `when` (step dates are that day)."""
    overrides = {"msp": msp or {}, "outcome": outcome or {}}
    with time_machine.travel(when, tick=False):
        for step in ("strategy", "msp", "findings", "plan", "review", "outcome"):
            enquiry = record(enquiry, step, sam, **overrides.get(step, {}))
        return close(enquiry, sam)


def msp(asked, capacity, difficulty=False, appropriate=None, advocate=""):
    return {
        "msp_asked": asked,
        "desired_outcomes": "To be safe at home" if asked == "asked_expressed" else "",
        "lacks_capacity": capacity,
        "substantial_difficulty": difficulty,
        "appropriate_person": appropriate,
        "advocate": advocate,
    }


def outcome(action, risk, achieved="", found="identified"):
    return {
        "risk_assessment_result": found,
        "action_taken": action,
        "risk_outcome": risk,
        "outcomes_achieved": achieved,
    }


@pytest.fixture
def trust_team(trust):
    return make_team("Trust Safeguarding", trust, "safeguarding", "")


@pytest.fixture
def trust_sam(trust_team):
    return make_member(trust_team, Role.SAFEGUARDING_MANAGER, full_name="Tia Trust")


@pytest.fixture
def known_set(safeguarding_team, sam, enquiry_officer, practitioner, trust_team, trust_sam):
    """Ages are on 31 March 2026. The comments give what each case must count towards."""
    team, officer = safeguarding_team, enquiry_officer

    def adult(name, born, gender, ethnicity):
        return PersonFactory(
            given_name=name, family_name="Known", date_of_birth=born, gender=gender, ethnicity=ethnicity
        )

    ada = adult("Ada", datetime.date(1990, 5, 1), "female", "N")  # 35, Black
    ben = adult("Ben", datetime.date(1961, 3, 31), "male", "D")  # 65 that day, Mixed
    cal = adult("Cal", datetime.date(1951, 4, 1), "male", "A")  # 74 (75 the next day), White
    dee = adult("Dee", datetime.date(1938, 1, 15), "non_binary", "99")  # 88, Not known
    eve = adult("Eve", datetime.date(1929, 6, 1), "female", "C")  # 96, only a prior-year case
    fay = adult("Fay", datetime.date(1970, 1, 1), "female", "A")  # concern still waiting
    gus = adult("Gus", datetime.date(1980, 2, 2), "male", "R")  # 46, Chinese: Asian
    hal = adult("Hal", datetime.date(1951, 3, 31), "female", "Z")  # 75 that day, Refused
    jon = adult("Jon", datetime.date(1960, 1, 1), "male", "A")  # concluded just before the year
    ivy = adult("Ivy", datetime.date(1930, 3, 31), "not_stated", "S")  # 96, Other
    max_ = adult("Max", datetime.date(1945, 10, 10), "male", "B")  # 80, White, imported gaps
    kit = adult("Kit", datetime.date(1975, 7, 7), "female", "A")  # the trust's, not the council's

    # Ada: two concerns in the year (one individual), an s42 and an other enquiry, both concluded.
    c1 = raise_at(
        ada, team, practitioner, at(2025, 4, 10, 10), abuse_types=["physical", "domestic"],
        location="own_home", source_of_risk="known", primary_support_reason="mental_health",
    )  # fmt: skip
    e1 = decide_at(c1, sam, officer, at(2025, 4, 11, 9))
    conclude_at(
        e1, sam, at(2025, 6, 20, 15),
        msp=msp("asked_expressed", "no"), outcome=outcome(True, "reduced", "fully"),
    )  # fmt: skip
    c2 = raise_at(
        ada, team, practitioner, at(2025, 9, 1, 10), abuse_types=["self_neglect"],
        location="own_home", source_of_risk="known", primary_support_reason="mental_health",
    )  # fmt: skip
    e2 = decide_at(c2, sam, officer, at(2025, 9, 2, 10), kind="other")
    conclude_at(
        e2,
        sam,
        at(2025, 10, 15, 10),
        msp=msp("asked_expressed", "no"),
        outcome=outcome(True, "removed", "fully"),
    )
    # Ben: a concern, no further action.
    c3 = raise_at(
        ben, team, practitioner, at(2025, 5, 5, 10), abuse_types=["financial"],
        location="community", source_of_risk="unknown", primary_support_reason="physical",
    )  # fmt: skip
    no_further_action_at(c3, sam, at(2025, 5, 6, 10))
    # Cal: two s42 enquiries in the year (one individual, two cases); one concluded.
    c4 = raise_at(
        cal, team, practitioner, at(2025, 7, 1, 10), abuse_types=["financial", "psychological", "neglect"],
        location="care_home_residential", source_of_risk="service_provider",
        primary_support_reason="memory_cognition",
    )  # fmt: skip
    e4 = decide_at(c4, sam, officer, at(2025, 7, 2, 10))
    conclude_at(
        e4, sam, at(2026, 2, 10, 10),
        msp=msp("asked_not_expressed", "yes", difficulty=True, appropriate=True),
        outcome=outcome(True, "removed"),
    )  # fmt: skip
    c5 = raise_at(
        cal, team, practitioner, at(2025, 12, 1, 10), abuse_types=["neglect"],
        location="care_home_residential", source_of_risk="service_provider",
        primary_support_reason="memory_cognition",
    )  # fmt: skip
    decide_at(c5, sam, officer, at(2025, 12, 2, 10))
    # Dee: an s42 enquiry that concludes at 00:30 on 1 April 2026 (23:30 UTC on 31 March): next year.
    c6 = raise_at(
        dee, team, practitioner, at(2025, 11, 1, 10), abuse_types=["discriminatory", "modern_slavery"],
        location="other", source_of_risk="known", primary_support_reason="learning_disability",
    )  # fmt: skip
    e6 = decide_at(c6, sam, officer, at(2025, 11, 3, 10))
    conclude_at(e6, sam, at(2026, 4, 1, 0, 30), msp=msp("not_asked", "no"), outcome=outcome(False, "remains"))
    # Eve: concern and enquiry in 2024-25, concluded in 2025-26: SG2 and SG3 only.
    c7 = raise_at(
        eve, team, practitioner, at(2025, 3, 20, 10), abuse_types=["neglect", "organisational"],
        location="hospital_acute", source_of_risk="service_provider", primary_support_reason="physical",
    )  # fmt: skip
    e7 = decide_at(c7, sam, officer, at(2025, 3, 25, 10))
    conclude_at(
        e7, sam, at(2025, 5, 30, 10),
        msp=msp("not_asked", "yes", difficulty=True, appropriate=False, advocate="Jo Advocate, VoiceAbility"),
        outcome=outcome(False, "remains"),
    )  # fmt: skip
    # Fay: received on 30 March 2026 and still waiting for a decision: not counted.
    raise_at(fay, team, practitioner, at(2026, 3, 30, 10))
    # Gus: received at 23:30 on 31 March 2026 (22:30 UTC), decided on 1 April: a concern this
    # year, an enquiry started next year.
    c9 = raise_at(gus, team, practitioner, at(2026, 3, 31, 23, 30), primary_support_reason="social")
    decide_at(c9, sam, officer, at(2026, 4, 1, 10))
    # Hal: received at 00:30 on 1 April 2025 (23:30 UTC on 31 March), concluded on the last day.
    c10 = raise_at(
        hal, team, practitioner, at(2025, 4, 1, 0, 30), abuse_types=["sexual", "sexual_exploitation"],
        location="community", source_of_risk="unknown", primary_support_reason="not_known",
    )  # fmt: skip
    e10 = decide_at(c10, sam, officer, at(2025, 4, 2, 10))
    conclude_at(
        e10, sam, at(2026, 3, 31, 12),
        msp=msp("asked_expressed", "dont_know"), outcome=outcome(True, "removed", "not_achieved"),
    )  # fmt: skip
    # Jon: all in 2024-25, concluded at 23:30 on 31 March 2025 (22:30 UTC): not counted.
    c11 = raise_at(jon, team, practitioner, at(2025, 2, 1, 10))
    e11 = decide_at(c11, sam, officer, at(2025, 2, 2, 10))
    conclude_at(e11, sam, at(2025, 3, 31, 23, 30))
    # Ivy: a concern, no further action.
    c12 = raise_at(ivy, team, practitioner, at(2025, 8, 1, 10), primary_support_reason="sensory")
    no_further_action_at(c12, sam, at(2025, 8, 4, 10))
    # Max: an s42 enquiry closed, then its answers lost as an import would leave them.
    c16 = raise_at(
        max_, team, practitioner, at(2025, 10, 1, 10), abuse_types=["physical"],
        location="hospital_mental_health", source_of_risk="known", primary_support_reason="mental_health",
    )  # fmt: skip
    e16 = decide_at(c16, sam, officer, at(2025, 10, 2, 10))
    conclude_at(e16, sam, at(2025, 12, 15, 10))
    Enquiry.objects.filter(pk=e16.pk).update(
        msp_asked="",
        desired_outcomes="",
        outcomes_achieved="",
        lacks_capacity="yes",
        substantial_difficulty=True,
        appropriate_person=False,
        advocate="",
        action_taken=None,
        risk_outcome="",
    )
    # Kit: the trust's concern, in the year, counted in the trust's return only.
    kit_concern = raise_at(kit, trust_team, trust_sam, at(2025, 6, 1, 10))
    no_further_action_at(kit_concern, trust_sam, at(2025, 6, 2, 10))
    # Seven more, raised and started in March 2025 (so SG1 for 2025-26 is unchanged) and
    # concluded in the year, for every risk assessment outcome of SG2c. Each is self-neglect
    # in a community service from someone known, the adult not asked and not lacking capacity.
    risk_cases = (
        ("Liz", outcome(True, "", found="inconclusive")),
        ("Ned", outcome(False, "", found="inconclusive")),
        ("Oli", outcome(True, "", found="not_identified")),
        ("Pam", outcome(False, "", found="not_identified")),
        ("Quin", outcome(None, "", found="ceased")),  # saved as no action taken
        ("Rex", outcome(False, "reduced")),
        ("Sid", outcome(True, "removed")),  # then imported without the risk outcome
    )
    extra = []
    for day, (name, answers) in enumerate(risk_cases, start=10):
        person = adult(name, datetime.date(1970, 1, day), "female", "A")
        concern = raise_at(
            person, team, practitioner, at(2025, 3, day, 10), abuse_types=["self_neglect"],
            location="community_service", source_of_risk="known", primary_support_reason="social",
        )  # fmt: skip
        enquiry = decide_at(concern, sam, officer, at(2025, 3, day, 15))
        extra.append(
            conclude_at(enquiry, sam, at(2025, 8, day, 10), msp=msp("not_asked", "no"), outcome=answers)
        )
    Enquiry.objects.filter(pk=extra[-1].pk).update(risk_outcome="")
    return {
        "people": [ada, ben, cal, dee, eve, fay, gus, hal, jon, ivy, max_, kit, *(e.person for e in extra)],
        "enquiries": extra,
    }
