"""The safeguarding demo data that `manage.py seed_demo` adds (safeguarding.demo).

One small partnership is seeded once for the module on a fixed day (in a transaction rolled
back at the end) with only the safeguarding seeder's context captured; the seeder then runs
twice on it, the first run rolled back, so the two can be compared.
"""

import datetime
from io import StringIO
from types import SimpleNamespace

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, Role, ServiceLine, Team
from cases.demo.organisations import DEMO_LOGIN_EMAILS, Partnership
from cases.demo.registry import DemoContext, register_demo_seeder, registered_seeders, unregister_demo_seeder
from cases.models import PersonGroupObjectPermission, PersonUserObjectPermission, Relationship
from cases.permissions import CHANGE_PERSON
from safeguarding.checklist import ALL_RECORDED
from safeguarding.demo import CHECKLIST_FROM_DAYS, seed_safeguarding
from safeguarding.demo_texts import LEGACY_REASON
from safeguarding.models import (
    AbuseType,
    AllegedPerson,
    Concern,
    ConcernStatus,
    ConcernTransition,
    Enquiry,
    EnquiryKind,
    EnquiryStage,
    EnquiryTransition,
    SafeguardingSettings,
    SourceOfRisk,
)
from safeguarding.permissions import get_enquiry_for_user
from safeguarding.selectors import time_left
from safeguarding.services.enquiries import STAGE_ORDER, STEP_RULES, missing_elements
from tests.factories import OrganisationFactory

PEOPLE = 300
SEED = 5
NOW = datetime.datetime(2026, 11, 18, 11, 0, tzinfo=datetime.UTC)  # a Wednesday
TODAY = datetime.date(2026, 11, 18)
STEP_FIELDS = {
    "strategy": ("strategy_kind", "strategy_on", "strategy_attendees", "strategy_decisions"),
    "msp": (
        "msp_asked",
        "desired_outcomes",
        "lacks_capacity",
        "substantial_difficulty",
        "appropriate_person",
    ),
    "findings": ("findings", "risk_assessment"),
    "plan": ("conference_on", "conference_attendees", "safeguarding_plan"),
    "review": ("review_on", "review_notes"),
    "outcome": ("risk_assessment_result", "action_taken", "risk_outcome", "outcomes_achieved"),
}


class RolledBack(Exception):
    pass


def snapshot() -> dict:
    concerns = sorted(
        (c.reference, c.person_id, c.status, str(c.received_at), tuple(c.abuse_types), c.location)
        for c in Concern.objects.all()
    )
    enquiries = sorted(
        (e.concern.reference, e.stage, e.kind, e.sam_id, e.enquiry_officer_id, str(e.closed_at), e.msp_asked)
        for e in Enquiry.objects.select_related("concern")
    )
    counts = {m.__name__: m.objects.count() for m in (ConcernTransition, EnquiryTransition, Relationship)}
    return {"concerns": concerns, "enquiries": enquiries, "counts": counts}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    saved = registered_seeders()
    for seeder in saved:
        unregister_demo_seeder(seeder.name)
    contexts = []
    register_demo_seeder("test-capture", lambda context: contexts.append(context) or {})
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with time_machine.travel(NOW, tick=False):
                call_command("seed_demo", people=PEOPLE, seed=SEED, stdout=StringIO())
                try:
                    with transaction.atomic():
                        seed_safeguarding(contexts[0])
                        first = snapshot()
                        raise RolledBack
                except RolledBack:
                    pass
                counts = seed_safeguarding(contexts[0])
            yield SimpleNamespace(
                first=first,
                second=snapshot(),
                counts=counts,
                context=contexts[0],
                registered={s.name for s in saved},
            )
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            unregister_demo_seeder("test-capture")
            for seeder in saved:
                register_demo_seeder(seeder.name, seeder.fn, seeder.order)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_a_council_without_a_safeguarding_team_is_given_one(db):
    council = OrganisationFactory(name="Westvale Borough Council", kind=Organisation.Kind.COUNCIL)
    partnership = Partnership(organisations={"westvale": council}, teams={})
    counts = seed_safeguarding(DemoContext(seed=1, people=0, plans=[], partnership=partnership, log=print))
    team = Team.objects.get(organisation=council, service_line=ServiceLine.SAFEGUARDING)
    assert team.name == "Westvale Safeguarding Adults Team" and counts == {"safeguarding teams": 1}
    assert set(team.memberships.values_list("role", flat=True)) == {
        Role.SAFEGUARDING_MANAGER,
        Role.ENQUIRY_OFFICER,
    }
    assert SafeguardingSettings.objects.get(organisation=council).decision_working_days == 2


