"""The bodies in the partnership, where they work, their teams and their staff."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q


class PartnerKind(models.TextChoices):
    COUNTY = "county", "County council"
    DISTRICT = "district", "District council"
    UNITARY = "unitary", "Unitary council"
    POLICE = "police", "Police"
    NHS = "nhs", "NHS body"
    HOUSING = "housing", "Housing provider"
    VOLUNTARY = "voluntary", "Voluntary sector"


class Partner(models.Model):
    slug = models.SlugField(
        unique=True, help_text="Short stable identifier, used in URLs and APIs."
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=PartnerKind.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="For a district council: the county council whose area contains it.",
    )
    is_hub = models.BooleanField(
        default=False, help_text="Runs a shared contact centre that handles contacts for others."
    )
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    privacy_notice = models.TextField(
        blank=True,
        help_text=(
            "The partner's privacy notice for residents (Markdown): who the controller is, "
            "what is kept and why, how long, and how to ask for a copy. Shown on the "
            "resident site."
        ),
    )
    privacy_notice_url = models.URLField(
        blank=True, help_text="The partner's full privacy notice on its own website."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.parent_id:
            if self.kind != PartnerKind.DISTRICT:
                raise ValidationError({"parent": "Only a district council sits inside a county."})
            if self.parent.kind != PartnerKind.COUNTY:
                raise ValidationError({"parent": "A district's parent must be a county council."})

    @property
    def is_council(self) -> bool:
        return self.kind in {PartnerKind.COUNTY, PartnerKind.DISTRICT, PartnerKind.UNITARY}


class PartnerArea(models.Model):
    """Where a partner works: a list of postcode districts and/or a GeoJSON polygon."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="areas")
    name = models.CharField(max_length=200)
    postcode_districts = models.JSONField(
        default=list,
        blank=True,
        help_text='Outward codes the area covers, e.g. ["BO1", "BO2"].',
    )
    boundary = models.JSONField(
        null=True,
        blank=True,
        help_text="GeoJSON Polygon or MultiPolygon in WGS84 (longitude, latitude).",
    )

    def __str__(self) -> str:
        return f"{self.partner}: {self.name}"

    def clean(self) -> None:
        from firstcontact.partners.geography import normalise_outward_code, parse_boundary

        if not self.postcode_districts and not self.boundary:
            raise ValidationError("Give postcode districts, a boundary, or both.")
        if self.boundary:
            try:
                parse_boundary(self.boundary)
            except ValueError as exc:
                raise ValidationError({"boundary": str(exc)}) from exc
        cleaned = []
        for code in self.postcode_districts:
            outward = normalise_outward_code(str(code))
            if outward is None:
                raise ValidationError(
                    {"postcode_districts": f"{code!r} is not a postcode district."}
                )
            cleaned.append(outward)
        self.postcode_districts = cleaned


class Team(models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True, help_text="Shared inbox for the team's notifications.")

    class Meta:
        ordering = ["partner__name", "name"]
        constraints = [models.UniqueConstraint(fields=["partner", "name"], name="team_name_unique")]

    def __str__(self) -> str:
        return f"{self.partner} – {self.name}"


class OpeningHours(models.Model):
    """Weekly opening times of a partner's phone lines and offices (weekday 0 = Monday)."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(
        choices=[
            (i, name)
            for i, name in enumerate(
                ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
            )
        ]
    )
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering = ["partner", "weekday", "opens"]
        verbose_name_plural = "opening hours"

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self) -> None:
        if self.opens >= self.closes:
            raise ValidationError({"closes": "Closing time must be after opening time."})


class Role(models.TextChoices):
    ADVISER = "adviser", "Customer service adviser"
    CASEWORKER = "caseworker", "Caseworker"
    TEAM_LEADER = "team_leader", "Team leader"
    MANAGER = "manager", "Manager"
    PARTNERSHIP_ADMIN = "partnership_admin", "Partnership administrator"
    # Data protection: a partner's DPO covers that partner's records; the partnership's DPO
    # covers every partner's (subject access, erasure, the audit trail).
    DATA_PROTECTION_OFFICER = "dpo", "Data protection officer"
    PARTNERSHIP_DPO = "partnership_dpo", "Partnership data protection officer"
    # Keeps the partner's customer records right: reviews possible duplicates, merges them.
    DATA_STEWARD = "data_steward", "Data steward"
    # Keeps the partner's entries in the directory of services current.
    DIRECTORY_EDITOR = "directory_editor", "Directory editor"


class Membership(models.Model):
    """A member of staff works for a partner in a role (and optionally in a team)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role.choices)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="memberships"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "partner", "role"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} at {self.partner}"

    def clean(self) -> None:
        if self.team_id and self.team.partner_id != self.partner_id:
            raise ValidationError({"team": "The team must belong to the same partner."})


class HubAgreementQuerySet(models.QuerySet):
    def in_force(self, on: dt.date | None = None) -> HubAgreementQuerySet:
        from django.utils import timezone

        on = on or timezone.localdate()
        return self.filter(Q(starts__lte=on), Q(ends__isnull=True) | Q(ends__gte=on))


class HubAgreement(models.Model):
    """A recorded agreement that a hub handles contacts on behalf of a client partner."""

    hub = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="hub_agreements")
    client = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="served_by_hubs")
    reference = models.CharField(
        max_length=100, help_text="The signed service-level agreement's reference."
    )
    starts = models.DateField()
    ends = models.DateField(null=True, blank=True)
    # Who at the hub acts for the client: members of the hub in one of these roles, and (when
    # any teams are named) in one of these teams. Nobody else at the hub does.
    acting_roles = models.JSONField(
        default=list,
        blank=True,
        help_text=(
            'Roles at the hub that act for the client, e.g. ["adviser", "team_leader"]. '
            "Empty: nobody."
        ),
    )
    acting_teams = models.ManyToManyField(
        Team,
        blank=True,
        related_name="acts_for_agreements",
        help_text="The hub's teams that act for the client. None named: any team of the hub.",
    )

    objects = HubAgreementQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(hub=models.F("client")), name="hub_not_own_client")
        ]

    def __str__(self) -> str:
        return f"{self.hub} for {self.client} ({self.reference})"

    def clean(self) -> None:
        if self.ends and self.ends < self.starts:
            raise ValidationError({"ends": "The agreement cannot end before it starts."})
        unknown = set(self.acting_roles or []) - set(Role.values)
        if unknown:
            raise ValidationError({"acting_roles": f"Unknown roles: {', '.join(sorted(unknown))}"})
