"""Where a pin on the report map is, in words, for the map's live region (portal/nearest.py)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_http_methods

from firstcontact.portal.nearest import describe_pin


@require_http_methods(["GET"])
def pin_place(request: HttpRequest) -> JsonResponse:
    """{"text": "Pin placed on the map near Mill Lane, WX2 1AA"}; the plain words for a
    point that is not one (never an error: the map announces whatever comes back)."""
    text = describe_pin(request.GET.get("lat", "")[:30], request.GET.get("lng", "")[:30])
    return JsonResponse({"text": text})
