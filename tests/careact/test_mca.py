"""Mental Capacity Act records: decision-specific capacity assessments (ss1-3), best-interests
decisions (s4, s1(6)), and advocacy referrals with the IMCA rule (ss37-39)."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from careact import services
from careact.models import AdvocacyReferral, BestInterestsDecision, CapacityAssessment, CapacityOutcome
from careact.selectors_mca import explain_outcome, suggested_capacity_outcome
from cases.models import AccessLog, BreakGlassAccess
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

HAS, LACKS = CapacityOutcome.HAS_CAPACITY, CapacityOutcome.LACKS_CAPACITY
FUNCTIONAL = ("can_understand", "can_retain", "can_use_or_weigh", "can_communicate")


def days_ago(n):
    return timezone.localdate() - datetime.timedelta(days=n)


def assessment_values(person, by, **overrides):
    values = {
        "person": person,
        "decision": "Whether to move into a care home",
        "assessed_on": days_ago(2),
        "support_given": "Visited twice, mornings, with her daughter present",
        "impairment": True,
        "impairment_details": "Vascular dementia",
        "can_understand": True,
        "can_retain": False,
        "can_use_or_weigh": False,
        "can_communicate": True,
        "evidence": "Could not recall the options after five minutes",
        "outcome": LACKS,
        "by": by,
    }
    values.update(overrides)
    return values


def assess(person, by, **overrides):
    return services.record_capacity_assessment(**assessment_values(person, by, **overrides))


def refer(person, by, kind="imca", **overrides):
    values = {
        "person": person,
        "kind": kind,
        "referred_on": days_ago(1),
        "provider": "Northshire Advocacy",
        "advocate_name": "Robin Hale",
        "reason": "No family to consult about the move",
        "by": by,
    }
    values.update(overrides)
    return services.record_advocacy_referral(**values)


def decision_values(assessment, by, **overrides):
    values = {
        "capacity_assessment": assessment,
        "decided_on": days_ago(1),
        "persons_wishes": "Wants to stay near her church",
        "consulted": "Daughter (agrees), GP",
        "options_considered": "Home with more care; care home near church",
        "decision": "Move to St Anne's care home",
        "least_restrictive": "Home care was tried for three months and she fell twice",
        "no_one_to_consult": False,
        "by": by,
    }
    values.update(overrides)
    return values


def count_queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# --- The capacity rule ------------------------------------------------------------------


@pytest.mark.parametrize("answers", list(itertools.product([True, False], repeat=5)))
def test_lacks_capacity_only_with_impairment_and_a_failed_functional_test(answers):
    impairment, *able = answers
    kwargs = dict(zip(("impairment", *FUNCTIONAL), answers, strict=True))
    expected = LACKS if impairment and not all(able) else HAS
    assert suggested_capacity_outcome(**kwargs) == expected


def test_explanations_name_the_rule_and_what_the_person_cannot_do():
    answers = {"impairment": True, "can_understand": True, "can_retain": False, "can_use_or_weigh": False}
    answers["can_communicate"] = True
    why = explain_outcome(answers)
    assert "cannot retain that information or use or weigh that information" in why and "s2(1)" in why
    assert "presumed to have capacity" in explain_outcome({**answers, "impairment": False})


# --- Services ---------------------------------------------------------------------------


def test_record_a_consistent_assessment(person, practitioner):
    assessment = assess(person, practitioner)
    assert (assessment.outcome, assessment.assessor, assessment.can_retain) == (LACKS, practitioner, False)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"impairment": False, "impairment_details": ""}, "presumed to have capacity"),
        ({"can_retain": True, "can_use_or_weigh": True}, "so they have capacity to make it"),
        ({"outcome": HAS}, "lack capacity to make this decision"),
    ],
)
def test_inconsistent_outcomes_are_refused(person, practitioner, overrides, message):
    with pytest.raises(services.DomainError, match="The answers do not support this outcome") as refused:
        assess(person, practitioner, **overrides)
    assert message in str(refused.value)
    assert not CapacityAssessment.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"decision": " "}, "Enter the specific decision"),
        ({"assessed_on": None}, "Enter the date of the assessment"),
        ({"assessed_on": days_ago(-1)}, "must be today or in the past"),
        ({"support_given": ""}, "practicable steps"),
        ({"impairment_details": ""}, "Describe the impairment"),
        ({"evidence": ""}, "Enter the evidence"),
        ({"can_communicate": None}, "Answer every question"),
        ({"outcome": "maybe"}, "Select the outcome"),
    ],
)
def test_assessment_needs_each_answer(person, practitioner, overrides, message):
    with pytest.raises(services.DomainError, match=message):
        assess(person, practitioner, **overrides)


def test_mca_applies_from_16(practitioner):
    young = PersonFactory(date_of_birth=timezone.localdate().replace(year=timezone.localdate().year - 15))
    with pytest.raises(services.DomainError, match="aged 16 and over"):
        assess(young, practitioner)


def test_best_interests_only_after_lacking_capacity(person, practitioner):
    has = assess(
        person,
        practitioner,
        impairment=False,
        impairment_details="",
        can_retain=True,
        can_use_or_weigh=True,
        outcome=HAS,
    )
    with pytest.raises(
        services.DomainError, match="only follow an assessment that found the person lacks capacity"
    ):
        services.record_best_interests_decision(**decision_values(has, practitioner))
    lacks = assess(person, practitioner)
    record = services.record_best_interests_decision(**decision_values(lacks, practitioner))
    assert (record.person, record.decision_maker, record.capacity_assessment) == (person, practitioner, lacks)


def test_nobody_to_consult_needs_an_imca_referral(person, practitioner):
    lacks = assess(person, practitioner)
    with pytest.raises(services.DomainError, match="Refer to an IMCA before recording this decision"):
        services.record_best_interests_decision(
            **decision_values(lacks, practitioner, no_one_to_consult=True)
        )
    imha = refer(person, practitioner, kind="imha")
    with pytest.raises(services.DomainError, match="Select one of this person's IMCA referrals"):
        services.record_best_interests_decision(
            **decision_values(lacks, practitioner, no_one_to_consult=True, imca_referral=imha)
        )
    someone_elses = refer(PersonFactory(), practitioner)
    with pytest.raises(services.DomainError, match="Select one of this person's IMCA referrals"):
        services.record_best_interests_decision(
            **decision_values(lacks, practitioner, no_one_to_consult=True, imca_referral=someone_elses)
        )
    late = refer(person, practitioner, referred_on=timezone.localdate())
    with pytest.raises(services.DomainError, match="on or before the date of the decision"):
        services.record_best_interests_decision(
            **decision_values(lacks, practitioner, no_one_to_consult=True, imca_referral=late)
        )
    imca = refer(person, practitioner, referred_on=days_ago(2))
    record = services.record_best_interests_decision(
        **decision_values(lacks, practitioner, no_one_to_consult=True, imca_referral=imca)
    )
    assert record.imca_referral == imca and record.no_one_to_consult


def test_best_interests_dates(person, practitioner):
    lacks = assess(person, practitioner, assessed_on=days_ago(5))
    with pytest.raises(services.DomainError, match="on or after the date of the capacity assessment"):
        services.record_best_interests_decision(
            **decision_values(lacks, practitioner, decided_on=days_ago(6))
        )
    with pytest.raises(services.DomainError, match="today or in the past"):
        services.record_best_interests_decision(
            **decision_values(lacks, practitioner, decided_on=days_ago(-1))
        )
    with pytest.raises(services.DomainError, match="least restrictive"):
        services.record_best_interests_decision(**decision_values(lacks, practitioner, least_restrictive=""))
    assert not BestInterestsDecision.objects.exists()


def test_advocacy_referral_rules(person, practitioner):
    with pytest.raises(services.DomainError, match="Select the kind of advocate"):
        refer(person, practitioner, kind="friend")
    with pytest.raises(services.DomainError, match="today or in the past"):
        refer(person, practitioner, referred_on=days_ago(-1))
    with pytest.raises(services.DomainError, match="Enter the advocacy provider"):
        refer(person, practitioner, provider="")
    assert refer(person, practitioner, kind="care_act").get_kind_display().startswith("Care Act")


# --- Pages ------------------------------------------------------------------------------


def capacity_post(**overrides):
    day = days_ago(1)
    data = {
        "decision": "Whether to accept a package of home care",
        "assessed_on_day": day.day,
        "assessed_on_month": day.month,
        "assessed_on_year": day.year,
        "support_given": "Easy-read leaflet; her son present",
        "impairment": "yes",
        "impairment_details": "Alzheimer's disease",
        "can_understand": "no",
        "can_retain": "no",
        "can_use_or_weigh": "no",
        "can_communicate": "yes",
        "evidence": "Could not say what a carer would do",
        "outcome": LACKS,
    }
    data.update(overrides)
    return data


def test_record_an_assessment_and_a_best_interests_decision(practitioner_client, person):
    url = reverse("careact:capacity_create", args=[person.pk])
    response = practitioner_client.post(url, {**capacity_post(), "action": "save"})
    assessment = CapacityAssessment.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "careact:capacity_detail", args=[assessment.pk]
    )
    detail = practitioner_client.get(response.url).content.decode()
    assert "Lacks capacity to make this decision" in detail and "cannot understand the information" in detail
    bi_url = reverse("careact:best_interests_create", args=[assessment.pk])
    assert bi_url in detail
    day = days_ago(0)
    response = practitioner_client.post(
        bi_url,
        {
            "decided_on_day": day.day,
            "decided_on_month": day.month,
            "decided_on_year": day.year,
            "persons_wishes": "Wants to stay at home",
            "consulted": "Son; GP",
            "no_one_to_consult": "no",
            "options_considered": "Home care; day centre",
            "decision": "Home care twice a day",
            "least_restrictive": "Keeps her at home",
        },
    )
    assert response.status_code == 302
    record = BestInterestsDecision.objects.get()
    page = practitioner_client.get(
        reverse("careact:best_interests_detail", args=[record.pk])
    ).content.decode()
    assert "Home care twice a day" in page and "Keeps her at home" in page


def test_check_the_suggested_outcome_saves_nothing_and_keeps_the_answers(practitioner_client, person):
    url = reverse("careact:capacity_create", args=[person.pk])
    response = practitioner_client.post(url, {**capacity_post(outcome=""), "action": "suggest"})
    page = response.content.decode()
    assert "Suggested outcome: Lacks capacity to make this decision" in page
    assert "There is a problem" not in page and "Could not say what a carer would do" in page
    assert not CapacityAssessment.objects.exists()


def test_inconsistent_outcome_is_a_form_error_with_the_suggestion(practitioner_client, person):
    url = reverse("careact:capacity_create", args=[person.pk])
    response = practitioner_client.post(url, {**capacity_post(outcome=HAS), "action": "save"})
    page = response.content.decode()
    assert response.status_code == 200 and "<title>Error:" in page
    assert "The answers do not support this outcome" in page
    assert "so they lack capacity to make this decision" in page  # the suggestion, in the error
    assert "Easy-read leaflet; her son present" in page
    assert not CapacityAssessment.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"decision": ""}, "Enter the specific decision the person needs to make"),
        (
            {"assessed_on_year": str(timezone.localdate().year + 1)},
            "The date of the assessment must be today or in the past",
        ),
        ({"impairment_details": ""}, "Describe the impairment of, or disturbance in"),
        ({"can_retain": ""}, "Select whether the person can retain the information"),
    ],
)
def test_assessment_form_errors_keep_what_was_typed(practitioner_client, person, overrides, message):
    response = practitioner_client.post(
        reverse("careact:capacity_create", args=[person.pk]), {**capacity_post(**overrides), "action": "save"}
    )
    page = response.content.decode()
    assert message in page and "Could not say what a carer would do" in page
    assert not CapacityAssessment.objects.exists()


def test_best_interests_refused_for_a_person_with_capacity(practitioner_client, practitioner, person):
    has = assess(
        person,
        practitioner,
        impairment=False,
        impairment_details="",
        can_retain=True,
        can_use_or_weigh=True,
        outcome=HAS,
    )
    detail = practitioner_client.get(reverse("careact:capacity_detail", args=[has.pk])).content.decode()
    assert "the decision is theirs to make" in detail
    assert reverse("careact:best_interests_create", args=[has.pk]) not in detail
    url = reverse("careact:best_interests_create", args=[has.pk])
    page = practitioner_client.get(url).content.decode()
    assert "has capacity to make this decision" in page and "Save decision" not in page
    day = days_ago(0)
    response = practitioner_client.post(
        url,
        {
            "decided_on_day": day.day,
            "decided_on_month": day.month,
            "decided_on_year": day.year,
            "persons_wishes": "x",
            "consulted": "x",
            "no_one_to_consult": "no",
            "options_considered": "x",
            "decision": "x",
            "least_restrictive": "x",
        },
    )
    assert response.status_code == 200 and not BestInterestsDecision.objects.exists()


def test_best_interests_with_nobody_to_consult_asks_for_an_imca(practitioner_client, practitioner, person):
    lacks = assess(person, practitioner)
    url = reverse("careact:best_interests_create", args=[lacks.pk])
    day = days_ago(0)
    data = {
        "decided_on_day": day.day,
        "decided_on_month": day.month,
        "decided_on_year": day.year,
        "persons_wishes": "Typed wishes",
        "consulted": "Only paid carers",
        "no_one_to_consult": "yes",
        "options_considered": "Stay; move",
        "decision": "Move",
        "least_restrictive": "Nearest to home",
    }
    page = practitioner_client.post(url, data).content.decode()
    assert "Refer to an IMCA before recording this decision" in page and "Typed wishes" in page
    # Refer from the page, come back, link the referral.
    advocacy_url = reverse("careact:advocacy_create", args=[person.pk]) + f"?kind=imca&assessment={lacks.pk}"
    assert advocacy_url.replace("&", "&amp;") in page
    referred = days_ago(0)
    response = practitioner_client.post(
        advocacy_url,
        {
            "kind": "imca",
            "referred_on_day": referred.day,
            "referred_on_month": referred.month,
            "referred_on_year": referred.year,
            "provider": "Northshire Advocacy",
            "reason": "Nobody to consult about the move",
        },
    )
    assert response.status_code == 302 and response.url == url
    imca = AdvocacyReferral.objects.get()
    assert practitioner_client.post(url, {**data, "imca_referral": imca.pk}).status_code == 302
    assert BestInterestsDecision.objects.get().imca_referral == imca


def test_advocacy_form_errors_keep_what_was_typed(practitioner_client, person):
    response = practitioner_client.post(
        reverse("careact:advocacy_create", args=[person.pk]), {"provider": "Typed provider", "reason": ""}
    )
    page = response.content.decode()
    assert "Select the kind of advocate" in page and "Enter the date of the referral" in page
    assert "Enter why an advocate is needed" in page and 'value="Typed provider"' in page


def test_person_page_panel_with_add_buttons(practitioner_client, practitioner, person):
    lacks = assess(person, practitioner)
    services.record_best_interests_decision(**decision_values(lacks, practitioner))
    refer(person, practitioner)
    page = practitioner_client.get(reverse("cases:person_detail", args=[person.pk])).content.decode()
    assert "Mental capacity and advocacy" in page
    assert "Whether to move into a care home" in page and "Move to St Anne&#x27;s care home" in page
    assert "Northshire Advocacy: Robin Hale" in page
    assert reverse("careact:capacity_create", args=[person.pk]) in page
    assert reverse("careact:advocacy_create", args=[person.pk]) in page


def test_break_glass_reads_without_write_buttons(other_worker, other_worker_client, practitioner, person):
    lacks = assess(person, practitioner)
    BreakGlassAccess.objects.create(
        user=other_worker,
        person=person,
        reason="Police welfare check at the address tonight",
        expires_at=timezone.now() + datetime.timedelta(minutes=60),
    )
    page = other_worker_client.get(reverse("cases:person_detail", args=[person.pk])).content.decode()
    assert "Whether to move into a care home" in page
    assert reverse("careact:capacity_create", args=[person.pk]) not in page
    detail = other_worker_client.get(reverse("careact:capacity_detail", args=[lacks.pk])).content.decode()
    assert "Vascular dementia" in detail
    assert reverse("careact:best_interests_create", args=[lacks.pk]) not in detail
    for url in (
        reverse("careact:capacity_create", args=[person.pk]),
        reverse("careact:best_interests_create", args=[lacks.pk]),
        reverse("careact:advocacy_create", args=[person.pk]),
    ):
        assert other_worker_client.get(url).status_code == 404


def test_strangers_commissioners_and_other_teams_get_404(
    stranger_client, commissioner_client, other_worker_client, practitioner, person
):
    lacks = assess(person, practitioner)
    record = services.record_best_interests_decision(**decision_values(lacks, practitioner))
    urls = [
        reverse("careact:capacity_create", args=[person.pk]),
        reverse("careact:capacity_detail", args=[lacks.pk]),
        reverse("careact:best_interests_create", args=[lacks.pk]),
        reverse("careact:best_interests_detail", args=[record.pk]),
        reverse("careact:advocacy_create", args=[person.pk]),
    ]
    for url in urls:
        for client in (stranger_client, commissioner_client, other_worker_client):
            assert client.get(url).status_code == 404, url


def test_each_page_logs_one_read(practitioner_client, practitioner, person):
    lacks = assess(person, practitioner)
    for url in (
        reverse("careact:capacity_detail", args=[lacks.pk]),
        reverse("careact:capacity_create", args=[person.pk]),
    ):
        before = AccessLog.objects.count()
        practitioner_client.get(url)
        assert AccessLog.objects.count() == before + 1


def test_person_page_query_count_does_not_grow_with_records(practitioner_client, practitioner, person):
    url = reverse("cases:person_detail", args=[person.pk])
    lacks = assess(person, practitioner)
    services.record_best_interests_decision(**decision_values(lacks, practitioner))
    refer(person, practitioner)
    one = count_queries(practitioner_client, url)
    for _ in range(12):
        lacks = assess(person, practitioner)
        services.record_best_interests_decision(**decision_values(lacks, practitioner))
        refer(person, practitioner)
    page = practitioner_client.get(url).content.decode()
    assert "Showing the 10 most recent" in page
    assert count_queries(practitioner_client, url) == one


def test_capacity_detail_query_count_does_not_grow(practitioner_client, practitioner, person):
    lacks = assess(person, practitioner)
    services.record_best_interests_decision(**decision_values(lacks, practitioner))
    url = reverse("careact:capacity_detail", args=[lacks.pk])
    one = count_queries(practitioner_client, url)
    for _ in range(5):
        services.record_best_interests_decision(**decision_values(lacks, practitioner))
    assert count_queries(practitioner_client, url) == one
