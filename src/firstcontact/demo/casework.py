"""Demo canned replies (a few per partner, some for one service) and a saved view of the
work queue for the highways caseworker, so /work/replies/, the request page's picker, the
bulk form and "My saved views" show something from the start."""

from __future__ import annotations

from firstcontact.casework.models import CannedReply, SavedView
from firstcontact.catalogue.models import Service

GENERAL = [
    (
        "Received and logged",
        "Hello {customer_first_name}, thank you for your report {reference} about {service}. "
        "{team} at {partner} has it, and we aim to deal with it by {due_date}.",
    ),
    (
        "Waiting for more information",
        "Hello {customer_first_name}, we need a little more information about {reference} "
        "before we can go on. Please call us, quoting the reference.",
    ),
    (
        "Finished",
        "Hello {customer_first_name}, we have finished working on {reference}. Thank you for "
        "telling {partner}.",
    ),
]
# Replies for one service, where the partner delivers it.
FOR_SERVICE = {
    "pothole": (
        "Pothole: repair booked",
        "We have inspected the pothole you reported ({reference}) and booked a repair. {team} "
        "aims to finish it by {due_date}.",
    ),
    "missed-bin": (
        "Missed bin: crew sent back",
        "Sorry we missed your bin. A crew will return to collect it; your reference is "
        "{reference}.",
    ),
    "fly-tipping": (
        "Fly-tipping: cleared",
        "The fly-tipping you reported ({reference}) has been cleared. Thank you.",
    ),
    "graffiti": (
        "Graffiti: removal booked",
        "We have booked the removal of the graffiti you reported ({reference}).",
    ),
    "asb": (
        "Antisocial behaviour: officer assigned",
        "An officer of {team} has your report {reference} and will be in touch.",
    ),
}


def create_casework_demo(partnership) -> dict[str, int]:
    replies = []
    for partner in partnership.partners.values():
        for title, text in GENERAL:
            replies.append(CannedReply(partner=partner, title=title, text=text))
        for code, (title, text) in FOR_SERVICE.items():
            service = Service.objects.filter(code=code, deliveries__partner=partner).first()
            if service is not None:
                replies.append(
                    CannedReply(partner=partner, service=service, title=title, text=text)
                )
    CannedReply.objects.bulk_create(replies)
    views = 0
    officer = partnership.users.get("highways")
    team = next((t for (slug, name), t in partnership.teams.items() if name == "Highways"), None)
    if officer is not None and team is not None:
        SavedView.objects.create(
            user=officer,
            name="Overdue, most urgent first",
            query=f"team={team.pk}&sla=overdue&sort=priority",
        )
        SavedView.objects.create(
            user=officer, name="Mine, earliest due", query="team=&assignee=me&sort=due"
        )
        views = 2
    return {"canned_replies": len(replies), "saved_views": views}
