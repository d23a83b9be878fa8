"""The person index: who the people we work with are, and who matters to them."""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from cases.validators import (
    normalise_nhs_number,
    normalise_postcode,
    validate_date_of_birth,
    validate_nhs_number,
    validate_postcode,
)


class Gender(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    NON_BINARY = "non_binary", "Non-binary"
    OTHER = "other", "Another gender"
    NOT_STATED = "not_stated", "Prefers not to say"
    NOT_KNOWN = "not_known", "Not known"


class EthnicCategory(models.TextChoices):
    """NHS Data Dictionary: ethnic category (2001 census categories)."""

    A = "A", "White – British"
    B = "B", "White – Irish"
    C = "C", "White – any other White background"
    D = "D", "Mixed – White and Black Caribbean"
    E = "E", "Mixed – White and Black African"
    F = "F", "Mixed – White and Asian"
    G = "G", "Mixed – any other mixed background"
    H = "H", "Asian or Asian British – Indian"
    J = "J", "Asian or Asian British – Pakistani"
    K = "K", "Asian or Asian British – Bangladeshi"
    L = "L", "Asian or Asian British – any other Asian background"
    M = "M", "Black or Black British – Caribbean"
    N = "N", "Black or Black British – African"
    P = "P", "Black or Black British – any other Black background"
    R = "R", "Other ethnic groups – Chinese"
    S = "S", "Other ethnic groups – any other ethnic group"
    Z = "Z", "Not stated"
    NOT_KNOWN = "99", "Not known"


class Person(models.Model):
    """Someone the service works with. Read only through cases.permissions."""

    nhs_number = models.CharField(
        "NHS number", max_length=10, blank=True, default="", validators=[validate_nhs_number]
    )
    council_person_id = models.CharField("council person ID", max_length=20, blank=True, default="")
    title = models.CharField(max_length=20, blank=True)
    given_name = models.CharField("first name", max_length=100)
    family_name = models.CharField("last name", max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    previous_names = models.TextField(
        blank=True, help_text="Any names the person was known by before, one per line."
    )
    date_of_birth = models.DateField(validators=[validate_date_of_birth])
    gender = models.CharField(max_length=20, choices=Gender.choices, default=Gender.NOT_KNOWN)
    ethnicity = models.CharField(
        "ethnic category",
        max_length=2,
        choices=EthnicCategory.choices,
        default=EthnicCategory.NOT_KNOWN,
    )
    address_line_1 = models.CharField("address line 1", max_length=200, blank=True)
    address_line_2 = models.CharField("address line 2", max_length=200, blank=True)
    town = models.CharField("town or city", max_length=100, blank=True)
    postcode = models.CharField(max_length=8, blank=True, validators=[validate_postcode])
    phone = models.CharField("phone number", max_length=30, blank=True)
    email = models.EmailField("email address", blank=True)
    gp_practice = models.CharField("GP practice", max_length=200, blank=True)
    is_restricted = models.BooleanField(
        "restricted record",
        default=False,
        help_text="Staff as service users and high-profile people: hidden from search "
        "for anyone without an explicit relationship, and closed to break-glass.",
    )
    search_name = models.TextField(editable=False, default="")
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["search_name"])

    class Meta:
        ordering = ["family_name", "given_name"]
        permissions = [("break_glass_person", "Can open the record in an emergency")]
        constraints = [
            models.UniqueConstraint(
                fields=["nhs_number"],
                condition=~models.Q(nhs_number=""),
                name="person_nhs_number_unique_when_present",
                violation_error_message="Someone with this NHS number is already in the person "
                "index – search for them instead",
            ),
            models.UniqueConstraint(
                fields=["council_person_id"],
                condition=~models.Q(council_person_id=""),
                name="person_council_id_unique_when_present",
                violation_error_message="Someone with this council person ID is already in the "
                "person index – search for them instead",
            ),
            models.CheckConstraint(
                condition=models.Q(nhs_number="") | models.Q(nhs_number__regex=r"^\d{10}$"),
                name="person_nhs_number_ten_digits",
            ),
        ]
        indexes = [
            GinIndex(OpClass("search_name", name="gin_trgm_ops"), name="person_search_name_trgm"),
            models.Index(fields=["date_of_birth"], name="person_dob_idx"),
            models.Index(Upper("postcode"), name="person_postcode_idx"),
        ]

    def __str__(self):
        return self.display_name

    def save(self, *args, **kwargs):
        self.search_name = self.compute_search_name()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "search_name" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "search_name"]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("cases:person_detail", args=[self.pk])

    @property
    def display_name(self):
        name = f"{self.given_name} {self.family_name}".strip()
        if self.preferred_name and self.preferred_name != self.given_name:
            name = f"{name} ({self.preferred_name})"
        return name

    @property
    def formatted_nhs_number(self):
        n = self.nhs_number
        return f"{n[:3]} {n[3:6]} {n[6:]}" if n else ""

    def compute_search_name(self) -> str:
        names = [self.given_name, self.family_name, self.preferred_name, self.previous_names]
        return " ".join(" ".join(n.split()) for n in names if n).lower()

    def clean(self):
        self.nhs_number = normalise_nhs_number(self.nhs_number)
        if self.postcode:
            self.postcode = normalise_postcode(self.postcode)


# What staff may edit on a person's record (forms and services share this list).
PERSON_EDITABLE_FIELDS = (
    "nhs_number",
    "council_person_id",
    "title",
    "given_name",
    "family_name",
    "preferred_name",
    "previous_names",
    "date_of_birth",
    "gender",
    "ethnicity",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "phone",
    "email",
    "gp_practice",
)


class PersonContact(models.Model):
    """Someone who matters to the person: nearest relative (MHA s26), carers, others."""

    class Kind(models.TextChoices):
        NEAREST_RELATIVE = "nearest_relative", "Nearest relative"
        CARER = "carer", "Carer"
        NEXT_OF_KIN = "next_of_kin", "Next of kin"
        OTHER = "other", "Other contact"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=200)
    relationship = models.CharField(
        max_length=100, help_text="For example mother, partner, friend, neighbour."
    )
    phone = models.CharField("phone number", max_length=30, blank=True)
    email = models.EmailField("email address", blank=True)
    address = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self):
        return f"{self.name} ({self.relationship})"


class PersonUserObjectPermission(UserObjectPermissionBase):
    """Direct foreign-key permission rows so list scoping is a join (django-guardian)."""

    content_object = models.ForeignKey(Person, on_delete=models.CASCADE)


class PersonGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Person, on_delete=models.CASCADE)
