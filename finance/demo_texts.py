"""The mixes, prices and words of the finance demo data (finance.demo).

Weights are per hundred packages of a service line, shaped on seed 003 s3.2: working-age
adults mostly in residential care, supported living and domiciliary care; older people
mostly in nursing and residential homes and domiciliary care. Weekly prices are the ranges a
council in England pays (2026), in pounds; every provider name is fictional.
"""

from decimal import Decimal

from .models import CareType

C = CareType
AMH, OPMH = "AMH", "OPMH"

# Care types by service line (live-in care is placed by a script: four packages only).
CARE_TYPE_WEIGHTS = {
    AMH: {
        C.RESIDENTIAL: 18,
        C.NURSING: 4,
        C.DOMICILIARY: 20,
        C.SUPPORTED_LIVING: 22,
        C.DAY_CARE: 9,
        C.DIRECT_PAYMENTS: 16,
        C.OTHER: 11,
    },
    OPMH: {
        C.RESIDENTIAL: 24,
        C.NURSING: 26,
        C.DOMICILIARY: 28,
        C.SUPPORTED_LIVING: 3,
        C.DAY_CARE: 7,
        C.DIRECT_PAYMENTS: 6,
        C.OTHER: 6,
    },
}

# Weekly cost ranges (pounds).
WEEKLY_COST = {
    C.RESIDENTIAL: (700, 1100),
    C.NURSING: (900, 1400),
    C.DOMICILIARY: (150, 450),
    C.LIVE_IN: (1200, 1800),
    C.SUPPORTED_LIVING: (500, 1200),
    C.DAY_CARE: (40, 120),
    C.DIRECT_PAYMENTS: (150, 400),
    C.OTHER: (20, 100),
}
# Hourly rates for home care and daily rates for day care: these packages are costed as a
# unit rate times units a week, as the brokerage team agrees them.
HOURLY_RATES = (Decimal("21.50"), Decimal("23.80"), Decimal("25.40"), Decimal("27.10"))
DAY_RATES = (Decimal("42.00"), Decimal("48.50"), Decimal("55.00"), Decimal("58.75"))

PROVIDERS = {
    C.RESIDENTIAL: (
        "Larchfield House (Hollybank Care Ltd)",
        "The Maltings Residential Home",
        "Brookside Lodge",
        "Oakmere Court Care Home",
        "St Aidan's House",
        "Willowbrook Residential Care",
    ),
    C.NURSING: (
        "Cedar Grange Nursing Home",
        "Rosewood Nursing and Dementia Care",
        "Fenview Nursing Home (Meridian Healthcare)",
        "Abbotsfield Nursing Centre",
        "Highgate Park Nursing Home",
    ),
    C.DOMICILIARY: (
        "Northshire Home Support",
        "Kindred Care at Home",
        "Eastmere Community Care",
        "Brightday Homecare",
        "Castlegate Care Services",
    ),
    C.LIVE_IN: ("Hearthside Live-in Care", "Constant Companions Ltd"),
    C.SUPPORTED_LIVING: (
        "Harbour Supported Living",
        "Pathways Housing and Support",
        "Stepping Stones Recovery Homes",
        "Cornerstone Supported Living",
    ),
    C.DAY_CARE: ("Riverside Day Centre", "The Meeting Place", "Orchard Resource Centre"),
    C.DIRECT_PAYMENTS: ("Direct payment (managed account: Northshire Independent Living)",),
    C.OTHER: ("Northshire Telecare", "Recovery College", "Carefree Transport", "Safe at Home Equipment"),
}

NEEDS = {
    C.RESIDENTIAL: (
        "Needs 24-hour support with medication, meals and personal care; not safe to live alone.",
        "Supervision day and night after repeated crises at home; support to keep to a routine.",
        "Help with personal care, eating and drinking; disorientated at night.",
    ),
    C.NURSING: (
        "Nursing care for advanced dementia with physical health needs; two carers for moving.",
        "Nursing oversight of complex medication and pressure care; distressed behaviour at night.",
    ),
    C.DOMICILIARY: (
        "Morning and evening calls for personal care, meals and prompting medication.",
        "Support with washing, dressing and meals; shopping once a week.",
        "Daily calls to prompt medication and check on wellbeing.",
    ),
    C.LIVE_IN: (
        "Live-in carer to remain at home: needs help day and night and refuses a care home.",
        "Live-in support after a hospital discharge; night-time wandering and falls.",
    ),
    C.SUPPORTED_LIVING: (
        "Support to manage a tenancy, money and medication; 20 hours a week of core support.",
        "Shared supported living with staff on site; support to take part in the community.",
    ),
    C.DAY_CARE: (
        "Two days a week at a day centre: social contact and a break for the carer.",
        "Structured day activity to keep well and avoid isolation.",
    ),
    C.DIRECT_PAYMENTS: (
        "Direct payment to employ a personal assistant for support at home and outings.",
        "Direct payment for support to attend college and manage daily living.",
    ),
    C.OTHER: (
        "Telecare: pendant alarm and falls sensor with a monitoring service.",
        "Transport to the day centre and appointments.",
        "Recovery college courses and peer support.",
    ),
}

END_REASONS = (
    "Moved into a care home: the new placement is a separate package",
    "Needs now met by family with carer's support",
    "Moved out of the area",
    "Died",
    "Now fully funded by NHS continuing healthcare",
    "Needs reduced after recovery: no eligible needs remain",
    "Admitted to hospital for a long stay",
)
MOVE_ON_REASON = "Moved into a care home: the new placement is a separate package"

APPROVE_REASONS = (
    "Eligible needs (Care Act assessment); the least costly way of meeting them safely.",
    "Eligible needs confirmed; no suitable lower-cost option available in the locality.",
    "Meets the eligible needs in the care plan; reviewed against the market rate.",
)
CHANGE_REASONS = (
    "Approved at a lower weekly cost after negotiating the rate with the provider.",
    "Approved for fewer hours a week, with a review after six weeks.",
)
DECLINE_REASONS = (
    "The needs can be met by a lower-cost option: try enablement first.",
    "Not all the needs in the request are eligible; revise the plan and resubmit.",
    "The placement is out of area when a local one is available.",
)
WITHDRAW_REASONS = (
    "The person chose to arrange their own care.",
    "Needs met by a family arrangement before the package started.",
    "Admitted to hospital before the package started.",
)
REVIEW_NOTES = (
    "Still meeting the eligible needs; the person and family are happy with the support.",
    "Needs unchanged; the provider reports settled routines. Continue as agreed.",
    "Reviewed with the person and the provider: the support is right and good value.",
)
COST_CHANGE_REASONS = {
    "uplift": "Annual fee uplift agreed with the provider.",
    "more": "Reviewed: more support needed with personal care.",
    "less": "Reviewed: fewer hours needed after a period of recovery.",
    "future": "Agreed fee increase from the provider, starting next month.",
}

ADJUSTMENTS = {
    "inflation": "Inflation allowance for 2026/27 provider fee uplifts, not yet applied to packages.",
    "inflation_rest": "Inflation still to apply after the September uplifts were put on packages.",
    "backdating": "Backdating risk: a provider's claim for backdated fees under review.",
    "backdating_settled": "Backdating risk: second claim for backdated fees received.",
    "prior_year": "Prior-year liabilities: late invoices for 2025/26 placements.",
}

VARIATIONS = (
    "Schedule 3 (contributions) revised for {label}: contributions re-based on last year's "
    "outturn, and the staffing schedule adds the AP line.",
    "Schedule 1 (services) adds live-in care to the pooled services; contributions for "
    "{label} agreed, including an inflation allowance for provider fee uplifts.",
)
