"""The request page's "Other agencies" panel (insight.reciprocal): where a request raised for
another agency came from, the requests raised from this one, and the link to raise one."""

from django import template

register = template.Library()


@register.inclusion_tag("insight/includes/reciprocal_panel.html", takes_context=True)
def reciprocal_panel(context, sr):
    from firstcontact.insight.reciprocal import (
        may_raise_for_other_agency,
        raised_from_request,
        source_of,
    )
    from firstcontact.insight.scoping import community_safety_service_ids
    from firstcontact.partners.selectors import acting_partner_ids
    from firstcontact.servicerequests.models import Status

    user = context["request"].user
    may_raise = (
        sr.status != Status.CLOSED
        and sr.service_id in community_safety_service_ids()
        and sr.responsible_partner_id in acting_partner_ids(user)
        and may_raise_for_other_agency(user)
    )
    return {
        "sr": sr,
        "source": source_of(user, sr),
        "raised": raised_from_request(user, sr),
        "may_raise": may_raise,
    }
