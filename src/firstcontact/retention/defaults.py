"""The partnership's default retention schedule (a partner's own rules override it).

Periods follow common UK local-government retention guidance (the LGA/IRMS schedule): contact
records 2 years, case files 6 years after closure (the Limitation Act 1980's six years for a
claim), photos a year after the case closes, and unsent uploads a day.
"""

from __future__ import annotations

# (kind, amount, unit, action, notes)
DEFAULT_RULES: list[tuple[str, int, str, str, str]] = [
    ("contacts", 2, "years", "anonymise", "Contact history: 2 years (IRMS schedule)."),
    (
        "closed_requests",
        6,
        "years",
        "anonymise",
        "Case files: 6 years after closure (Limitation Act 1980).",
    ),
    ("photos", 1, "years", "delete", "Photos: a year after upload, once the request has closed."),
    (
        "inactive_customers",
        6,
        "years",
        "anonymise",
        "Customer records: 6 years after the last contact or request.",
    ),
    ("notifications", 2, "years", "delete", "Emails and texts sent: 2 years."),
    ("abandoned_uploads", 24, "hours", "delete", "Photos of reports never sent: a day."),
    ("audit_events", 6, "years", "delete", "Audit trail: 6 years."),
]


def create_default_rules(rule_model) -> int:
    """Create the partnership's default rules that are missing (never changes one)."""
    made = 0
    for kind, amount, unit, action, notes in DEFAULT_RULES:
        _rule, created = rule_model.objects.get_or_create(
            partner=None,
            kind=kind,
            defaults={"amount": amount, "unit": unit, "action": action, "notes": notes},
        )
        made += created
    return made
