"""The directory of services, as Open Referral UK 3.0 (HSDS-UK 3.0) models it.

Every record has a UUID id, as ORUK wants, so ids survive export and import unchanged. Records
imported from another publisher's feed keep that publisher's ids and name the feed they came
from; the partnership's own entries have no feed.

The partnership's own catalogue services appear here through `Service.catalogue_service`: the
directory entry holds what ORUK adds (organisation, places, opening times, costs) and takes its
name, description and whether it is offered from the catalogue service, so there is one source
of truth and nothing to keep in step. The link is owned on this side so the catalogue does not
depend on the directory; `catalogue.Service.directory_entry` reads it back.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Modified(models.Model):
    """A record with ORUK's `last_modified`: set on every save (modified_after reads it)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    last_modified = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.last_modified = timezone.now()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "last_modified"}
        super().save(*args, **kwargs)


class Part(models.Model):
    """A record nested inside another (a phone, an address): a UUID id, no clock of its own."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return str(self.id)


class Feed(models.Model):
    """Another publisher's ORUK API that `firstcontact import_directory URL` reads."""

    url = models.URLField(max_length=500, unique=True)
    # Started time of the last run that finished: the next run asks for modified_after it.
    last_run_started = models.DateTimeField(null=True, blank=True)
    last_run_finished = models.DateTimeField(null=True, blank=True)
    last_run_imported = models.PositiveIntegerField(default=0)
    last_run_skipped = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.url


