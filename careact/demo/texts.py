"""Phrases for the Care Act demo records: fictional, varied, in a social worker's voice."""

IMPAIRMENTS_WORKING_AGE = (
    "Recurrent depressive disorder",
    "Paranoid schizophrenia",
    "Bipolar affective disorder",
    "Emotionally unstable personality disorder",
    "Generalised anxiety disorder with agoraphobia",
    "Post-traumatic stress disorder",
    "Schizoaffective disorder",
    "Obsessive-compulsive disorder",
)
IMPAIRMENTS_OLDER = (
    "Alzheimer's disease (moderate)",
    "Vascular dementia",
    "Mixed dementia",
    "Dementia with Lewy bodies",
    "Late-onset depression with anxiety",
    "Severe depression after a stroke",
)
NOT_FROM_IMPAIRMENT = (
    "Difficulties arise from debt and housing problems rather than an illness; no diagnosis found.",
    "Needs are those of a recent bereavement; no impairment or illness identified at assessment.",
)

PERSONS_OUTCOMES = (
    "To cook for myself again and not rely on takeaways.",
    "To get out of the house and back to the allotment.",
    "To stay living in my own home.",
    "To get back to work part-time.",
    "To see my grandchildren more often.",
    "To feel safe at home at night.",
    "To manage my money without getting into debt.",
    "To go to the mosque on Fridays again.",
    "To have a routine and get up in the mornings.",
)
STRENGTHS = (
    "Supportive sister who lives nearby.",
    "Good relationship with the GP and the practice nurse.",
    "Enjoys gardening and music; plays the guitar when well.",
    "Attends the mosque weekly; the imam visits.",
    "A keen cook when well; knows what helps them stay well.",
    "Neighbour checks in most days and does the shopping.",
    "Insightful about early warning signs of relapse.",
    "Long-standing friendships from work; a friend drives them to appointments.",
)

CARER_STRENGTHS = (
    "Knows the person well and spots early signs of relapse.",
    "A supportive employer who allows flexible hours.",
    "Goes to the carers' group at the library once a month.",
    "Brother helps at weekends.",
)

OUTCOME_NOTES = {
    "nutrition": ("Forgets to eat; the fridge is often empty.", "Relies on takeaways; has lost weight."),
    "hygiene": ("Has not washed for days when low.", "Needs prompting to wash and change clothes."),
    "toilet": ("Occasional incontinence at night; embarrassed to ask for help.",),
    "clothed": ("Wears the same clothes for days; not dressed for the weather.",),
    "home_safely": ("Has left the gas on twice; fell on the stairs in March.", "Frightened to use the bath."),
    "habitable_home": (
        "Post unopened and bins not taken out; the kitchen is unsafe.",
        "Hoarding in two rooms.",
    ),
    "relationships": ("Isolated; has lost touch with family and friends.", "Rows with family when unwell."),
    "work": ("Lost their job last year; wants to get back to volunteering.", "Dropped out of college."),
    "community": (
        "Cannot use buses because of anxiety; does not go to the shops.",
        "Avoids the town centre.",
    ),
    "child_care": ("Struggles to get the children to school on time.",),
}
CARER_OUTCOME_NOTES = {
    "child_care": ("Has a teenage son at home and little time for him.",),
    "other_care": ("Also helps their own father twice a week.",),
    "habitable_home": ("No time to keep on top of the housework.",),
    "nutrition": ("Skips meals; eats on the go between visits.",),
    "relationships": ("Has stopped seeing friends; the marriage is under strain.",),
    "work": ("Cut hours at work to three days; at risk of losing the job.", "Gave up work to care."),
    "community": ("Cannot get to the shops or the GP without arranging cover.",),
    "recreation": ("Has not had a day off in a year; gave up the choir.",),
}
WELLBEING_NOTES = {
    "dignity": "Feels judged by neighbours and services.",
    "health": "Mental health deteriorating; not sleeping.",
    "protection": "Has been financially exploited by an acquaintance.",
    "control": "Feels others make decisions for them.",
    "participation": "No work, study or leisure at present.",
    "social_economic": "Rent arrears and debt; benefits stopped.",
    "relationships": "Isolated from family.",
    "accommodation": "Home is unsuitable and unsafe as things are.",
    "contribution": "Used to volunteer and misses it.",
}
CARER_HEALTH_NOTES = "Carer's own health is deteriorating: not sleeping, back pain, low mood."

