"""The joint risk register (seed 000 section 4.3; seed 003 appendix: "C = 4 (Major) L = 4
(Likely) Score = 16 (Extreme)" at first assessment, then the current score after review).

Scoring follows the NHS 5x5 risk matrix (NPSA, "A risk matrix for risk managers", 2008):
score = consequence x likelihood, each 1-5; the level comes from the score: 1-3 low,
4-6 moderate, 8-12 high, 15-25 extreme. 7, 13 and 14 cannot occur as products of two numbers
from 1 to 5, so the bands meet without gaps. The score is a generated column, so it can never
disagree with its factors, and the register sorts on it in the database.
Each re-scoring is an append-only row (migration 0002 refuses UPDATE and DELETE on it).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class RiskLevel(models.TextChoices):
    LOW = "low", "Low"
    MODERATE = "moderate", "Moderate"
    HIGH = "high", "High"
    EXTREME = "extreme", "Extreme"


# (level, lowest score, highest score) - NHS 5x5 bands. The highest of a band reaches up to the
# score before the next band's lowest, so a range filter misses nothing.
LEVEL_BANDS = (
    (RiskLevel.LOW, 1, 3),
    (RiskLevel.MODERATE, 4, 7),
    (RiskLevel.HIGH, 8, 14),
    (RiskLevel.EXTREME, 15, 25),
)

CONSEQUENCE_LABELS = {1: "Negligible", 2: "Minor", 3: "Moderate", 4: "Major", 5: "Catastrophic"}
LIKELIHOOD_LABELS = {1: "Rare", 2: "Unlikely", 3: "Possible", 4: "Likely", 5: "Almost certain"}
SCALE = (1, 2, 3, 4, 5)


def risk_level(score: int) -> RiskLevel:
    """The NHS 5x5 level of a score from 1 to 25."""
    if not 1 <= score <= 25:
        raise ValueError(f"A risk score is from 1 to 25, not {score}")
    for level, low, high in LEVEL_BANDS:
        if low <= score <= high:
            return level
    raise AssertionError("unreachable")  # pragma: no cover


def score_range(level: str) -> tuple[int, int]:
    return next((low, high) for band, low, high in LEVEL_BANDS if band == level)


def _one_to_five(prefix: str, field: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__gte": 1, f"{field}__lte": 5}),
        name=f"{prefix}_{field}_1_to_5",
        violation_error_message="Scores are from 1 to 5",
    )


class Risk(models.Model):
    """One risk on the joint register, scored at first assessment and now."""

    title = models.CharField("risk", max_length=200)
    description = models.TextField("cause and effect", blank=True)
    owner_name = models.CharField("owner", max_length=150)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The owner's account, when they use this system",
    )
    initial_consequence = models.PositiveSmallIntegerField()
    initial_likelihood = models.PositiveSmallIntegerField()
    initial_score = models.GeneratedField(
        expression=models.F("initial_consequence") * models.F("initial_likelihood"),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )
    first_assessed_on = models.DateField("date of first assessment")
    consequence = models.PositiveSmallIntegerField("current consequence")
    likelihood = models.PositiveSmallIntegerField("current likelihood")
    score = models.GeneratedField(
        expression=models.F("consequence") * models.F("likelihood"),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )
    last_assessed_on = models.DateField("date of the latest assessment")
    mitigations = models.TextField()
    review_on = models.DateField("next review")
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords(excluded_fields=["initial_score", "score"])

    class Meta:
        ordering = ["-score", "review_on", "pk"]
        indexes = [models.Index(fields=["-score", "review_on"], name="risk_register_order")]
        constraints = [
            _one_to_five("risk", "initial_consequence"),
            _one_to_five("risk", "initial_likelihood"),
            _one_to_five("risk", "consequence"),
            _one_to_five("risk", "likelihood"),
            models.CheckConstraint(
                condition=models.Q(last_assessed_on__gte=models.F("first_assessed_on")),
                name="risk_latest_after_first",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("governance:risk_detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"JR{self.pk:03d}" if self.pk else "JR"

    @property
    def current_score(self) -> int:
        return self.consequence * self.likelihood

    @property
    def first_score(self) -> int:
        return self.initial_consequence * self.initial_likelihood

    @property
    def level(self) -> RiskLevel:
        return risk_level(self.current_score)

    @property
    def labels(self) -> dict[str, str]:
        """The words for each factor, e.g. {"consequence": "Major", "likelihood": "Likely"}."""
        return {
            "initial_consequence": CONSEQUENCE_LABELS[self.initial_consequence],
            "initial_likelihood": LIKELIHOOD_LABELS[self.initial_likelihood],
            "consequence": CONSEQUENCE_LABELS[self.consequence],
            "likelihood": LIKELIHOOD_LABELS[self.likelihood],
        }

    @property
    def initial_level(self) -> RiskLevel:
        return risk_level(self.first_score)

    def review_overdue_on(self, day) -> bool:
        return self.review_on < day

    @property
    def review_overdue(self) -> bool:
        return self.review_overdue_on(timezone.localdate())


class RiskAssessment(models.Model):
    """One scoring of a risk: the first, and each re-scoring at review. Append-only."""

    class Kind(models.TextChoices):
        FIRST = "first", "First assessment"
        REVIEW = "review", "Review"

    risk = models.ForeignKey(Risk, on_delete=models.PROTECT, related_name="assessments")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.REVIEW)
    assessed_on = models.DateField("date assessed")
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    consequence = models.PositiveSmallIntegerField()
    likelihood = models.PositiveSmallIntegerField()
    score = models.PositiveSmallIntegerField()
    note = models.TextField(blank=True)
    next_review_on = models.DateField("next review", null=True, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        indexes = [models.Index(fields=["risk", "-assessed_on"], name="risk_assessment_latest")]
        constraints = [
            _one_to_five("riskassessment", "consequence"),
            _one_to_five("riskassessment", "likelihood"),
            models.CheckConstraint(
                condition=models.Q(score=models.F("consequence") * models.F("likelihood")),
                name="risk_assessment_score_is_product",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.assessed_on}: {self.score}"

    @property
    def level(self) -> RiskLevel:
        return risk_level(self.score)
