"""The resident site's privacy notice: what the site itself keeps, then each partner's own
notice (Partner.privacy_notice, Markdown rendered safely: raw HTML is shown as text)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.utils.safestring import SafeString

from firstcontact.desk.markdown import render_markdown
from firstcontact.partners.models import Partner
from firstcontact.portal.rendering import portal_context, render_portal


@dataclass
class PartnerNotice:
    partner: Partner
    notice: SafeString | None  # None: the partner has not written one here


def privacy(request: HttpRequest) -> HttpResponse:
    # The same partners, in the same order, as the footer names.
    partners = portal_context(request)["partnership_members"]
    notices = [
        PartnerNotice(
            partner=partner,
            notice=render_markdown(partner.privacy_notice)
            if partner.privacy_notice.strip()
            else None,
        )
        for partner in partners
    ]
    return render_portal(request, "portal/privacy.html", {"notices": notices})