def test_registered_with_seed_demo(world):
    assert "safeguarding" in world.registered


def test_the_same_seed_and_day_give_the_same_data(world, db):
    assert world.first == world.second


def test_two_years_of_concerns_in_realistic_mixes(world, db):
    concerns = Concern.objects.all()
    assert world.counts["concerns"] == concerns.count() >= round(PEOPLE * 0.15)
    assert world.counts["enquiries"] == Enquiry.objects.count()
    received = sorted(timezone.localdate(c.received_at) for c in concerns)
    assert (TODAY - received[0]).days > 600 and received[-1] == TODAY
    assert set(concerns.values_list("status", flat=True)) == set(ConcernStatus.values)
    decided = concerns.exclude(status=ConcernStatus.AWAITING_DECISION)
    nfa = decided.filter(status=ConcernStatus.NO_FURTHER_ACTION).count()
    assert 0.4 < nfa / decided.count() < 0.75  # most concerns do not need an enquiry
    types = {t for c in concerns for t in c.abuse_types}
    assert {AbuseType.NEGLECT, AbuseType.PHYSICAL, AbuseType.FINANCIAL, AbuseType.PSYCHOLOGICAL} <= types
    assert len(types) >= 7
    assert any(len(c.abuse_types) > 1 for c in concerns)
    assert len(set(concerns.values_list("location", flat=True))) >= 5
    assert set(concerns.values_list("source_of_risk", flat=True)) == set(SourceOfRisk.values)
    assert AllegedPerson.objects.filter(is_professional=True).exists()
    assert AllegedPerson.objects.filter(is_professional=False).exists()
    # Raised from the adult's record by their worker, and at the team's front door by others.
    assert concerns.filter(raised_by_role="Allocated worker").exists()
    assert concerns.filter(raised_by_name__startswith="PC ").exists()
    assert set(Enquiry.objects.values_list("stage", flat=True)) == set(EnquiryStage.values)
    assert set(Enquiry.objects.values_list("kind", flat=True)) == set(EnquiryKind.values)
    assert len(set(Enquiry.objects.exclude(msp_asked="").values_list("msp_asked", flat=True))) >= 3
    # Every record has the history row a service save would have made.
    assert Concern.history.count() == concerns.count()
    assert Enquiry.history.count() == Enquiry.objects.count()


def test_settings_and_teams(world, db):
    settings = dict(SafeguardingSettings.objects.values_list("organisation__name", "decision_working_days"))
    councils = Organisation.objects.filter(kind=Organisation.Kind.COUNCIL).values_list("name", flat=True)
    assert set(settings) == set(councils) and sorted(settings.values()) == [2, 3]
    assert set(Concern.objects.values_list("team__organisation__name", flat=True)) == set(councils)


def test_todays_queue_has_one_overdue_and_one_due_today(world, db, frozen):
    sam = world.context.partnership.demo_users[Role.SAFEGUARDING_MANAGER]
    waiting = Concern.objects.filter(status=ConcernStatus.AWAITING_DECISION)
    bands = sorted(time_left(c.decision_due_at, NOW).band for c in waiting)
    assert bands.count("overdue") == 1 and bands.count("due_today") == 1 and len(bands) >= 4
    home = waiting.filter(team__memberships__user=sam).distinct()
    assert home.count() == 4
    for concern in waiting:
        assert concern.decided_at is None and concern.decided_by is None and concern.has_care_needs is None
        assert concern.received_at <= NOW
    # The demo practitioner raised one about someone on their caseload.
    practitioner = world.context.partnership.demo_users[Role.PRACTITIONER]
    assert waiting.filter(created_by=practitioner, person=world.context.plans[1].person).exists()