ADVOCACY_PERSON = ("Their sister supports them to take part.", "Their son attends every meeting with them.")
ADVOCACY_PROVIDERS = ("Northshire Advocacy Hub", "Eastmere Advocacy Partnership")
ADVOCATE_NAMES = ("Rhian Caldwell", "Tomasz Nowicki", "Grace Adeyemi", "Owen Pritchard", "Leila Haddad")

RETURN_REASONS = (
    "Please record the senses for each outcome marked unable.",
    "Add the person's own views on what they want to achieve.",
    "The strengths section is thin: who else helps, and how?",
)

HOW_MET = {
    "nutrition": "Home care visit at lunchtime to prepare a meal",
    "hygiene": "Morning home care visit to prompt and support with washing",
    "toilet": "Continence assessment by the district nurse; evening visit",
    "clothed": "Morning visit: laying out clothes and prompting",
    "home_safely": "Telecare (gas detector and falls sensor) and an occupational therapy visit",
    "habitable_home": "Weekly domestic help and a one-off clean",
    "relationships": "Peer support group and support to phone family",
    "work": "Supported employment scheme, one session a week",
    "community": "Personal assistant to travel by bus to the shops and recovery college",
    "child_care": "Family support worker; school breakfast club",
}
CARER_NEEDS = (
    ("A regular break from caring", "Sitting service one afternoon a week"),
    ("Time to stay in work", "Carer's direct payment for replacement care on work days"),
    ("Support with their own wellbeing", "Carers' centre counselling and a gym membership"),
    ("Someone to call in an emergency", "Carers' emergency card and contingency plan"),
)
NON_ELIGIBLE_NEEDS = (
    ("Help with debt", "Citizens Advice appointment booked"),
    ("Wants to make new friends", "Recovery college courses; peer support group"),
    ("Low mood in the winter", "GP to review medication"),
    ("Wants to volunteer", "Volunteer centre details given"),
    ("Worried about the boiler", "Referred to the council's home improvement agency"),
)
SERVICES = (
    "Home care, {h} hours a week (morning and lunchtime visits)",
    "Personal assistant through a direct payment, {h} hours a week",
    "Day opportunities at the recovery hub twice a week",
    "Floating housing support, {h} hours a week",
    "Telecare pendant alarm and key safe",
    "Shopping and laundry service",
    "Day centre three days a week",
)
CONTINGENCIES = (
    "If a visit is missed, the agency phones the sister; if there is no answer the duty worker visits.",
    "If unwell, call the crisis line (number on the front of the plan) and the care coordinator.",
    "Daughter holds a key and will step in for up to three days.",
    "If the personal assistant is off sick, the agency's bank staff cover the visits.",
)

WHATS_WORKING = (
    "Visits are on time and they are eating regularly again.",
    "Going to the recovery hub has helped; still struggles with the buses.",
    "Home is cleaner; the personal assistant is a good match.",
    "Sleeping better since the evening visit started; misses the previous carer.",
    "Working well; no crisis contacts since the plan began.",
)
PERSONS_VIEWS = (
    "Happy with the support and wants it to carry on.",
    "Would like fewer visits now that things are better.",
    "Says the mornings are still hard.",
    "Wants more help to get out of the house.",
)
CONTINUE_REASONS = (
    "Plan is meeting eligible needs; no change needed.",
    "Needs unchanged; support is working well.",
)
REVISE_REASONS = {  # by what the revised plan changes
    "more": "Needs have increased since a hospital admission; more support needed.",
    "less": "Now managing lunch independently; hours can be reduced.",
    "direct_payment": "Wants to take the budget as a direct payment and employ a personal assistant.",
    "same": "Outcomes have changed; the support is rearranged within the same budget.",
}
REASSESSMENT_REASON = (
    "Needs have changed: a reassessment has been started; the plan continues until a new one is agreed."
)
CHANGE_REASONS = (
    "Admitted to hospital for three weeks; discharged with more needs.",
    "Sister who provided most support has moved away.",
    "Fall at home; now frightened to go out.",
)
END_REASONS = (
    "Outcomes met: now managing independently with support from family.",
    "Moved out of the area; the new council has been notified and has the assessment.",
    "Moved into a care home funded under NHS continuing healthcare.",
)

