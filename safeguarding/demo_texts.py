"""The mixes and words of the safeguarding demo data (safeguarding.demo).

Weights are per hundred, shaped on the Safeguarding Adults Collection's national picture
for England (neglect and physical abuse the commonest types; most risk in the adult's own
home; most risk from someone known to them or a service provider; about a third of
concerns leading to a section 42 enquiry) and on a mental health population.
"""

from .models import (
    AbuseType,
    MspAsked,
    OutcomesAchieved,
    PrimarySupportReason,
    RiskAssessmentResult,
    RiskLocation,
    RiskOutcome,
    SourceOfRisk,
    YesNoDontKnow,
)

A, L, P, S = AbuseType, RiskLocation, PrimarySupportReason, SourceOfRisk

# Where it happened, for older people (True) and working-age adults (False).
LOCATIONS = {
    True: {
        L.OWN_HOME: 44,
        L.CARE_HOME_RESIDENTIAL: 16,
        L.CARE_HOME_NURSING: 12,
        L.COMMUNITY: 6,
        L.COMMUNITY_SERVICE: 5,
        L.HOSPITAL_MENTAL_HEALTH: 6,
        L.HOSPITAL_ACUTE: 4,
        L.HOSPITAL_COMMUNITY: 2,
        L.OTHER: 5,
    },
    False: {
        L.OWN_HOME: 52,
        L.COMMUNITY: 16,
        L.COMMUNITY_SERVICE: 8,
        L.HOSPITAL_MENTAL_HEALTH: 10,
        L.HOSPITAL_ACUTE: 2,
        L.CARE_HOME_RESIDENTIAL: 3,
        L.HOSPITAL_COMMUNITY: 1,
        L.OTHER: 8,
    },
}
# The source of risk, by where it happened.
PROVIDED = {
    L.CARE_HOME_RESIDENTIAL,
    L.CARE_HOME_NURSING,
    L.COMMUNITY_SERVICE,
    L.HOSPITAL_ACUTE,
    L.HOSPITAL_MENTAL_HEALTH,
    L.HOSPITAL_COMMUNITY,
}
SOURCES = {
    "provided": {S.SERVICE_PROVIDER: 75, S.KNOWN: 20, S.UNKNOWN: 5},
    "home": {S.KNOWN: 80, S.SERVICE_PROVIDER: 15, S.UNKNOWN: 5},
    "elsewhere": {S.KNOWN: 50, S.UNKNOWN: 40, S.SERVICE_PROVIDER: 10},
}
# Types of abuse, by the source of risk.
ABUSE = {
    S.SERVICE_PROVIDER: {
        A.NEGLECT: 40,
        A.ORGANISATIONAL: 15,
        A.PHYSICAL: 15,
        A.PSYCHOLOGICAL: 10,
        A.FINANCIAL: 8,
        A.SEXUAL: 4,
        A.DISCRIMINATORY: 2,
    },
    S.KNOWN: {
        A.FINANCIAL: 20,
        A.PSYCHOLOGICAL: 18,
        A.PHYSICAL: 16,
        A.DOMESTIC: 14,
        A.NEGLECT: 12,
        A.SELF_NEGLECT: 10,
        A.SEXUAL: 4,
        A.SEXUAL_EXPLOITATION: 2,
        A.MODERN_SLAVERY: 1,
        A.DISCRIMINATORY: 1,
    },
    S.UNKNOWN: {
        A.FINANCIAL: 34,
        A.PHYSICAL: 18,
        A.SEXUAL: 12,
        A.PSYCHOLOGICAL: 12,
        A.SEXUAL_EXPLOITATION: 9,
        A.MODERN_SLAVERY: 7,
        A.DISCRIMINATORY: 8,
    },
}
HOW_MANY_TYPES = {1: 70, 2: 25, 3: 5}
SUPPORT = {
    True: {P.MENTAL_HEALTH: 55, P.MEMORY_COGNITION: 25, P.PHYSICAL: 12, P.SENSORY: 3, P.NOT_KNOWN: 5},
    False: {P.MENTAL_HEALTH: 80, P.LEARNING_DISABILITY: 5, P.SOCIAL: 5, P.PHYSICAL: 4, P.NOT_KNOWN: 6},
}
CONSENT = {"consents": 60, "does_not_consent": 8, "not_asked": 17, "cannot_consent": 15}
DECISIONS = {"s42": 35, "other": 7, "nfa": 58}
# Working days from receipt to the decision (the last three are late at two working days).
DECISION_DELAY = {0: 40, 1: 35, 2: 17, 3: 4, 4: 2, 5: 2}
MSP = {
    MspAsked.ASKED_EXPRESSED: 72,
    MspAsked.ASKED_NOT_EXPRESSED: 12,
    MspAsked.NOT_ASKED: 10,
    MspAsked.DONT_KNOW: 6,
}
LACKS_CAPACITY = {YesNoDontKnow.YES: 25, YesNoDontKnow.NO: 65, YesNoDontKnow.DONT_KNOW: 10}
# SAC SG2c and SG2e: most concluded enquiries find a risk and act on it; where a risk was
# identified it was reduced or removed in nearly nine in ten (NHS Digital, Safeguarding
# Adults 2018-19: 89.0%), and it remained more often where no action was taken.
RISK_FOUND = {
    RiskAssessmentResult.IDENTIFIED: 72,
    RiskAssessmentResult.INCONCLUSIVE: 9,
    RiskAssessmentResult.NOT_IDENTIFIED: 13,
    RiskAssessmentResult.CEASED: 6,
}
ACTION_TAKEN_SHARE = {
    RiskAssessmentResult.IDENTIFIED: 0.9,
    RiskAssessmentResult.INCONCLUSIVE: 0.6,
    RiskAssessmentResult.NOT_IDENTIFIED: 0.3,
    RiskAssessmentResult.CEASED: 0.0,  # the SAC counts a ceased enquiry only with no action taken
}
RISK = {  # by whether action was taken
    True: {RiskOutcome.REDUCED: 64, RiskOutcome.REMOVED: 27, RiskOutcome.REMAINS: 9},
    False: {RiskOutcome.REMAINS: 45, RiskOutcome.REDUCED: 35, RiskOutcome.REMOVED: 20},
}
ACHIEVED = {OutcomesAchieved.FULLY: 65, OutcomesAchieved.PARTIALLY: 29, OutcomesAchieved.NOT_ACHIEVED: 6}
# Elements an enquiry closed before the checklist may lack, by how often seed 000 found them missing.
GAPS = {
    "msp": 5,
    "capacity": 4,
    "advocacy": 3,
    "review": 4,
    "outcome": 3,
    "ongoing_risk": 4,
    "plan": 2,
    "enquiry_officer": 2,
    "strategy": 2,
    "risk_assessment": 1,
}
# Days between one step and the next (then the next working day): most enquiries have their
# review within the 28 days the queue allows (safeguarding.selectors.queue.REVIEW_DUE_DAYS).
STEP_DAYS = {
    "strategy": (0, 3),
    "msp": (0, 4),
    "findings": (4, 10),
    "plan": (1, 5),
    "review": (4, 10),
    "outcome": (0, 3),
    "close": (1, 7),
}

