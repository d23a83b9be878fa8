"""Governance demo data: a partnership action plan, a joint risk register and 12 months of
indicator values (DESIGN.md section 8). Registered with `cases.demo` and run inside
`manage.py seed_demo`, after the other apps' seeders.

- The action plan paraphrases the review recommendations of seed 002 (Bromley, 2023); the
  risks paraphrase seed 000 s4.3 (Barking and Dagenham, 2017) and the Care Act risk of seed
  003. Leads and owners are fictional. Written through the services, so the demo has the
  same transition and history rows as real use.
- Status checks: the core demo records one employment and accommodation status per case,
  drawn evenly from every category, soon after the case opened, so most people have no status
  in the last 12 months and the shares are unlike any service's. This seeder adds a status
  recorded at reviews every three to five months for people with a case open in the last
  14 months, drawn from believable shares, so the indicators come out near seed 003's
  (13.4% in paid employment, 81.4% living independently).
- Indicator values: the 12 complete months before today, computed by the same service the
  monthly task uses.

Deterministic for a seed and a day: its own generators, dates counted back from today.
"""

import datetime

from django.utils import timezone

from accounts.models import Role
from cases.demo.registry import DemoContext
from cases.models import AccommodationStatus, Case, EmploymentStatus, StatusCheck

from . import services
from .models import ActionPlan
from .selectors_indicators import months_shown

BATCH_SIZE = 2000
STATUS_WINDOW_DAYS = 430
EMPLOYMENT_SHARES = [
    (EmploymentStatus.PAID_EMPLOYMENT, 14),
    (EmploymentStatus.VOLUNTARY, 5),
    (EmploymentStatus.SEEKING, 14),
    (EmploymentStatus.NOT_SEEKING, 45),
    (EmploymentStatus.STUDENT, 4),
    (EmploymentStatus.RETIRED, 6),
    (EmploymentStatus.NOT_KNOWN, 12),
]
ACCOMMODATION_SHARES = [
    (AccommodationStatus.OWNER_OR_TENANT, 58),
    (AccommodationStatus.WITH_FAMILY, 16),
    (AccommodationStatus.SUPPORTED, 11),
    (AccommodationStatus.RESIDENTIAL, 4),
    (AccommodationStatus.HOSPITAL, 3),
    (AccommodationStatus.HOMELESS, 2),
    (AccommodationStatus.TEMPORARY, 3),
    (AccommodationStatus.NOT_KNOWN, 3),
]
STAYS_THE_SAME = 0.85  # chance a status is unchanged at the next review

PLAN_TITLE = "Community mental health partnership review: action plan"
PLAN_OWNER = "Community Mental Health Partnership Board"

# (workstream, recommendation, [(action, lead, start days ago, end in days, status,
#   [(days ago, update)], completed days ago or None)])
REC_SYSTEMS = "Join up the partners' information and case recording systems"
REC_TRAINING = (
    "Care Act training for practitioners who are not social workers and for team managers, "
    "including Making Safeguarding Personal"
)
REC_PINCH = "Senior officers of both partners find and remove pinch-points in the system"
REC_PATHWAYS = (
    "Written guidance on the care pathways between the partners: before and after a referral, "
    "and when tasks and responsibilities transfer"
)
REC_WORKFORCE = "Support staff through the changes in structure and culture"
REC_INTENT = "Agree and publish a joint statement of intent for the partnership"
REC_OOH = "Review the out-of-hours response arrangements"