def test_closed_since_the_checklist_have_every_element_and_pass_the_services_rules(world, db, frozen):
    checklist_from = TODAY - datetime.timedelta(days=CHECKLIST_FROM_DAYS)
    closed = Enquiry.objects.filter(stage=EnquiryStage.CLOSED).select_related("concern")
    recent = [e for e in closed if timezone.localdate(e.closed_at) >= checklist_from]
    assert len(recent) >= 3
    for enquiry in recent:
        assert missing_elements(enquiry.pk) == [], enquiry.pk
        assert enquiry.transitions.get(event="closed").reason == ""
    complete = set(closed.filter(ALL_RECORDED).values_list("pk", flat=True))
    for enquiry in closed:
        if enquiry.pk in complete:
            assert_step_rules_hold(enquiry)
    # Some closed before the checklist lack elements, so the quality view shows the gaps.
    gaps = [e for e in closed if e.pk not in complete]
    assert gaps, "expected some enquiries closed before the checklist with elements missing"
    for enquiry in gaps:
        assert timezone.localdate(enquiry.closed_at) < checklist_from
        assert enquiry.transitions.get(event="closed").reason == LEGACY_REASON


def assert_step_rules_hold(enquiry):
    """Each recorded step, put through the rule the service applies, gives back what is saved."""
    for step, fields in STEP_FIELDS.items():
        data = {f: getattr(enquiry, f) for f in fields}
        if step == "msp":
            data["advocate"] = enquiry.advocate
        values = STEP_RULES[step](enquiry, data)
        assert {f: getattr(enquiry, f) for f in values} == values, (enquiry.pk, step)


def test_statuses_stages_and_transitions_agree(world, db, frozen):
    for concern in Concern.objects.select_related("enquiry").prefetch_related("transitions"):
        events = list(concern.transitions.all())
        assert events[0].event == "received" and events[-1].to_status == concern.status
        assert [e.at for e in events] == sorted(e.at for e in events)
        enquiry = getattr(concern, "enquiry", None)
        if concern.status == ConcernStatus.AWAITING_DECISION:
            assert enquiry is None and len(events) == 1
            continue
        assert concern.received_at < concern.decided_at <= NOW
        criteria = (concern.has_care_needs, concern.at_risk_of_abuse, concern.unable_to_protect)
        assert events[-1].details["late"] == (concern.decided_at > concern.decision_due_at)
        if concern.status == ConcernStatus.NO_FURTHER_ACTION:
            assert (
                enquiry is None and concern.action_instead and concern.decision_reason and False in criteria
            )
        elif concern.status == ConcernStatus.S42_ENQUIRY:
            assert enquiry.kind == EnquiryKind.S42 and criteria == (True, True, True)
        else:
            assert enquiry.kind == EnquiryKind.OTHER and concern.decision_reason
    for enquiry in Enquiry.objects.select_related("concern").prefetch_related("transitions"):
        assert_stage_agrees(enquiry)


def assert_stage_agrees(enquiry):
    events = list(enquiry.transitions.all())
    assert events[0].event == "started" and events[0].at == enquiry.started_at == enquiry.concern.decided_at
    assert events[-1].to_stage == enquiry.stage
    for before, after in zip(events, events[1:], strict=False):
        assert after.from_stage == before.to_stage and before.at <= after.at <= NOW
        assert STAGE_ORDER.index(after.to_stage) >= STAGE_ORDER.index(after.from_stage)
    assert enquiry.version == len(events)
    assert enquiry.history.get().version == enquiry.version
    stage = enquiry.stage
    assert (
        (enquiry.closed_at is not None)
        == (stage == EnquiryStage.CLOSED)
        == (enquiry.closed_by_id is not None)
    )
    if stage == EnquiryStage.CLOSED:
        assert enquiry.closed_by_id == enquiry.sam_id
        return
    assert (enquiry.strategy_on is None) == (stage == EnquiryStage.STRATEGY)
    assert (enquiry.conference_on is not None) == (stage in (EnquiryStage.PLANNING, EnquiryStage.REVIEW))
    assert (enquiry.review_on is not None) == (stage == EnquiryStage.REVIEW)
    for day in (enquiry.strategy_on, enquiry.conference_on, enquiry.review_on):
        assert day is None or timezone.localdate(enquiry.concern.received_at) <= day <= TODAY


