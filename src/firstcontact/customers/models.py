"""Residents and businesses, their contact points, addresses and consents.

Each record is held by one partner (the data controller). Records about the same person held
by different partners are linked with CustomerLink, never silently merged.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from firstcontact.customers.matching import search_names
from firstcontact.privacy.models import DataCategory


class CustomerKind(models.TextChoices):
    PERSON = "person", "Person"
    ORGANISATION = "organisation", "Organisation"


class Channel(models.TextChoices):
    PHONE = "phone", "Phone"
    FACE_TO_FACE = "face_to_face", "Face to face"
    WEB = "web", "Web"
    OPEN311 = "open311", "Web (Open311)"
    EMAIL = "email", "Email"
    SMS = "sms", "SMS"
    KIOSK = "kiosk", "Kiosk"
    LETTER = "letter", "Letter"
    SOCIAL = "social", "Social media"


# The fields a customer's normalised search names are made from, and those names.
NAME_FIELDS = frozenset({"kind", "given_name", "family_name", "organisation_name"})
SEARCH_NAME_FIELDS = ("search_name", "search_given", "search_family")


class CustomerQuerySet(models.QuerySet):
    """Bulk writes keep the search names in step too (save() does for one customer)."""

    def bulk_create(self, objs: Iterable[Customer], *args: Any, **kwargs: Any) -> list[Customer]:
        objs = list(objs)
        for customer in objs:
            customer.set_search_names()
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(
        self, objs: Iterable[Customer], fields: Sequence[str], *args: Any, **kwargs: Any
    ) -> int:
        objs, fields = list(objs), list(fields)
        if NAME_FIELDS.intersection(fields):
            for customer in objs:
                customer.set_search_names()
            fields += [f for f in SEARCH_NAME_FIELDS if f not in fields]
        return super().bulk_update(objs, fields, *args, **kwargs)


class Customer(models.Model):
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        related_name="customers",
        help_text="The partner that holds this record.",
    )
    kind = models.CharField(
        max_length=20, choices=CustomerKind.choices, default=CustomerKind.PERSON
    )
    title = models.CharField(max_length=20, blank=True)
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    organisation_name = models.CharField(max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    preferred_channel = models.CharField(max_length=20, choices=Channel.choices, blank=True)
    preferred_language = models.CharField(
        max_length=10, default="en", help_text="IETF language tag, e.g. en, pl, ur, cy."
    )
    accessibility_needs = models.TextField(
        blank=True, help_text="E.g. large print, British Sign Language, hearing loop."
    )
    vulnerability = models.TextField(blank=True, help_text="Known vulnerabilities, for staff.")
    # Tell us once: told of a death, nobody writes to them; told of a move away, their last
    # address is a previous one and no letter goes there.
    deceased = models.BooleanField(default=False)
    date_of_death = models.DateField(null=True, blank=True)
    moved_away = models.BooleanField(
        default=False, help_text="Has moved away and left no current address."
    )
    # Bumped by every edit: a save that names an older version is told what changed since.
    version = models.PositiveIntegerField(default=1)
    # Lower-case, accent-free "given family" (or organisation name) for fuzzy search, and a
    # person's two names apart (empty for an organisation) for the quick look-up of both names.
    search_name = models.CharField(max_length=300, db_index=True, editable=False)
    search_given = models.CharField(max_length=200, blank=True, editable=False)
    search_family = models.CharField(max_length=200, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A duplicate merged into another record (customers.merging): kept as an inactive
    # tombstone, left out of search and the selectors, its page sending staff to the survivor.
    # Deleting the survivor (erasure) deletes its tombstones: they are the same person.
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="merged_records",
    )
    merged_at = models.DateTimeField(null=True, blank=True)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name", "organisation_name"]
        indexes = [
            # Name search looks up every spelling a typo away from the names typed (both in
            # the index) and reads the partner and id from it too, never the table's rows.
            models.Index(
                fields=["search_family", "search_given", "partner", "id"],
                name="customer_person_name_idx",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="person") & ~Q(family_name="")
                    | Q(kind="organisation") & ~Q(organisation_name="")
                ),
                name="customer_has_name",
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs) -> None:
        self.set_search_names()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *SEARCH_NAME_FIELDS}
        super().save(*args, **kwargs)

    def set_search_names(self) -> None:
        """Fill search_name, search_given and search_family from the names."""
        self.search_name, self.search_given, self.search_family = search_names(
            organisation=self.kind == CustomerKind.ORGANISATION,
            given_name=self.given_name,
            family_name=self.family_name,
            organisation_name=self.organisation_name,
        )

    @property
    def display_name(self) -> str:
        if self.kind == CustomerKind.ORGANISATION:
            return self.organisation_name
        return " ".join(p for p in [self.title, self.given_name, self.family_name] if p)


class CustomerPhone(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(max_length=20, db_index=True, help_text="E.164, e.g. +447700900123.")
    label = models.CharField(max_length=30, blank=True)
    # When the customer proved they hold this number (a one-time code, or staff who called it
    # back): only a verified number lets a front-door submission join this record.
    verified_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        from firstcontact.customers.contact_points import format_phone

        return format_phone(self.number)


# `address__lower=…`: finding an email address whatever its case, by the index below (iexact
# compiles to UPPER(…) or LIKE, which no index serves).
models.EmailField.register_lookup(Lower)


class CustomerEmail(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="emails")
    address = models.EmailField(db_index=True)
    # When the customer proved they read this address (a one-time code or a link): only a
    # verified address lets a front-door submission join this record.
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(Lower("address"), name="customer_email_lower")]

    def __str__(self) -> str:
        return self.address


class CustomerAddress(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="addresses")
    line1 = models.CharField(max_length=200)
    line2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, db_index=True)
    uprn = models.CharField(
        max_length=12,
        blank=True,
        db_index=True,
        verbose_name="UPRN",
        help_text="Unique Property Reference Number (up to 12 digits).",
    )
    is_current = models.BooleanField(default=True)

    class Meta:
        verbose_name_plural = "customer addresses"

    def __str__(self) -> str:
        return ", ".join(p for p in [self.line1, self.line2, self.town, self.postcode] if p)


class ConsentPurpose(models.TextChoices):
    SHARE_WITH_PARTNERS = "share_with_partners", "Share my records with partners to help me"
    EMAIL_UPDATES = "email_updates", "Send me updates by email"
    SMS_UPDATES = "sms_updates", "Send me updates by text message"
    SURVEYS = "surveys", "Ask me about my satisfaction"


class ConsentQuerySet(models.QuerySet):
    def current(self) -> ConsentQuerySet:
        return self.filter(withdrawn_at__isnull=True)


class Consent(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=30, choices=ConsentPurpose.choices)
    recipient = models.ForeignKey(
        "partners.Partner",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=(
            "For sharing: the partner it lets see the customer's records. Empty names nobody: "
            "a consent to sharing lets only the partner it names see the record."
        ),
    )
    given_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    how = models.CharField(
        max_length=200, blank=True, help_text="How it was given and the wording."
    )
    data_category = models.CharField(
        max_length=30,
        blank=True,
        choices=DataCategory.choices,
        help_text="For sharing: the data it covers. Empty: all that an agreement covers.",
    )
    wording = models.TextField(blank=True, help_text="The words shown or read to the customer.")
    channel = models.CharField(
        max_length=20, choices=Channel.choices, blank=True, help_text="How it was given."
    )
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ConsentQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.customer}: {self.get_purpose_display()}"


class CustomerChange(models.Model):
    """One field of a customer record changed: who, when, the value before and after, as
    staff read them (phones formatted, an address on one line)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="changes")
    version = models.PositiveIntegerField(help_text="The record's version this change made.")
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_by_name = models.CharField(
        max_length=150, blank=True, help_text="The user's name at the time (kept if deleted)."
    )
    field = models.CharField(max_length=40)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["customer", "version"], name="customer_change_version")]

    def __str__(self) -> str:
        return f"{self.customer_id} v{self.version}: {self.field}"

    @property
    def label(self) -> str:
        return CHANGE_LABELS.get(self.field, self.field)


