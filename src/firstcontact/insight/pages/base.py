"""What every insight page shares: who may open it, the navigation between pages, and
rendering a page's tables as HTML or, with ?format=csv&table=NAME, one of them as CSV."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from firstcontact.insight.scoping import can_view_insight
from firstcontact.insight.tables import Table


def insight_staff(view):
    """Team leaders, managers and partnership administrators only."""
    return page_for(can_view_insight, "The insight pages are for team leaders and managers.")(view)


def page_for(allowed: Callable, refusal: str):
    """A page for signed-in users `allowed(user)` lets in: anyone else signed in gets 403
    with `refusal`; an anonymous visitor is sent to sign in."""

    def decorate(view):
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            if not request.user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            if not allowed(request.user):
                raise PermissionDenied(refusal)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str
    allowed: Callable = can_view_insight


# The pages in the insight menu, in order; a page adds itself here.
NAV: list[NavItem] = [
    NavItem("insight:dashboard", "Dashboard"),
    NavItem("insight:live", "Today’s queues"),
    NavItem("insight:calls", "Calls"),
    NavItem("insight:staffing", "Staffing"),
    NavItem("insight:pooling", "Hub pooling"),
    NavItem("insight:agreements", "Agreements"),
    NavItem("insight:recharges", "Recharges"),
    NavItem("insight:statements", "Statements"),
    NavItem("insight:referrals", "Referrals"),
    NavItem("insight:satisfaction", "Satisfaction"),
]


def nav(request: HttpRequest) -> list[dict]:
    out = []
    for item in NAV:
        if not item.allowed(request.user):
            continue
        url = reverse(item.url_name)
        out.append({"url": url, "label": item.label, "current": request.path == url})
    return out


def render_page(request, template: str, context: dict, tables: list[Table]) -> HttpResponse:
    if request.GET.get("format") == "csv":
        wanted = request.GET.get("table", "")
        for table in tables:
            if table.name == wanted:
                return table.csv_response()
        raise Http404("No table of that name on this page.")
    query = request.GET.copy()
    query.pop("format", None)
    query.pop("table", None)
    context.update(tables=tables, query=query.urlencode())
    context.setdefault("nav", nav(request))
    return render(request, template, context)