ACTIONS = [
    (
        "Record sharing, performance and IT",
        REC_SYSTEMS,
        "Give the council's head of safeguarding a line of sight of cases of concern referred to the trust",
        "Rowan Marsh",
        480,
        75,
        "on_track",
        [
            (120, "Quarterly safeguarding data submitted to the council."),
            (45, "Council safeguarding lead now sits on the trust's safeguarding committee."),
            (12, "Gap analysis of the assurance reports under way; findings to the next board."),
        ],
        None,
    ),
    (
        "Record sharing, performance and IT",
        REC_SYSTEMS,
        "Record every Care Act assessment, review, carer's assessment and safeguarding enquiry in one "
        "system, and share it with the council for performance reporting",
        "Sunita Fenwick",
        480,
        130,
        "on_track",
        [
            (90, "Changes to the statutory review form agreed with the senior AMHP."),
            (30, "Monthly performance report in place and presented to the steering group."),
        ],
        None,
    ),
    (
        "Record sharing, performance and IT",
        REC_SYSTEMS,
        "Give seconded social workers the same access to the council's intranet and resources as "
        "council staff",
        "Gareth Jones-Bell",
        720,
        -330,
        "completed",
        [(340, "In place; checked in supervision by the head of mental health social work.")],
        335,
    ),
    (
        "Training",
        REC_TRAINING,
        "Open the council's e-learning to trust staff and commission Care Act training for other professions",
        "Nia Green",
        540,
        -240,
        "completed",
        [(250, "E-learning links available to trust staff and training information circulated.")],
        245,
    ),
    (
        "Training",
        REC_TRAINING,
        "Check the trust's safeguarding training meets the council's requirements for enquiry officers "
        "and safeguarding adults managers",
        "Gareth Jones-Bell",
        540,
        -240,
        "completed",
        [(260, "Confirmed: council training for safeguarding roles is open to trust staff.")],
        255,
    ),
    (
        "Culture change and staff roles",
        REC_PINCH,
        "Set up a task group to review pathways, including safeguarding referrals, an escalation policy "
        "and a joint Care Act assessment framework",
        "Dana Hughes",
        410,
        95,
        "on_track",
        [
            (70, "Task group in place with members from both partners."),
            (20, "Safeguarding referral process between the partners reviewed."),
        ],
        None,
    ),
    (
        "Steering group reform and performance",
        REC_PATHWAYS,
        "Review and update the joint policies and procedures",
        "Harriet Jalloh",
        350,
        -20,
        "on_track",
        [(60, "Task group will write the guidance as each pathway is reviewed.")],
        None,
    ),
    (
        "Steering group reform and performance",
        REC_PATHWAYS,
        "Publish guidance for the public on which services are available and how to reach them",
        "Harriet Jalloh",
        350,
        45,
        "at_risk",
        [(25, "Draft delayed: waiting for the pathway review to finish.")],
        None,
    ),
    (
        "Steering group reform and performance",
        REC_PATHWAYS,
        "Publish a staff-friendly version of the partnership agreement with clear outcomes",
        "Harriet Jalloh and Nia Green",
        350,
        150,
        "on_track",
        [],
        None,
    ),
    (
        "Steering group reform and performance",
        REC_PATHWAYS,
        "Write the operating procedures for the mental health hub",
        "Harriet Jalloh",
        480,
        -200,
        "completed",
        [(230, "Hub steering group in place; operating policy in its final draft.")],
        205,
    ),
    (
        "Culture change and staff roles",
        REC_WORKFORCE,
        "Commission workshops to build shared values, beliefs and agreed behaviours across both teams",
        "Nia Green and Harriet Jalloh",
        420,
        -40,
        "at_risk",
        [(50, "Funding not yet found; the board to agree the way forward.")],
        None,
    ),
    (
        "Steering group reform and performance",
        REC_INTENT,
        "Write and agree a statement of commitment to the change programme",
        "Sam Rafiq",
        560,
        -420,
        "completed",
        [(425, "Published and shared with staff.")],
        425,
    ),
    (
        "Steering group reform and performance",
        REC_INTENT,
        "Replace the contract monitoring group with a partnership board",
        "Sam Rafiq and Lin Rowe",
        520,
        -420,
        "completed",
        [(430, "Board in place and terms of reference agreed.")],
        428,
    ),
    (
        "Steering group reform and performance",
        REC_INTENT,
        "Agree how people who use services and carers will shape the partnership",
        "Sam Rafiq and Lin Rowe",
        300,
        30,
        "at_risk",
        [
            (
                40,
                "Engagement plan objectives to be agreed by the board; the trust's involvement network "
                "to lead.",
            )
        ],
        None,
    ),
    (
        "Steering group reform and performance",
        REC_OOH,
        "Check the actions agreed at the last out-of-hours review are in place",
        "Head of AMHP service",
        360,
        -240,
        "completed",
        [(245, "Checked: no changes needed at present.")],
        245,
    ),
]

