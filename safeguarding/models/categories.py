"""National categories of the Safeguarding Adults Collection (SAC), exactly as the return
lists them, and the s42 decision outcomes (Care Act 2014 s42; statutory guidance ch. 14)."""

from django.db import models


class AbuseType(models.TextChoices):
    PHYSICAL = "physical", "Physical abuse"
    SEXUAL = "sexual", "Sexual abuse"
    PSYCHOLOGICAL = "psychological", "Psychological abuse"
    FINANCIAL = "financial", "Financial or material abuse"
    DISCRIMINATORY = "discriminatory", "Discriminatory abuse"
    ORGANISATIONAL = "organisational", "Organisational abuse"
    NEGLECT = "neglect", "Neglect and acts of omission"
    DOMESTIC = "domestic", "Domestic abuse"
    SEXUAL_EXPLOITATION = "sexual_exploitation", "Sexual exploitation"
    MODERN_SLAVERY = "modern_slavery", "Modern slavery"
    SELF_NEGLECT = "self_neglect", "Self-neglect"


class RiskLocation(models.TextChoices):
    OWN_HOME = "own_home", "Own home"
    COMMUNITY = "community", "In the community (excluding community services)"
    COMMUNITY_SERVICE = "community_service", "In a community service"
    CARE_HOME_NURSING = "care_home_nursing", "Care home - nursing"
    CARE_HOME_RESIDENTIAL = "care_home_residential", "Care home - residential"
    HOSPITAL_ACUTE = "hospital_acute", "Hospital - acute"
    HOSPITAL_MENTAL_HEALTH = "hospital_mental_health", "Hospital - mental health"
    HOSPITAL_COMMUNITY = "hospital_community", "Hospital - community"
    OTHER = "other", "Other"


class SourceOfRisk(models.TextChoices):
    SERVICE_PROVIDER = "service_provider", "Service provider"
    KNOWN = "known", "Other - known to individual"
    UNKNOWN = "unknown", "Other - unknown to individual"


class PrimarySupportReason(models.TextChoices):
    PHYSICAL = "physical", "Physical support"
    SENSORY = "sensory", "Sensory support"
    MEMORY_COGNITION = "memory_cognition", "Support with memory and cognition"
    LEARNING_DISABILITY = "learning_disability", "Learning disability support"
    MENTAL_HEALTH = "mental_health", "Mental health support"
    SOCIAL = "social", "Social support"
    NO_SUPPORT_REASON = "none", "No support reason"
    NOT_KNOWN = "not_known", "Not known"


class ConcernConsent(models.TextChoices):
    CONSENTS = "consents", "The adult consents to safeguarding action"
    DOES_NOT_CONSENT = "does_not_consent", "The adult does not consent"
    NOT_ASKED = "not_asked", "Not asked yet"
    CANNOT_CONSENT = "cannot_consent", "The adult may lack capacity to consent"


class MspAsked(models.TextChoices):
    """SAC: Making Safeguarding Personal, was the adult asked about desired outcomes?"""

    ASKED_EXPRESSED = "asked_expressed", "Yes, they were asked and outcomes were expressed"
    ASKED_NOT_EXPRESSED = "asked_not_expressed", "Yes, they were asked but no outcomes were expressed"
    NOT_ASKED = "not_asked", "No, they were not asked"
    DONT_KNOW = "dont_know", "Don't know"


class OutcomesAchieved(models.TextChoices):
    FULLY = "fully", "Fully achieved"
    PARTIALLY = "partially", "Partially achieved"
    NOT_ACHIEVED = "not_achieved", "Not achieved"


class RiskAssessmentResult(models.TextChoices):
    """SAC SG2c, risk assessment outcomes: what the enquiry found about the risk. The SAC
    crosses it with whether action was taken, in its own words ("Risk - assessment
    inconclusive and no action taken", "Enquiry ceased at individual's request and no action
    taken": `safeguarding.sac`); an enquiry that ceased is counted only with no action taken."""

    IDENTIFIED = "identified", "Risk identified"
    INCONCLUSIVE = "inconclusive", "Risk assessment inconclusive"
    NOT_IDENTIFIED = "not_identified", "No risk identified"
    CEASED = "ceased", "Enquiry ceased at the adult's request"


class RiskOutcome(models.TextChoices):
    """SAC SG2e, where a risk was identified: what happened to it by the enquiry's end."""

    REMAINS = "remains", "Risk remained"
    REDUCED = "reduced", "Risk reduced"
    REMOVED = "removed", "Risk removed"


class YesNoDontKnow(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    DONT_KNOW = "dont_know", "Don't know"