def test_relationships_and_permissions_follow_the_records(world, db, frozen):
    """The team holds the adult while the concern is open; the SAM and the officer while the
    enquiry is open; the permission rows are exactly those of the open relationships."""
    safeguarding = Relationship.objects.filter(kind="safeguarding")
    active = {(r.source, r.team_id, r.user_id) for r in safeguarding.filter(ended_at__isnull=True)}
    expected = set()
    for concern in Concern.objects.select_related("enquiry"):
        enquiry = getattr(concern, "enquiry", None)
        still_open = concern.status == ConcernStatus.AWAITING_DECISION or (
            enquiry is not None and enquiry.stage != EnquiryStage.CLOSED
        )
        if still_open:
            expected.add((f"concern:{concern.pk}", concern.team_id, None))
        if enquiry is not None and enquiry.stage != EnquiryStage.CLOSED:
            for user_id in {enquiry.sam_id, enquiry.enquiry_officer_id} - {None}:
                expected.add((f"enquiry:{enquiry.pk}", None, user_id))
    assert active == expected
    assert safeguarding.filter(ended_at__isnull=False).count() > len(expected)  # closed ones kept, ended
    assert not Relationship.objects.filter(source__startswith="demo:safeguarding:", ended_at__isnull=True)
    held = {(r.team.group_id if r.team_id else r.user_id, r.person_id, bool(r.team_id)) for r in
            safeguarding.filter(ended_at__isnull=True).select_related("team")}  # fmt: skip
    groups = {g for g, _, is_team in held if is_team}
    users = set(Enquiry.objects.values_list("sam_id", flat=True)) | set(
        Enquiry.objects.exclude(enquiry_officer=None).values_list("enquiry_officer_id", flat=True)
    )
    granted = {
        (g, p, True)
        for g, p in PersonGroupObjectPermission.objects.filter(
            group_id__in=groups, permission__codename=CHANGE_PERSON
        ).values_list("group_id", "content_object_id")
    } | {
        (u, p, False)
        for u, p in PersonUserObjectPermission.objects.filter(
            user_id__in=users, permission__codename=CHANGE_PERSON
        ).values_list("user_id", "content_object_id")
    }
    assert granted == held
    # So the officer can work on each open enquiry through the ordinary access check.
    for enquiry in Enquiry.objects.exclude(stage=EnquiryStage.CLOSED).exclude(enquiry_officer=None):
        loaded, access = get_enquiry_for_user(
            enquiry.enquiry_officer, enquiry.pk, perm=CHANGE_PERSON, what="demo test"
        )
        assert loaded.pk == enquiry.pk and access.basis == "relationship"


def test_every_permission_row_stands_for_an_open_relationship(world, db):
    """Across the whole demo: two rows (view, change) per holder and person with an open
    relationship, and none for relationships that ended."""
    active = Relationship.objects.filter(ended_at__isnull=True)
    team_pairs = active.filter(team__isnull=False).values("team_id", "person_id").distinct().count()
    user_pairs = active.filter(user__isnull=False).values("user_id", "person_id").distinct().count()
    assert PersonGroupObjectPermission.objects.count() == 2 * team_pairs
    assert PersonUserObjectPermission.objects.count() == 2 * user_pairs


def test_the_demo_logins_have_work_at_every_stage(world, db, frozen, client):
    sam = world.context.partnership.demo_users[Role.SAFEGUARDING_MANAGER]
    officer = world.context.partnership.demo_users[Role.ENQUIRY_OFFICER]
    assert sam.email == DEMO_LOGIN_EMAILS[Role.SAFEGUARDING_MANAGER]
    mine = Enquiry.objects.filter(sam=sam).exclude(stage=EnquiryStage.CLOSED)
    assert {EnquiryStage.STRATEGY, EnquiryStage.ENQUIRY, EnquiryStage.PLANNING, EnquiryStage.REVIEW} <= set(
        mine.values_list("stage", flat=True)
    )
    assert mine.filter(enquiry_officer=officer).count() >= 5
    assert mine.filter(enquiry_officer=None).exists()  # one still to name an officer for
    assert mine.filter(review_on=None, started_at__lt=NOW - datetime.timedelta(days=28)).exists()
    client.force_login(sam)
    queue = client.get(reverse("safeguarding:queue"))
    assert queue.status_code == 200
    assert queue.context["concern_counts"] == {"waiting": 4, "due_today": 1, "overdue": 1}
    start = (TODAY - datetime.timedelta(days=729)).isoformat().split("-")
    quality = client.get(
        reverse("safeguarding:quality"),
        {"start_day": start[2], "start_month": start[1], "start_year": start[0], "end_day": TODAY.day,
         "end_month": TODAY.month, "end_year": TODAY.year},
    )  # fmt: skip
    figures = quality.context["figures"]
    assert figures["total"] == Enquiry.objects.filter(stage=EnquiryStage.CLOSED).count()
    assert 0 < figures["all"].recorded < figures["total"]  # the gaps before the checklist show