# (risk, cause and effect, owner, first (c, l), days ago first assessed, [(days ago, c, l, note)],
#  next review in days (negative: overdue), mitigations)
RISKS = [
    (
        "Not enough AMHPs to cover the rota and meet Mental Health Act duties",
        "Vacancies and approvals lapsing leave gaps on the rota; assessments are delayed and the council "
        "cannot meet its statutory duty.",
        "Head of AMHP service",
        (5, 4),
        600,
        [
            (400, 5, 3, "Incentive scheme agreed; two locum AMHPs added."),
            (90, 4, 3, "Two trainees approved."),
        ],
        30,
        "AMHP incentive scheme; trainee AMHP programme; locum cover for gaps; weekly rota check by the lead.",
    ),
    (
        "People fall between services while management arrangements change",
        "The most vulnerable people lose continuity of care during the transition.",
        "Director of adult social care",
        (4, 3),
        560,
        [(200, 4, 2, "Joint transition plan in place; weekly review of open cases.")],
        60,
        "Joint transition plan; named worker for each open case; weekly joint review of high-risk cases.",
    ),
    (
        "Staff cannot reach both partners' case recording systems",
        "Data and reports are incomplete, so the council cannot see whether duties are met.",
        "Head of mental health social work",
        (3, 4),
        560,
        [(300, 3, 3, "Equipment issued to most staff."), (60, 3, 2, "All seconded staff have access.")],
        90,
        "Equipment and accounts for every seconded worker; monthly check of recording in both systems.",
    ),
    (
        "Partners plan services alone, leaving gaps for people, carers and the community",
        "Unilateral service planning creates gaps in provision.",
        "Partnership board chair",
        (4, 3),
        520,
        [(150, 4, 3, "Joint planning group meets; no change in score yet.")],
        -15,
        "Joint planning group; changes to services agreed at the partnership board.",
    ),
    (
        "Service changes lengthen waiting lists and make caseloads unsustainable",
        "Redesignating social care staff affects care coordination and risk management.",
        "Assistant director, mental health",
        (4, 4),
        480,
        [(180, 4, 4, "Waiting list still growing; workforce plan drafted.")],
        -40,
        "Joint workforce plan; weekly waiting list review; agency cover agreed for the worst hit team.",
    ),
    (
        "Care Act duties not met: assessments, eligibility and reviews not recorded",
        "The council remains non-compliant with the Care Act and cannot show its deliverables.",
        "Director of adult social care",
        (5, 3),
        640,
        [(420, 4, 3, "Recording training delivered."), (120, 3, 2, "Audit shows recording improved.")],
        120,
        "Care Act recording in the case system; quarterly case file audit; training for all practitioners.",
    ),
    (
        "Care Act eligible work transferred under the agreement overwhelms the social work teams",
        "Accepting Care Act referrals could sharply increase workload (seed 003 logged this as extreme).",
        "Head of social work, older people and adults",
        (4, 4),
        700,
        [(620, 2, 3, "Monitoring since transfer shows the impact has not been realised.")],
        150,
        "Monthly monitoring of Care Act allocation requests; workforce planning informed by the figures.",
    ),
    (
        "Reliance on locum social workers",
        "Temporary staffing is expensive and breaks continuity for people.",
        "Head of mental health social work",
        (3, 5),
        500,
        [(210, 3, 4, "Three permanent posts filled.")],
        45,
        "Recruitment campaign; market supplement for hard-to-fill posts; monthly locum spend report.",
    ),
    (
        "Staff morale falls with the move of base",
        "Lower morale could worsen shortages, recruitment and retention for both partners.",
        "Partnership board chair",
        (3, 3),
        450,
        [(160, 3, 3, "Staff survey shows no change; engagement sessions continue.")],
        20,
        "Communications plan; staff engagement sessions; flexible working policy.",
    ),
    (
        "Staff records not moved correctly to the council's HR system",
        "Leave, sickness and appraisal records could be lost in the transfer.",
        "HR business partner",
        (2, 3),
        420,
        [(300, 2, 1, "Records reconciled after the transfer.")],
        200,
        "Reconciliation of every record after transfer; managers check their team's records.",
    ),
]


def seed_governance(context: DemoContext) -> dict[str, int]:
    today = timezone.localdate()
    users = context.partnership.demo_users
    by = users.get(Role.COMMISSIONER) or users.get(Role.ADMINISTRATOR)
    if by is None:
        return {}
    plan_items, updates = _action_plan(today, by, users.get(Role.TEAM_MANAGER))
    risks, scorings = _risks(today, by)
    checks = _status_checks(context, today)
    values = 0
    for month in reversed(months_shown(today)):
        values += len(services.record_indicator_values(month=month, replace=True))
    return {
        "action plan items": plan_items,
        "action updates": updates,
        "risks": risks,
        "risk scorings": scorings,
        "status checks": checks,
        "indicator values": values,
    }


def _ago(today, days) -> datetime.date:
    return today - datetime.timedelta(days=days)