# Who raised it from outside: (their role or relationship, where it came from), with
# {council}, {home} and {gp} filled in.
RAISERS = {
    "police": ("Police officer", "{council} Police"),
    "care_home": ("Registered manager", "{home}"),
    "ward": ("Ward manager", "Northshire and Eastmere NHS Foundation Trust"),
    "gp": ("GP", "{gp}"),
    "family": ("Daughter", "Member of the public"),
    "neighbour": ("Neighbour", "Member of the public"),
    "ambulance": ("Paramedic", "Regional Ambulance Service"),
    "housing": ("Housing officer", "{council} Housing"),
    "bank": ("Fraud team", "High street bank"),
    "homecare": ("Care coordinator", "Home care agency"),
}
RAISER_WEIGHTS = {
    "police": 20,
    "care_home": 14,
    "ward": 10,
    "gp": 10,
    "family": 10,
    "neighbour": 5,
    "ambulance": 8,
    "housing": 6,
    "bank": 4,
    "homecare": 8,
}

DETAILS = {
    A.PHYSICAL: "Bruising to both forearms seen at a visit; says they were grabbed, will not say by whom.",
    A.SEXUAL: "Disclosed unwanted sexual touching; distressed and asking for a worker of the same sex.",
    A.PSYCHOLOGICAL: "Threatened and shouted at daily; says they are frightened to go home.",
    A.FINANCIAL: "Bank card and PIN held by someone else; no money for food or the electricity meter.",
    A.DISCRIMINATORY: "Repeated racist abuse from others on the estate; has stopped going out.",
    A.ORGANISATIONAL: "Several residents left in wet beds until late morning; staffing short for weeks.",
    A.NEGLECT: "Missed medication and meals over several days; pressure sore not reported.",
    A.DOMESTIC: "Partner controls contact with family and money; police called to the address twice.",
    A.SEXUAL_EXPLOITATION: "Given alcohol and drugs in exchange for sex at a flat in town.",
    A.MODERN_SLAVERY: "Working long hours at a car wash for no pay; documents held by the 'boss'.",
    A.SELF_NEGLECT: "Home full of rubbish and without heating; refusing help; not eating properly.",
}
ACTIONS = (
    "Spoke to the adult alone; safety plan agreed and the duty worker will call tomorrow.",
    "Police informed; the adult is staying with a friend tonight.",
    "Provider asked to put extra staff on nights; GP asked to review today.",
    "Bank contacted to stop the card; food parcel delivered.",
    "None needed today: the adult is safe in hospital and ward staff are aware.",
)
VIEWS = (
    "Wants it to stop but does not want anyone in trouble.",
    "Wants to stay at home.",
    "Does not want the police involved.",
    "",
)
ALLEGED_SHARE = {S.KNOWN: 0.75, S.SERVICE_PROVIDER: 0.5, S.UNKNOWN: 0.15}
ALLEGED = {
    S.KNOWN: ("Son", "Nephew", "Partner", "Former partner", "Daughter", "Neighbour", "Lodger", "Friend"),
    S.SERVICE_PROVIDER: ("Care worker", "Agency support worker", "Night care assistant", "Home care worker"),
    S.UNKNOWN: ("Someone met online", "People at a flat in town"),
}
OTHER_ENQUIRY = "Below the section 42 threshold, but a proportionate enquiry will help the adult."
NFA = (
    (
        "The adult's needs do not stop them protecting themselves.",
        "Advice given; referred to the domestic abuse service with consent.",
    ),
    (
        "Risk already managed: the provider has acted and the family are satisfied.",
        "Care Act review brought forward; the provider's own investigation shared.",
    ),
    (
        "Not abuse or neglect: a one-off medication error with no harm, reported correctly.",
        "Provider asked to retrain staff; logged for the contracts team.",
    ),
    (
        "The adult has capacity, declines involvement, and no one else is at risk.",
        "Information about support given; GP and allocated worker informed.",
    ),
)
OUTCOMES = (
    "To feel safe at home.",
    "To keep control of my own money.",
    "For the staff to treat me with respect.",
    "To still see my family, but not be hurt.",
    "To stay where I live now.",
)
TEXT = {
    "attendees": "Enquiry officer; safeguarding adults manager; allocated worker; police; provider manager",
    "decisions": "Enquiry to proceed. Police to check for offences; the provider to share records within "
    "a week; the adult to be seen alone.",
    "findings": "Concern substantiated in part: the records and what the adult and staff said agree on "
    "the main events.",
    "risk": "Risk of further harm is moderate without the plan; no immediate danger. No other adult is "
    "thought to be at risk.",
    "conference": "The adult (or their advocate); enquiry officer; SAM; allocated worker; provider",
    "plan": "Built around what the adult wants: who does what and by when, reviewed in six weeks.",
    "review": "The plan is working; the adult says they feel safer and wants the enquiry to end.",
    "ongoing": "The allocated worker keeps the risk under review at each contact; the contracts team "
    "monitors the provider.",
    "alleged": "Lives nearby and visits most days.",
    "advocacy": "Independent Advocacy Service",
}
LEGACY_REASON = "Closed before the closure checklist applied"