class Taxonomy(Modified):
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    uri = models.URLField(max_length=500, blank=True)
    version = models.CharField(max_length=50, blank=True)
    feed = models.ForeignKey(Feed, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name_plural = "taxonomies"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(Modified):
    """A term: an LGSL service (code 557, "Potholes"), an ESD need, a category of our own."""

    taxonomy = models.ForeignKey(
        Taxonomy, null=True, blank=True, on_delete=models.CASCADE, related_name="terms"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    code = models.CharField(max_length=100, blank=True, help_text="ORUK's `term`: the code.")
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    term_uri = models.URLField(max_length=500, blank=True)
    # ORUK's `taxonomy` (a name) for a term whose taxonomy is not one of ours.
    taxonomy_name = models.CharField(max_length=200, blank=True)
    feed = models.ForeignKey(Feed, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["taxonomy__name", "code", "name"]
        indexes = [models.Index(fields=["taxonomy", "code"], name="directory_term_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()


class Organization(Modified):
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(max_length=500, blank=True)
    logo = models.CharField(max_length=500, blank=True)
    uri = models.URLField(max_length=500, blank=True)
    # Kept as an id, not a key: a feed may name a parent it does not publish.
    parent_organization_id = models.UUIDField(null=True, blank=True)
    # The partner this organisation is, for the partnership's own entries.
    partner = models.ForeignKey(
        "partners.Partner",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="directory_organizations",
    )
    feed = models.ForeignKey(Feed, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganizationIdentifier(Part):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="identifiers"
    )
    identifier_scheme = models.CharField(max_length=50, blank=True)
    identifier_type = models.CharField(max_length=100)
    identifier = models.CharField(max_length=100)


class ServiceStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    INACTIVE = "inactive", "Inactive"
    DEFUNCT = "defunct", "Defunct"
    TEMPORARILY_CLOSED = "temporarily closed", "Temporarily closed"


class Service(Modified):
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="services"
    )
    catalogue_service = models.OneToOneField(
        "catalogue.Service",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="directory_entry",
        help_text="One of the partnership's own services: its name and description come from "
        "the catalogue.",
    )
    # Blank for a catalogue service's entry (the catalogue's own are used).
    name = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    url = models.URLField(max_length=500, blank=True)
    email = models.EmailField(blank=True)
    status = models.CharField(
        max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE
    )
    fees = models.TextField(blank=True)
    accreditations = models.TextField(blank=True)
    # Eligibility by age, in years.
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    assured_date = models.DateField(null=True, blank=True)
    assurer_email = models.EmailField(blank=True)
    # Who checked the entry last (a directory editor), and when it is next due a check: the
    # stale-entries report and the review reminder read these (not in ORUK's record).
    assured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_date = models.DateField(null=True, blank=True, db_index=True)
    alert = models.TextField(blank=True)
    feed = models.ForeignKey(Feed, null=True, blank=True, on_delete=models.SET_NULL)
    # A digest of the record as the feed last sent it: an unchanged record is not rewritten.
    source_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(catalogue_service__isnull=False) | ~Q(name=""),
                name="directory_service_named",
            ),
            models.CheckConstraint(
                condition=Q(minimum_age__isnull=True)
                | Q(maximum_age__isnull=True)
                | Q(minimum_age__lte=models.F("maximum_age")),
                name="directory_service_ages",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.catalogue_service.name if self.catalogue_service_id else self.name

    @property
    def display_description(self) -> str:
        if self.catalogue_service_id:
            return self.catalogue_service.description
        return self.description

    def clean(self) -> None:
        if not self.catalogue_service_id and not self.name:
            raise ValidationError({"name": "Give the service a name."})
        if (
            self.minimum_age is not None
            and self.maximum_age is not None
            and self.minimum_age > self.maximum_age
        ):
            raise ValidationError({"maximum_age": "The maximum age is below the minimum age."})


class LocationType(models.TextChoices):
    PHYSICAL = "physical", "Physical"
    POSTAL = "postal", "Postal"
    VIRTUAL = "virtual", "Virtual"


class Location(Modified):
    location_type = models.CharField(
        max_length=10, choices=LocationType.choices, default=LocationType.PHYSICAL
    )
    name = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    external_identifier = models.CharField(max_length=100, blank=True)
    external_identifier_type = models.CharField(max_length=50, blank=True)
    # The first address's postcode, normalised, for finding places by postcode.
    postcode = models.CharField(max_length=8, blank=True, db_index=True)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="locations"
    )
    feed = models.ForeignKey(Feed, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["name"]
        # Proximity search: a bounding box on latitude first, then longitude; with the id in
        # the index the box is read from the index alone (no row of the table).
        indexes = [
            models.Index(fields=["latitude", "longitude", "id"], name="directory_loc_point_id")
        ]

    def __str__(self) -> str:
        return self.name or str(self.id)

    def save(self, *args, **kwargs) -> None:
        adding = self._state.adding  # a new place has no services yet
        super().save(*args, **kwargs)
        # Its services here carry its coordinates for the search (ServiceAtLocation).
        fields = kwargs.get("update_fields")
        if not adding and (fields is None or {"latitude", "longitude"} & set(fields)):
            self.services_at.update(latitude=self.latitude, longitude=self.longitude)


class Address(Part):
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="addresses")
    attention = models.CharField(max_length=200, blank=True)
    address_1 = models.CharField(max_length=300)
    address_2 = models.CharField(max_length=300, blank=True)
    city = models.CharField(max_length=100)
    region = models.CharField(max_length=100, blank=True)
    state_province = models.CharField(max_length=100)
    postal_code = models.CharField(max_length=20)
    country = models.CharField(max_length=2, default="GB")
    address_type = models.CharField(
        max_length=10, choices=LocationType.choices, default=LocationType.PHYSICAL
    )

    class Meta:
        verbose_name_plural = "addresses"


class ServiceAtLocation(Modified):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="at_locations")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="services_at")
    description = models.TextField(blank=True)
    # The place's coordinates, copied here (by save() below and Location.save()): a search by
    # distance then reads the services in a box from one index, with no row of the place or
    # of this table (finder._near).
    latitude = models.FloatField(null=True, blank=True, editable=False)
    longitude = models.FloatField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "location"], name="directory_sal_unique")
        ]
        indexes = [
            models.Index(
                fields=["latitude", "longitude", "service", "location"], name="directory_sal_point"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service_id} at {self.location_id}"

    def save(self, *args, **kwargs) -> None:
        self.latitude, self.longitude = self.location.latitude, self.location.longitude
        if update_fields := kwargs.get("update_fields"):
            kwargs["update_fields"] = {*update_fields, "latitude", "longitude"}
        super().save(*args, **kwargs)


class Accessibility(Part):
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="accessibility")
    description = models.TextField(blank=True)
    details = models.TextField(blank=True)
    url = models.URLField(max_length=500, blank=True)

    class Meta:
        verbose_name_plural = "accessibility"


class Contact(Part):
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=200, blank=True)
    department = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)


class Phone(Part):
    """A phone number of a service, a place or a contact."""

    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    number = models.CharField(max_length=50)
    extension = models.CharField(max_length=20, blank=True)
    type = models.CharField(max_length=20, blank=True, help_text="text, voice, fax, textphone")
    description = models.TextField(blank=True)


class Frequency(models.TextChoices):
    WEEKLY = "WEEKLY", "Weekly"
    MONTHLY = "MONTHLY", "Monthly"


