"""First-contact resolution against the partnership's target (issue 18).

The partnership's default is FIRSTCONTACT["FCR_TARGET"] (80%); a client partner whose hub
agreement in force records terms (insight.ServiceAgreement.fcr_target) is held to that agreed
figure instead. Figures say "met" or "not met" in words, never by colour alone."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings


def default_fcr_target() -> float:
    return float(settings.FIRSTCONTACT.get("FCR_TARGET", 0.8))


def fcr_targets(partner_ids: Iterable[int]) -> dict[int, float]:
    """Each partner's FCR target: its agreed one where a hub agreement in force has terms,
    else the partnership's default."""
    from firstcontact.insight.models import ServiceAgreement
    from firstcontact.partners.models import HubAgreement

    ids = set(partner_ids)
    targets = dict.fromkeys(ids, default_fcr_target())
    # Terms that leave the FCR target empty are held to the partnership's.
    agreed = ServiceAgreement.objects.filter(
        agreement__in=HubAgreement.objects.in_force().filter(client_id__in=ids),
        fcr_target__isnull=False,
    ).order_by("agreement__starts", "pk")
    # The latest agreement in force wins where a client has more than one.
    for client_id, target in agreed.values_list("agreement__client_id", "fcr_target"):
        targets[client_id] = target
    return targets


def fcr_target_for(partner_ids: Iterable[int], targets: dict[int, float] | None = None) -> float:
    """One target for a figure covering these partners: theirs when it is one partner (or all
    agree), else the partnership's default. `targets` (from fcr_targets, read once for a
    page's many rows) saves reading them again; a partner missing from it has the default."""
    if targets is None:
        found = set(fcr_targets(partner_ids).values())
    else:
        found = {targets.get(pid, default_fcr_target()) for pid in set(partner_ids)}
    return found.pop() if len(found) == 1 else default_fcr_target()


def against_target(rate: float | None, target: float) -> str:
    """'target 80% — met' / '— not met'; just the target when there is no figure yet."""
    text = f"target {target:.0%}"
    if rate is None:
        return f"{text} — no contacts yet"
    return f"{text} — {'met' if rate >= target else 'not met'}"
