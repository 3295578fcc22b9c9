"""Multi-page journeys kept in the session: what the resident has answered so far, which page
comes next, and what to show on "check your answers". Nothing is lost when a page has an
error or the resident goes back: every answer stays in the session until the request is made.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from django.core.files.storage import default_storage
from django.http import HttpRequest
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from firstcontact.catalogue.models import (
    Datatype,
    EligibilityQuestion,
    EvidenceRequirement,
    Service,
    ServiceAttribute,
    ServiceKind,
)
from firstcontact.partners.geography import Location
from firstcontact.portal.templatetags.portal import catalogue

SESSION_KEY = "portal_journeys"
RAISED_KEY = "portal_raised"
MAX_REMEMBERED = 50

REPORT = "report"
APPLY = "apply"
FLOWS = (REPORT, APPLY)
# Which services each journey offers (public ones only).
FLOW_KINDS = {
    REPORT: [ServiceKind.FAULT_REPORT],
    APPLY: [ServiceKind.APPLICATION, ServiceKind.REFERRAL, ServiceKind.COMPLAINT],
}


def remember(request: HttpRequest, key: str, value: str) -> None:
    """Add a reference to a list in the session (the resident's own requests and bundles)."""
    values = [v for v in request.session.get(key, []) if v != value]
    request.session[key] = [*values, value][-MAX_REMEMBERED:]


def remembered(request: HttpRequest, key: str) -> list[str]:
    return list(request.session.get(key, []))


def display_answer(attribute: ServiceAttribute, value: object) -> str:
    """A stored answer as the resident would read it."""
    if value in (None, "", []):
        return ""
    names = {str(v["key"]): v["name"] for v in attribute.values or []}
    if attribute.datatype == Datatype.MULTIVALUELIST:
        return catalogue(", ".join(names.get(str(v), str(v)) for v in value))  # type: ignore
    if attribute.datatype == Datatype.SINGLEVALUELIST:
        return catalogue(names.get(str(value), str(value)))
    if attribute.datatype == Datatype.DATETIME:
        try:
            return formats.date_format(dt.date.fromisoformat(str(value)[:10]), "j F Y")
        except ValueError:
            return str(value)
    return str(value)


@dataclass(frozen=True)
class Step:
    slug: str
    kind: str  # eligibility, question, location, address, details, contact, check
    attribute: ServiceAttribute | None = None
    question: EligibilityQuestion | None = None
    required: bool = False


class ServiceJourney:
    """Report a problem (`report`) or apply for a service (`apply`), one question a page."""

    def __init__(self, request: HttpRequest, flow: str, service: Service):
        assert flow in FLOWS
        self.request = request
        self.flow = flow
        self.service = service
        self.key = f"{flow}:{service.code}"
        store = request.session.setdefault(SESSION_KEY, {})
        if self.key not in store:
            store[self.key] = self.empty_state()
            request.session.modified = True
        self.state = store[self.key]
        self.state.setdefault("nearby", {})  # a journey begun before the step existed

    @staticmethod
    def empty_state() -> dict:
        return {
            "done": [],
            "answers": {},
            "eligibility": {},
            "location": {},
            "address": {},
            "details": {"description": "", "photos": []},
            "contact": {},
            "evidence": {},
            "about": {},
            # "Already reported nearby" (servicerequests/nearby.py): {"reference": ...} to add
            # to that request instead, {"new": True} for a new report, {"none": True} when
            # there was nothing nearby (the step is then passed over).
            "nearby": {},
        }

    def save(self) -> None:
        self.request.session[SESSION_KEY][self.key] = self.state
        self.request.session.modified = True

    def clear(self, *, delete_photos: bool = False) -> None:
        if delete_photos:
            for photo in self.state["details"].get("photos", []):
                default_storage.delete(photo["path"])
            for upload in self.state.get("evidence", {}).values():
                default_storage.delete(upload["path"])
        self.request.session.get(SESSION_KEY, {}).pop(self.key, None)
        self.request.session.modified = True

    # -- steps

    @cached_property
    def attributes(self) -> list[ServiceAttribute]:
        return [a for a in self.service.attributes.all() if not a.automated]

    @cached_property
    def eligibility_questions(self) -> list[EligibilityQuestion]:
        return list(self.service.eligibility_questions.all())

    @cached_property
    def evidence_requirements(self) -> list[EvidenceRequirement]:
        return list(self.service.evidence_requirements.all())

    @property
    def is_complaint(self) -> bool:
        return self.service.kind == ServiceKind.COMPLAINT

    @cached_property
    def steps(self) -> list[Step]:
        steps: list[Step] = []
        if self.flow == APPLY and self.is_complaint:
            # What the complaint is about decides who answers it (complaints.route_complaint).
            steps.append(Step("about", "about", required=True))
        if self.flow == APPLY:
            steps += [
                Step(f"eligibility-{q.code}", "eligibility", question=q, required=True)
                for q in self.eligibility_questions
            ]
        else:
            steps.append(Step("location", "location", required=True))
            steps.append(Step("nearby", "nearby", required=True))
            if self.supporting:
                # Added to a report already made: its questions and details are not asked.
                return [*steps, Step("contact", "contact"), Step("check", "check")]
        steps += [
            Step(f"question-{a.code}", "question", attribute=a, required=a.required)
            for a in self.attributes
        ]
        if self.flow == REPORT:
            steps += [Step("details", "details", required=True), Step("contact", "contact")]
        else:
            if self.evidence_requirements:
                steps.append(Step("evidence", "evidence", required=True))
            steps += [
                Step("address", "address", required=True),
                Step("contact", "contact", required=True),
            ]
        steps.append(Step("check", "check"))
        return steps

    @property
    def supporting(self) -> str:
        """The reference of the request nearby the resident adds their report to, or ""."""
        return self.state.get("nearby", {}).get("reference", "")

    def step(self, slug: str) -> Step | None:
        return next((s for s in self.steps if s.slug == slug), None)

    def is_done(self, step: Step) -> bool:
        return step.slug in self.state["done"]

    def mark_done(self, step: Step) -> None:
        if step.slug not in self.state["done"]:
            self.state["done"].append(step.slug)

    def ineligible_question(self) -> EligibilityQuestion | None:
        """The first eligibility question answered the way that stops the application."""
        for question in self.eligibility_questions:
            answer = self.state["eligibility"].get(question.code)
            if answer is not None and (answer == "yes") != question.eligible_answer:
                return question
        return None

    def first_unfinished(self) -> Step:
        """The first step not yet answered (the check page once everything is)."""
        for step in self.steps:
            if step.kind != "check" and not self.is_done(step):
                return step
        return self.steps[-1]

    def may_visit(self, step: Step) -> bool:
        """A step may be shown once every step before it is answered."""
        for earlier in self.steps:
            if earlier == step:
                return True
            if not self.is_done(earlier):
                return False
        return False

    def next_step(self, step: Step) -> Step:
        index = self.steps.index(step)
        for later in self.steps[index + 1 :]:
            if later.kind == "check" or not self.is_done(later):
                return later
        return self.steps[-1]

    def previous_step(self, step: Step) -> Step | None:
        index = self.steps.index(step)
        previous = self.steps[index - 1] if index > 0 else None
        if previous is not None and previous.kind == "nearby" and self.state["nearby"].get("none"):
            return self.previous_step(previous)  # nothing was nearby: the page was not shown
        return previous

    def url(self, step: Step | str, *, change: bool = False) -> str:
        slug = step if isinstance(step, str) else step.slug
        url = reverse(f"portal:{self.flow}_step", kwargs={"code": self.service.code, "step": slug})
        return f"{url}?change=1" if change else url

    def start_url(self) -> str:
        return reverse(f"portal:{self.flow}_start", kwargs={"code": self.service.code})

    # -- what was answered

    def location(self) -> Location:
        if self.flow == REPORT:
            place = self.state["location"]
            lat, lng = place.get("latitude"), place.get("longitude")
            return Location(
                latitude=float(lat) if lat else None,
                longitude=float(lng) if lng else None,
                postcode=place.get("postcode", ""),
                address=place.get("address", ""),
            )
        address = self.state["address"]
        return Location(postcode=address.get("postcode", ""), address=one_line_address(address))

    def answers(self) -> dict[str, object]:
        return {
            code: value
            for code, value in self.state["answers"].items()
            if value not in ("", [], None)
        }

    def summary_rows(self) -> list[dict]:
        """(question, answer, change link) for check your answers."""
        rows = []
        for step in self.steps:
            if step.kind == "eligibility":
                answer = self.state["eligibility"].get(step.question.code)
                rows.append(
                    row(
                        catalogue(step.question.question),
                        _("Yes") if answer == "yes" else _("No"),
                        self.url(step, change=True),
                    )
                )
            elif step.kind == "question":
                value = display_answer(
                    step.attribute, self.state["answers"].get(step.attribute.code)
                )
                rows.append(
                    row(
                        catalogue(step.attribute.description),
                        value or _("Not answered"),
                        self.url(step, change=True),
                    )
                )
            elif step.kind == "location":
                place = self.state["location"]
                parts = []
                if place.get("latitude") and place.get("longitude"):
                    parts.append(
                        _("Pin on the map at %(lat)s, %(lng)s")
                        % {"lat": place["latitude"][:9], "lng": place["longitude"][:9]}
                    )
                parts += [place.get("postcode", ""), place.get("address", "")]
                rows.append(
                    row(_("Where"), "\n".join(p for p in parts if p), self.url(step, change=True))
                )
            elif step.kind == "nearby" and not self.state["nearby"].get("none"):
                nearby = self.state["nearby"]
                rows.append(
                    row(
                        _("Already reported nearby"),
                        _("Add my report to %(reference)s: %(summary)s")
                        % {"reference": nearby["reference"], "summary": nearby.get("summary", "")}
                        if nearby.get("reference")
                        else _("No, this is a new problem"),
                        self.url(step, change=True),
                    )
                )
            elif step.kind == "details":
                details = self.state["details"]
                rows.append(
                    row(
                        _("What is wrong"),
                        details.get("description", ""),
                        self.url(step, change=True),
                    )
                )
                photos = details.get("photos", [])
                rows.append(
                    row(
                        _("Photos"),
                        "\n".join(p["name"] for p in photos) if photos else _("None"),
                        self.url(step, change=True),
                    )
                )
            elif step.kind == "about":
                about = self.state.get("about", {})
                rows.append(
                    row(
                        _("What it is about"),
                        "\n".join(
                            p
                            for p in [about.get("service_name", ""), about.get("reference", "")]
                            if p
                        ),
                        self.url(step, change=True),
                    )
                )
            elif step.kind == "evidence":
                stored = self.state.get("evidence", {})
                for requirement in self.evidence_requirements:
                    upload = stored.get(requirement.code)
                    rows.append(
                        row(
                            catalogue(requirement.label),
                            upload["name"] if upload else _("Not sent"),
                            self.url(step, change=True),
                        )
                    )
            elif step.kind == "address":
                rows.append(
                    row(
                        _("Address"),
                        multi_line_address(self.state["address"]),
                        self.url(step, change=True),
                    )
                )
            elif step.kind == "contact":
                contact = self.state["contact"]
                rows.append(
                    row(
                        _("Your details"),
                        "\n".join(
                            p
                            for p in [
                                contact.get("full_name", ""),
                                contact.get("email", ""),
                                contact.get("phone", ""),
                            ]
                            if p
                        )
                        or _("None given: you will not get updates"),
                        self.url(step, change=True),
                    )
                )
        return rows


def row(label: str, value: str, change_url: str) -> dict:
    return {"label": label, "value": value, "change_url": change_url}


def one_line_address(address: dict) -> str:
    return ", ".join(
        p
        for p in [address.get("line1", ""), address.get("line2", ""), address.get("town", "")]
        if p
    )


def multi_line_address(address: dict) -> str:
    return "\n".join(
        p
        for p in [
            address.get("line1", ""),
            address.get("line2", ""),
            address.get("town", ""),
            address.get("postcode", ""),
        ]
        if p
    )