RELATIONSHIPS_OLDER = ("Daughter", "Son", "Wife", "Husband", "Partner", "Niece", "Friend", "Neighbour")
RELATIONSHIPS_YOUNGER = ("Mother", "Father", "Partner", "Sister", "Brother", "Wife", "Husband", "Friend")
FEMALE_RELATIONSHIPS = {"Mother", "Daughter", "Wife", "Sister", "Niece"}
MALE_RELATIONSHIPS = {"Father", "Son", "Husband", "Brother"}
CARE_PROVIDED = (
    "Daily visits: meals, medication prompts and company.",
    "Lives with them; helps with washing, dressing and appointments.",
    "Manages their money and shopping; phones every evening.",
    "Stays over when they are unwell; drives them to clinic.",
)

S117_AFTERCARE = (
    "Supported accommodation with 24-hour staff; care coordination by the community team; depot clinic.",
    "Floating support 6 hours a week; care coordination; day opportunities twice a week.",
    "Residential care in a mental health rehabilitation unit; quarterly psychiatric review.",
    "Personal assistant 10 hours a week through a direct payment; community team follow-up.",
)
S117_ATTENDEES = (
    "Care coordinator, ICB continuing healthcare nurse, the person and their sister.",
    "Care coordinator, consultant psychiatrist, the person and their advocate.",
    "Social worker, ICB mental health commissioner, the person.",
)
S117_NOTES = (
    "Settled; still needs the supported accommodation to stay well. Aftercare continues.",
    "Reduced floating support agreed; aftercare still needed for needs arising from the disorder.",
    "Stable on medication; day opportunities working well. Aftercare continues.",
)
S117_END_REASONS = (
    "Well and settled in their own tenancy for two years; no longer needs services to meet needs "
    "arising from the disorder or to reduce the risk of readmission.",
    "Now working full-time and discharged from the community team; both bodies agree aftercare is "
    "no longer needed.",
)
ICB_DECIDERS = ("Dr Helen Marsh, ICB Mental Health Lead", "Joanne Reeve, ICB Continuing Healthcare Manager")

CAPACITY_DECISIONS = {
    "where to live": (
        "Where to live: whether to move to a care home or stay at home with more support.",
        ("Move to a residential care home near family", "Stay at home with four visits a day"),
    ),
    "managing money": (
        "Managing money: whether to manage their own finances, including paying rent and bills.",
        ("Council appointeeship for benefits", "Daughter to apply to the Court of Protection as deputy"),
    ),
    "accepting a care package": (
        "Accepting a care package: whether to accept the home care package offered.",
        ("Home care visits twice a day", "A trial of day centre sessions instead of home care"),
    ),
}
SUPPORT_GIVEN = (
    "Visited in the morning when they are most alert; used photographs and a simple written summary.",
    "Explained over two visits with their daughter present; used short sentences and checked back.",
    "Interpreter arranged for their first language; information given in writing the day before.",
)
CAPACITY_EVIDENCE_HAS = (
    "Explained the options in their own words, remembered them the next day and weighed up the risks.",
    "Understood and retained the information; gave clear reasons for their choice.",
)
CAPACITY_EVIDENCE_LACKS = (
    "Could not retain the information for more than a few minutes; could not weigh the risks of falls.",
    "Understood the options but could not use or weigh the information: believes the bills pay themselves.",
    "Could not understand the information despite visual aids; unable to weigh up the options.",
)
PERSONS_WISHES = (
    "Has always said they want to stay in their own home; their late husband built the garden.",
    "Values independence; has never wanted family to know about their money.",
    "Wants to be near their daughter; enjoys company and music.",
)
CONSULTED = (
    "Daughter (no lasting power of attorney); GP; care coordinator. All agree with the decision.",
    "Son and daughter (they disagree; their views recorded); the home care manager; GP.",
    "Partner; the consultant psychiatrist; the ward occupational therapist.",
)
LEAST_RESTRICTIVE = (
    "Keeps them at home with support, which is what they want, while managing the risk of falls.",
    "An appointeeship covers only the benefits; they keep control of their weekly spending money.",
    "A trial first, reviewed in four weeks, before any permanent change.",
)
IMCA_REASONS = "Change of accommodation and nobody appropriate to consult other than paid carers (MCA s39)."