CHANGE_LABELS = {
    "title": "Title",
    "given_name": "First name",
    "family_name": "Last name",
    "organisation_name": "Organisation name",
    "date_of_birth": "Date of birth",
    "phones": "Phone numbers",
    "emails": "Email addresses",
    "address": "Current address",
    "preferred_channel": "Preferred channel",
    "preferred_language": "Preferred language",
    "accessibility_needs": "Accessibility needs",
    "vulnerability": "Vulnerability",
    "deceased": "Deceased",
    "date_of_death": "Date of death",
    "moved_away": "Moved away",
}


class CustomerLink(models.Model):
    """Two partners' records are the same person, as confirmed by a member of staff."""

    from_customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    to_customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    linked_at = models.DateTimeField(auto_now_add=True)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["from_customer", "to_customer"], name="link_unique"),
            models.CheckConstraint(
                condition=~Q(from_customer=models.F("to_customer")), name="link_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"Customer {self.from_customer_id} is customer {self.to_customer_id}"


class SourceRecord(models.Model):
    """A customer imported from a partner's other system (a legacy CRM, a housing system):
    its id there, so importing the same extract again adds nobody twice."""

    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="+")
    source_id = models.CharField(max_length=100)
    customer = models.OneToOneField(
        Customer, on_delete=models.CASCADE, related_name="source_record"
    )
    imported_at = models.DateTimeField(default=timezone.now)
    source_file = models.CharField(max_length=255, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partner", "source_id"], name="source_record_unique")
        ]

    def __str__(self) -> str:
        return f"{self.source_id} → customer {self.customer_id}"


class CustomerMerge(models.Model):
    """One duplicate merged into a surviving record: who, when, the ids of every row moved
    (per model), rows dropped as duplicates of the survivor's (kept whole, to put back), and
    the merged record's former field values. Undone within UNMERGE_DAYS (customers.merging)."""

    # It holds the person's former details: it goes with either record (erasure).
    survivor = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="merges_kept")
    merged = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="merges_gone")
    merged_at = models.DateTimeField(default=timezone.now)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_by_name = models.CharField(max_length=150, blank=True)
    # The review that led to it, if any (linkage.CandidatePair).
    pair = models.ForeignKey(
        "linkage.CandidatePair", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cross_partner = models.BooleanField(default=False)
    # "app_label.Model.field" → the ids of the rows moved to the survivor.
    moved = models.JSONField(default=dict)
    # "app_label.Model" → rows deleted as duplicates of the survivor's, field by field.
    dropped = models.JSONField(default=list)
    # "app_label.Model.field" → {id: value} of rows on the survivor or moved that it changed.
    changed = models.JSONField(default=dict)
    # The merged record's own fields before the merge.
    former = models.JSONField(default=dict)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-merged_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(survivor=models.F("merged")), name="merge_two_records"
            )
        ]

    def __str__(self) -> str:
        return f"Customer {self.merged_id} merged into customer {self.survivor_id}"
