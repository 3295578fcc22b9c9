"""A record kept right: Harriet Ambleside (the desk search's hint) has had her details changed
by an adviser, so her page shows the history of changes, and has given a consent in the
adviser's words, which the consents page shows."""

from __future__ import annotations

from firstcontact.customers.models import Customer
from firstcontact.customers.services import record_consent, update_customer
from firstcontact.demo.partnership import Partnership


def create_customer_history_demo(partnership: Partnership, customer: Customer) -> None:
    adviser = partnership.users["adviser"]
    update_customer(
        user=adviser,
        customer=customer,
        version=customer.version,
        data={
            "phones": ["01632 960 001", "07700 900 417"],
            "accessibility_needs": "Large print letters; prefers calls after 10am.",
        },
    )
    record_consent(
        user=adviser,
        customer=customer,
        purpose="sms_updates",
        channel="phone",
        how=f"Told {adviser.get_username()} on the phone",
    )