def _action_plan(today, by, manager) -> tuple[int, int]:
    if ActionPlan.objects.filter(title=PLAN_TITLE).exists():
        return 0, 0
    plan = services.create_plan(
        title=PLAN_TITLE,
        owner=PLAN_OWNER,
        description="The review's recommendations, divided between four task and finish groups and overseen "
        "by the partnership board.",
        by=by,
    )
    count_updates = 0
    for number, (stream, recommendation, action, lead, start, end, status, updates, completed) in enumerate(
        ACTIONS
    ):
        item = services.add_action(
            plan=plan,
            workstream=stream,
            recommendation=recommendation,
            action=action,
            lead_name=lead,
            lead_user=manager if number == 5 else None,
            starts_on=_ago(today, start),
            ends_on=today + datetime.timedelta(days=end),
            status="at_risk" if status == "at_risk" else "on_track",
            by=by,
        )
        for days, text in sorted(updates, reverse=True):
            if completed is not None and days == completed:
                continue  # written with the completion below
            services.add_action_update(item_id=item.pk, written_on=_ago(today, days), text=text, by=by)
            count_updates += 1
        if completed is not None:
            note = next((text for days, text in updates if days == completed), "")
            services.complete_action(item_id=item.pk, completed_on=_ago(today, completed), note=note, by=by)
            count_updates += bool(note)
    return len(ACTIONS), count_updates


def _risks(today, by) -> tuple[int, int]:
    from .models import Risk

    if Risk.objects.exists():
        return 0, 0
    scorings = 0
    for title, description, owner, (c, lik), first, reviews, review_in, mitigations in RISKS:
        first_on = _ago(today, first)
        later = sorted(reviews, reverse=True)
        risk = services.add_risk(
            title=title,
            description=description,
            owner_name=owner,
            consequence=c,
            likelihood=lik,
            assessed_on=first_on,
            mitigations=mitigations,
            review_on=_ago(today, later[0][0]) if later else today + datetime.timedelta(days=review_in),
            by=by,
        )
        scorings += 1
        for position, (days, rc, rl, note) in enumerate(later):
            last = position == len(later) - 1
            next_review = (
                today + datetime.timedelta(days=review_in) if last else _ago(today, later[position + 1][0])
            )
            if next_review <= _ago(today, days):
                next_review = _ago(today, days) + datetime.timedelta(days=30)
            services.rescore_risk(
                risk_id=risk.pk,
                consequence=rc,
                likelihood=rl,
                assessed_on=_ago(today, days),
                note=note,
                next_review_on=next_review,
                by=by,
            )
            scorings += 1
    return len(RISKS), scorings


def _draw(rng, shares):
    values, weights = zip(*shares, strict=True)
    return rng.choices(values, weights)[0]


def _status_checks(context: DemoContext, today) -> int:
    """Statuses recorded at reviews, every three to five months, for people with a case open
    in the last 14 months (see the module docstring for why)."""
    rng = context.rng("governance:status")
    window_start = timezone.make_aware(
        datetime.datetime.combine(_ago(today, STATUS_WINDOW_DAYS), datetime.time.min)
    )
    cases = (
        Case.objects.filter(worker__isnull=False)
        .exclude(closed_at__lt=window_start)
        .order_by("person_id", "opened_at", "pk")
        .values_list("person_id", "worker_id", "opened_at", "closed_at")
    )
    rows, seen = [], set()
    for person_id, worker_id, opened_at, closed_at in cases:
        if person_id in seen:
            continue
        seen.add(person_id)
        day = max(timezone.localdate(opened_at), _ago(today, STATUS_WINDOW_DAYS)) + datetime.timedelta(
            days=rng.randint(5, 60)
        )
        last = min(timezone.localdate(closed_at), today) if closed_at else today
        employment, accommodation = _draw(rng, EMPLOYMENT_SHARES), _draw(rng, ACCOMMODATION_SHARES)
        while day <= last:
            rows.append(
                StatusCheck(
                    person_id=person_id,
                    employment=employment,
                    accommodation=accommodation,
                    checked_on=day,
                    recorded_by_id=worker_id,
                )
            )
            day += datetime.timedelta(days=rng.randint(90, 150))
            if rng.random() > STAYS_THE_SAME:
                employment = _draw(rng, EMPLOYMENT_SHARES)
            if rng.random() > STAYS_THE_SAME:
                accommodation = _draw(rng, ACCOMMODATION_SHARES)
    StatusCheck.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    return len(rows)