class Schedule(Part):
    """Opening times as an RFC 5545 recurrence: FREQ, INTERVAL, BYDAY ("MO,TU"), BYMONTHDAY,
    DTSTART, UNTIL, COUNT and WKST, with the hours it is open on each day it recurs."""

    # A schedule belongs to one of the three, so each column is mostly empty. Indexes of the
    # rows that have one (below): SQLite's statistics count the empty ones as one repeated
    # value and would read the whole table instead of a full index.
    service = models.ForeignKey(
        Service,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="schedules",
        db_index=False,
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="schedules",
        db_index=False,
    )
    location = models.ForeignKey(
        Location,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="schedules",
        db_index=False,
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    dtstart = models.DateField(null=True, blank=True)
    until = models.DateField(null=True, blank=True)
    count = models.PositiveIntegerField(null=True, blank=True)
    wkst = models.CharField(max_length=2, blank=True)
    freq = models.CharField(max_length=10, choices=Frequency.choices, blank=True)
    interval = models.PositiveSmallIntegerField(null=True, blank=True)
    byday = models.CharField(max_length=50, blank=True, help_text='e.g. "MO,TU,WE,TH,FR"')
    bymonthday = models.CharField(max_length=100, blank=True)
    description = models.TextField(blank=True)
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    schedule_link = models.URLField(max_length=500, blank=True)
    attending_type = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=[name],
                condition=models.Q(**{f"{name}__isnull": False}),
                name=f"directory_schedule_{short}",
            )
            for name, short in (
                ("service", "svc"),
                ("service_at_location", "sal"),
                ("location", "loc"),
            )
        ]


class ServiceArea(Part):
    """Where a service is offered. `extent_type` "postcode_districts" (a comma-separated list
    of outward codes: "WX1,WX2") or "geojson" (a Polygon or MultiPolygon) lets a postcode
    search find the services that cover it."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_areas")
    name = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    extent = models.TextField(blank=True)
    extent_type = models.CharField(max_length=30, blank=True)
    uri = models.CharField(max_length=500, blank=True)


class CostOption(Part):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="cost_options")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    option = models.CharField(max_length=300, blank=True)
    amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    amount_description = models.CharField(max_length=300, blank=True)


class Language(Part):
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="languages"
    )
    phone = models.ForeignKey(
        Phone, null=True, blank=True, on_delete=models.CASCADE, related_name="languages"
    )
    name = models.CharField(max_length=100, blank=True)
    code = models.CharField(max_length=10, blank=True, help_text="ISO 639, e.g. en, pl, cy.")
    note = models.CharField(max_length=300, blank=True)


class Funding(Part):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="funding")
    source = models.TextField()


class LinkType(models.TextChoices):
    SERVICE = "service", "Service"
    ORGANIZATION = "organization", "Organization"
    LOCATION = "location", "Location"


class Attribute(Part):
    """A taxonomy term attached to a service, an organisation or a place (ORUK's attribute:
    `link_entity` and `link_id` name the record, as in HSDS 3.0)."""

    taxonomy_term = models.ForeignKey(
        TaxonomyTerm, on_delete=models.CASCADE, related_name="attributes"
    )
    link_entity = models.CharField(max_length=20, choices=LinkType.choices)
    link_id = models.UUIDField(db_index=True)
    link_type = models.CharField(max_length=50, blank=True)
    value = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["link_entity", "link_id", "taxonomy_term"], name="directory_attr_unique"
            )
        ]


class Postcode(models.Model):
    """A postcode's centroid, from the ONS Postcode Directory or OS Code-Point Open
    (`firstcontact import_postcodes FILE`)."""

    postcode = models.CharField(max_length=8, primary_key=True, help_text='"WX1 2AB"')
    latitude = models.FloatField()
    longitude = models.FloatField()
    terminated = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return self.postcode


class Signpost(models.Model):
    """An adviser signposting a customer to a directory service during a contact: the
    contact's outcome is then "signposted" (docs/access.md: read with the contact)."""

    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.CASCADE, related_name="signposts"
    )
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.SET_NULL, related_name="signposts"
    )
    # The name as it was given to the customer: kept if the entry changes or goes.
    service_name = models.CharField(max_length=300)
    adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The short list sent to the customer, if it was.
    notification = models.ForeignKey(
        "notify.Notification", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Signposted to {self.service_name}"


class WelcomePack(models.Model):
    """A new resident's welcome pack: the directory around their new postcode district, at an
    unguessable link that expires. It holds no personal data: the district (``WX1``) and that
    district's centre, never the address, the postcode or who it was for."""

    token = models.CharField(max_length=64, unique=True, editable=False)
    district = models.CharField(max_length=4)
    latitude = models.FloatField()
    longitude = models.FloatField()
    language = models.CharField(max_length=10, default="en")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"Welcome pack for {self.district}"

    @property
    def expired(self) -> bool:
        return self.expires_at <= timezone.now()
