"""Raising a tell-us-once bundle: all or nothing, routed per service, one acknowledgement."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from firstcontact.catalogue.models import Service, ServiceKind
from firstcontact.customers.models import Customer
from firstcontact.lifeevents.models import Bundle, LifeEventService
from firstcontact.lifeevents.services import (
    Informant,
    answers_for,
    new_bundle_reference,
    plan_life_event,
    raise_bundle,
    shared_questions,
    template_items,
)
from firstcontact.notify.models import Notification
from firstcontact.partners.geography import Location
from firstcontact.servicerequests.models import ServiceRequest
from firstcontact.servicerequests.references import is_valid

ANSWERS = {"deceased_name": "Pat Example", "date_of_death": "2026-11-01"}
ROBIN = Informant(given_name="Robin", family_name="Relative", email="robin@example.org")


def bundle(portal, **overrides):
    kwargs = dict(
        life_event=portal.bereavement,
        items=template_items(portal.bereavement),
        location=Location(postcode="WX3 1AA"),
        answers=ANSWERS,
        informant=ROBIN,
        consent=True,
        consent_wording="I agree.",
    )
    kwargs.update(overrides)
    return raise_bundle(**kwargs)


def test_a_bundle_raises_one_request_per_service_routed_by_place(
    portal, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        made = bundle(portal)
    assert is_valid(made.reference)
    assert not ServiceRequest.objects.filter(reference=made.reference).exists()
    by_code = {
        i.request.service.code: i.request for i in made.items.select_related("request__service")
    }
    assert by_code["tuo-council-tax-death"].responsible_partner == portal.south
    assert by_code["tuo-blue-badge-death"].responsible_partner == portal.county
    assert by_code["tuo-firearms-death"].responsible_partner == portal.police
    assert [i.order for i in made.items.all()] == [1, 2, 3, 4, 5]
    assert Customer.objects.count() == 3
    assert Customer.objects.filter(preferred_language="en").count() == 3
    # One message, about the whole bundle.
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1 and made.formatted_reference in mail.outbox[0].subject


def test_the_acknowledgement_is_in_the_residents_language(
    portal, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        made = bundle(portal, language="pl")
    assert (
        mail.outbox[0].subject
        == f"Powiedz nam raz: Twój numer referencyjny {made.formatted_reference}"
    )
    assert Customer.objects.filter(preferred_language="pl").count() == 3


def test_a_phone_only_informant_is_texted(portal):
    bundle(portal, informant=Informant(family_name="Relative", phone="07911 123456"))
    assert Notification.objects.get().channel == "sms"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"consent": False}, "consent"),
        ({"items": []}, "items"),
        ({"location": Location(postcode="ZZ9 9ZZ")}, "location"),
        ({"answers": {"deceased_name": "Pat Example"}}, "attribute[date_of_death]"),
        ({"answers": {**ANSWERS, "date_of_death": "yesterday"}}, "attribute[date_of_death]"),
        ({"informant": Informant(family_name="Relative")}, "email"),
    ],
)
def test_nothing_is_raised_when_anything_is_wrong(portal, overrides, field):
    with pytest.raises(ValidationError) as caught:
        bundle(portal, **overrides)
    assert field in caught.value.message_dict
    assert ServiceRequest.objects.count() == 0
    assert Bundle.objects.count() == 0
    assert Customer.objects.count() == 0


def test_items_must_belong_to_the_life_event(portal):
    with pytest.raises(ValidationError) as caught:
        bundle(portal, items=list(portal.moving_in.items.all()))
    assert "items" in caught.value.message_dict


def test_shared_questions_are_asked_once_and_presets_are_not_asked(portal):
    questions = shared_questions(template_items(portal.bereavement))
    codes = [a.code for a, _ in questions]
    assert codes == ["deceased_name", "date_of_death", "badge_number", "certificate_number"]
    assert dict((a.code, r) for a, r in questions)["deceased_name"] is True
    assert dict((a.code, r) for a, r in questions)["badge_number"] is False
    electoral = portal.bereavement_items["tuo-electoral-death"]
    assert answers_for(electoral, {**ANSWERS, "badge_number": "X1"}) == {
        **ANSWERS,
        "change": "remove",
    }


def test_the_plan_says_what_no_partner_provides_at_the_place(portal):
    portal.death_services[0].deliveries.filter(partner=portal.south).delete()
    plan = plan_life_event(portal.bereavement, Location(postcode="WX3 1AA"))
    assert [i.service.code for i, _ in plan.unavailable] == ["tuo-council-tax-death"]
    assert {p.pk for p in plan.partners} == {portal.south.pk, portal.county.pk, portal.police.pk}


def test_bundle_references_never_repeat_a_request_reference(portal, monkeypatch):
    from firstcontact.lifeevents import services

    taken = bundle(portal).items.first().request.reference
    draws = iter([taken, "ABCDEFGH"])
    monkeypatch.setattr(services, "new_reference", lambda: next(draws))
    assert new_bundle_reference() == "ABCDEFGH"


def test_inactive_services_are_left_out_of_the_template(portal):
    Service.objects.filter(code="tuo-library-death").update(active=False)
    assert "tuo-library-death" not in [i.service.code for i in template_items(portal.bereavement)]
    assert LifeEventService.objects.filter(service__code="tuo-library-death").exists()
    assert Service.objects.filter(kind=ServiceKind.LIFE_EVENT).count() == 7
