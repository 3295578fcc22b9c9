"""The standard bereavement and moving-in templates, built on whatever catalogue is loaded."""

from django.core.management import call_command

from firstcontact.catalogue.models import Service, ServiceDelivery, ServiceKind, Tier
from firstcontact.lifeevents.defaults import install_default_life_events
from firstcontact.lifeevents.models import LifeEvent


def test_templates_copy_the_partners_of_the_services_they_tell(partnership):
    p = partnership
    council_tax = Service.objects.create(
        code="council-tax", name="Council Tax", kind=ServiceKind.INFORMATION, tier=Tier.DISTRICT
    )
    ServiceDelivery.objects.create(service=council_tax, partner=p.north, team=p.north_waste)
    ServiceDelivery.objects.create(service=council_tax, partner=p.south, team=p.south_waste)
    blue_badge = Service.objects.create(
        code="blue-badge",
        name="Blue Badge",
        kind=ServiceKind.APPLICATION,
        tier=Tier.COUNTY,
        sla_policy=p.five_days,
    )
    ServiceDelivery.objects.create(service=blue_badge, partner=p.county, team=p.highways)

    made = install_default_life_events()

    bereavement = LifeEvent.objects.get(slug="bereavement")
    assert [e.slug for e in made] == ["bereavement", "moving-in"]
    codes = list(bereavement.items.values_list("service__code", flat=True))
    assert codes == ["tuo-council-tax-death", "tuo-blue-badge-death", "tuo-firearms-death"]
    badge = Service.objects.get(code="tuo-blue-badge-death")
    assert badge.private and badge.kind == ServiceKind.LIFE_EVENT
    assert badge.sla_policy == p.five_days
    assert list(badge.deliveries.values_list("partner__slug", "team__name")) == [
        ("wessex", "Highways")
    ]
    assert set(
        Service.objects.get(code="tuo-council-tax-death").deliveries.values_list(
            "partner__slug", flat=True
        )
    ) == {"north", "south"}
    firearms = Service.objects.get(code="tuo-firearms-death")
    assert list(firearms.deliveries.values_list("partner__slug", flat=True)) == ["police"]
    assert not bereavement.items.get(service=firearms).selected_by_default
    assert list(badge.attributes.values_list("code", flat=True)) == [
        "deceased_name",
        "date_of_death",
        "deceased_date_of_birth",
        "badge_number",
    ]
    assert list(
        LifeEvent.objects.get(slug="moving-in").items.values_list("service__code", flat=True)
    ) == ["tuo-council-tax-move", "tuo-bins-move"]

    # Running again changes nothing.
    assert install_default_life_events() == []
    call_command("load_life_events")
    assert LifeEvent.objects.count() == 2
