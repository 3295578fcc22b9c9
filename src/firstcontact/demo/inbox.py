"""Email and text messages in, for the demo: each partner's shared mailboxes (contact@,
council.tax@, highways@, pals@, repairs@), the hub's and the housing association's SMS numbers,
and a few dozen conversations whatever the demo's size.

Every message goes through the real path: its bytes are stored as a raw message (as the mail
gateway webhook or Notify's callback would), backdated to when it "arrived", then processed
(threading, customer matching, the first-response standard, the acknowledgement). Staff then
act through inbox.services (claim, reply, note, raise a request, resolve), and their actions
are backdated to sit a few hours after the message they answer. So the Messages page shows
matched and unknown senders, replies and follow-ups in a thread, and conversations on time,
due soon and overdue."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from django.contrib.auth import get_user_model
from PIL import Image, ImageDraw

from firstcontact.catalogue import sla
from firstcontact.catalogue.models import Service, SLAPolicy
from firstcontact.contacts.models import Outcome
from firstcontact.customers.models import Customer
from firstcontact.demo.partnership import COUNTY, HOUSING, HUB, NHS, POLICE, Partnership
from firstcontact.inbox import services
from firstcontact.inbox.models import (
    Conversation,
    DeliveryState,
    Direction,
    Mailbox,
    Message,
    RawMessage,
    Source,
)
from firstcontact.servicerequests.escalation import WARNING_FRACTION, warning_window
from firstcontact.servicerequests.services import clean_location

FIRST_RESPONSE = "2 working days"


@dataclass(frozen=True)
class BoxSpec:
    key: str
    partner: str
    team: str
    name: str
    local_part: str = ""
    sms_number: str = ""


# Ofcom's drama numbers (07700 900xxx) for the SMS numbers, never a real phone.
BOXES = [
    BoxSpec("county", COUNTY, "Customer Relations", "County contact", "contact"),
    BoxSpec("highways", COUNTY, "Highways", "Highways enquiries", "highways"),
    BoxSpec("hub", HUB, "Contact Centre", "Casterbridge contact", "contact", "+447700900901"),
    BoxSpec("hub-tax", HUB, "Revenues and Benefits", "Casterbridge council tax", "council.tax"),
    BoxSpec("melchester", "melchester", "Customer Services", "Melchester contact", "contact"),
    BoxSpec(
        "melchester-tax",
        "melchester",
        "Revenues and Benefits",
        "Melchester council tax",
        "council.tax",
    ),
    BoxSpec("budmouth", "budmouth", "Customer Services", "Budmouth contact", "contact"),
    BoxSpec(
        "budmouth-tax", "budmouth", "Revenues and Benefits", "Budmouth council tax", "council.tax"
    ),
    BoxSpec("police", POLICE, "Contact Management", "Police non-emergency email", "contact"),
    BoxSpec("pals", NHS, "Patient Advice and Liaison", "PALS", "pals"),
    BoxSpec("repairs", HOUSING, "Repairs", "Repairs", "repairs", "+447700900907"),
]

# Who answers each mailbox in the demo (someone who acts for its partner).
ANSWERERS = {
    "county": "adviser",
    "highways": "highways",
    "hub": "adviser",
    "hub-tax": "caseworker",
    "melchester": "shop-adviser",
    "melchester-tax": "shop-adviser",
    "budmouth": "streets-officer",
    "budmouth-tax": "adviser2",
    "police": "police",
    "pals": "nhs",
    "repairs": "housing",
}


@dataclass(frozen=True)
class Script:
    """One conversation: where it arrives, what the resident wrote, and what staff did.

    `when`: "overdue" (a week ago, unanswered), "soon" (its first response due within hours),
    or hours ago. `sender`: "customer" (a customer of the mailbox's partner, matched by email
    or phone) or an address/number nobody holds. `then`: staff actions in order."""

    box: str
    subject: str
    text: str
    when: str | int
    sender: str = "customer"
    sender_name: str = ""
    sms: bool = False
    html: str = ""
    photo: str = ""
    # A PDF attached (its title): raised with the message, it goes onto the request as a file.
    document: str = ""
    then: tuple[str, ...] = ()
    reply: str = ""
    follow_up: str = ""
    raise_service: str = ""


SCRIPTS = [
    Script(
        "hub",
        "Bins not collected on Tuesday",
        "Hello, our green bin was not emptied on Tuesday and nor were the neighbours'. "
        "Can someone come back for it please?",
        "overdue",
    ),
    Script(
        "hub",
        "Missed bulky waste collection",
        "I booked a collection of a sofa and a mattress for this morning and nobody came. "
        "They are still on the drive.",
        "soon",
    ),
    Script(
        "hub",
        "Question about garden waste subscription",
        "How do I renew my garden waste subscription? The letter says online but I don't have "
        "a computer.",
        30,
        then=("reply",),
        reply="You can renew by phone on 0117 496 0020, Monday to Friday 8am to 6pm, or at the "
        "one-stop shop in the library. It costs the same as online.",
        follow_up="Thank you, I will ring tomorrow.",
    ),
    Script(
        "hub",
        "",
        "Hi the streetlight outside 14 Elm Rd has been flashing on and off for a week",
        6,
        sms=True,
    ),
    Script(
        "hub",
        "",
        "Can I get a new recycling box? Ours blew away in the wind",
        50,
        sms=True,
        then=("reply", "resolve"),
        reply="Yes: we will deliver a new box with your next collection. No need to do anything.",
    ),
    Script(
        "hub",
        "Noise from next door every night",
        "The people next door play loud music until 2am most nights. I have asked them to stop. "
        "Who do I talk to?",
        "overdue",
        sender="worn.out.neighbour@example.net",
        sender_name="Kerry Doyle",
    ),
    Script(
        "hub",
        "Dog fouling on the playing field",
        "<p>The playing field behind <b>St Michael's school</b> is covered in dog mess again.</p>"
        "<p>Children play there every day.</p>",
        20,
        html="<p>The playing field behind <b>St Michael's school</b> is covered in dog mess "
        "again.</p><p>Children play there every day.</p>"
        '<img src="https://tracker.example.com/pixel.gif"><script>alert(1)</script>',
        then=("claim", "note"),
    ),
    Script(
        "hub-tax",
        "Council tax - moving out on the 28th",
        "I am moving out of my flat at the end of the month. What do I need to do about council "
        "tax? I'm moving to Melchester.",
        "overdue",
    ),
    Script(
        "hub-tax",
        "Single person discount",
        "My partner moved out in March. Can I get the single person discount from then?",
        "soon",
    ),
    Script(
        "hub-tax",
        "Direct debit date",
        "Please could you move my direct debit from the 1st to the 15th of the month?",
        70,
        then=("reply", "resolve"),
        reply="Done: from next month your council tax will be collected on the 15th.",
    ),
    Script(
        "hub-tax",
        "Bill for a property I don't own",
        "I've received a council tax bill for 3 Mill Lane but I sold it last year. Letter "
        "attached.",
        4,
        sender="p.hargreaves@example.com",
        sender_name="Paul Hargreaves",
    ),
    Script(
        "highways",
        "Pothole on the B3143 near the school",
        "There is a deep pothole just by the school gates on the B3143. A car hit it this "
        "morning. Photo and my claim form attached.",
        26,
        photo="Pothole",
        document="Vehicle damage claim",
        then=("raise",),
        raise_service="pothole",
    ),
    Script(
        "highways",
        "Overgrown hedge blocking the pavement",
        "The hedge on Back Lane has grown so far over the pavement that I have to walk in the "
        "road with the pushchair.",
        "overdue",
    ),
    Script(
        "highways",
        "Gritting on Church Hill",
        "Will Church Hill be gritted this winter? It was like an ice rink last year.",
        3,
        sender="hilltop.residents@example.org",
        sender_name="Church Hill Residents' Association",
    ),
    Script(
        "county",
        "Blue Badge renewal",
        "My Blue Badge runs out next month. Do I have to apply again from the start?",
        40,
        then=("reply", "resolve"),
        reply="You apply again, but you will not need new medical evidence if your condition "
        "has not changed. You can apply online or we can post you a form.",
    ),
    Script(
        "county",
        "School transport for my son",
        "My son starts at Budmouth Academy in September. Is he entitled to free school "
        "transport? We live 3.5 miles away.",
        "soon",
    ),
    Script(
        "county",
        "Library opening hours over the holiday",
        "Is Casterbridge library open on the bank holiday Monday?",
        2,
        sender="bookworm77@example.net",
    ),
    Script(
        "melchester",
        "Fly-tipping in Station Road car park",
        "Someone has dumped a fridge and a pile of black bags at the back of the Station Road "
        "car park.",
        "overdue",
    ),
    Script(
        "melchester",
        "Planning application comments",
        "How do I comment on the planning application for the new houses on Wyndham Road?",
        28,
        then=("reply", "resolve"),
        reply="You can comment on the planning portal until the date on the site notice, or by "
        "email to planning@melchester.example.org quoting the application number.",
    ),
    Script(
        "melchester",
        "Parking permit for a carer",
        "My mum's carer visits four times a day and keeps getting tickets. Is there a permit?",
        8,
        then=("claim",),
    ),
    Script(
        "melchester-tax",
        "Council tax reduction",
        "I have lost my job. Can I get help with my council tax?",
        "soon",
        sender="new.start.2026@example.com",
        sender_name="Dana Whitlock",
    ),
    Script(
        "melchester-tax",
        "Refund of overpayment",
        "I paid my council tax twice in June by mistake. How do I get the money back?",
        52,
        then=("reply",),
        reply="We have found the second payment and will refund it to your bank account within "
        "10 working days.",
        follow_up="Thanks. Will it go back to the same card?",
    ),
    Script(
        "budmouth",
        "Beach huts - waiting list",
        "How long is the waiting list for a beach hut on the promenade?",
        "overdue",
    ),
    Script(
        "budmouth",
        "Graffiti on the harbour wall",
        "Someone has sprayed offensive words on the harbour wall by the ferry steps.",
        5,
    ),
    Script(
        "budmouth",
        "Public toilets closed",
        "The toilets on the seafront have been locked all week. Are they closing for good?",
        75,
        then=("reply", "resolve"),
        reply="They were closed for repairs and reopened this morning. Sorry for the trouble.",
    ),
    Script(
        "budmouth-tax",
        "Second home premium",
        "We have inherited my father's bungalow and are clearing it to sell. Do we pay the "
        "second home premium?",
        22,
    ),
    Script(
        "police",
        "Cars speeding on Ridgeway Road",
        "Cars race up and down Ridgeway Road every evening after 9pm. Someone will get killed.",
        "overdue",
    ),
    Script(
        "police",
        "Lost property - a wallet",
        "I think I dropped my wallet at the bus station on Saturday. Has anyone handed it in?",
        30,
        then=("reply", "resolve"),
        reply="A wallet matching your description was handed in. Bring photo ID to Casterbridge "
        "police station front counter, 9am to 5pm.",
    ),
    Script(
        "pals",
        "Complaint about my appointment",
        "My mother's outpatient appointment was cancelled for the third time, with one day's "
        "notice each time.",
        "soon",
    ),
    Script(
        "pals",
        "Parking at the hospital",
        "Are blue badge holders charged for parking at the community hospital?",
        12,
        sender="visitor@example.org",
    ),
    Script(
        "repairs",
        "",
        "Boiler not working since yesterday, no hot water. Flat 3 Egdon Court",
        "overdue",
        sms=True,
    ),
    Script(
        "repairs",
        "",
        "Kitchen tap dripping constantly. When can someone come?",
        9,
        sms=True,
        then=("reply",),
        reply="Egdon Homes: a plumber can come on Thursday between 8am and 1pm. Reply NO if "
        "that does not suit.",
        follow_up="Thursday is fine thanks",
    ),
    Script(
        "repairs",
        "Damp and mould in the bedroom",
        "There is black mould spreading on the bedroom wall and the baby's room. Photo attached.",
        "soon",
        photo="Mould",
    ),
    Script(
        "repairs",
        "",
        "Front door lock broken, can't lock the flat",
        2,
        sms=True,
        sender="+447700900777",
    ),
]


@dataclass
class _Made:
    mailboxes: dict[str, Mailbox] = field(default_factory=dict)
    conversations: list[Conversation] = field(default_factory=list)


def _picture(label: str) -> bytes:
    image = Image.new("RGB", (320, 240), (90, 90, 90))
    draw = ImageDraw.Draw(image)
    draw.ellipse((60, 100, 260, 200), fill=(40, 40, 40))
    draw.text((20, 20), label, fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


def _received(when: str | int, policy: SLAPolicy, now: dt.datetime) -> dt.datetime:
    if when == "overdue":
        return now - dt.timedelta(days=7, hours=3)
    if when == "soon":
        # The latest arrival that the queue shows as "due soon" now, found by stepping back
        # (the working-day clock has no inverse). Out of hours before a weekend nothing can be
        # due soon by that rule: then the arrival that falls due first without being overdue.
        received = now
        while True:
            earlier = received - dt.timedelta(minutes=30)
            due = sla.due_at(policy, received)
            if due - min(warning_window(), (due - received) * WARNING_FRACTION) <= now:
                return received
            if sla.due_at(policy, earlier) <= now:
                return received
            received = earlier
    return now - dt.timedelta(hours=int(when))


def _customers(mailbox: Mailbox, sms: bool):
    """Customers the mailbox's partner holds with an email (or mobile), in a fixed order."""
    scope = Customer.objects.filter(partner=mailbox.partner, kind="person")
    if sms:
        return scope.filter(phones__number__startswith="+447").order_by("pk").distinct()
    return scope.exclude(emails=None).order_by("pk")


def _email(
    *,
    sender: str,
    name: str,
    to: str,
    subject: str,
    text: str,
    html: str,
    photo: str,
    received: dt.datetime,
    number: int,
    in_reply_to: str = "",
    document: str = "",
) -> bytes:
    msg = EmailMessage()
    msg["From"] = formataddr((name, sender)) if name else sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(received)
    msg["Message-ID"] = f"<demo-{number}-{int(received.timestamp())}@mail.example.net>"
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
        msg["References"] = in_reply_to
    msg.set_content(text)
    if html:
        msg.add_alternative(html, subtype="html")
    if photo:
        msg.add_attachment(
            _picture(photo), maintype="image", subtype="jpeg", filename="IMG_3307.jpg"
        )
    if document:
        msg.add_attachment(
            _pdf(document), maintype="application", subtype="pdf", filename=f"{document}.pdf"
        )
    return msg.as_bytes()


def _pdf(title: str) -> bytes:
    """A one-page PDF saying `title` (enough for a viewer to open)."""
    text = f"BT /F1 18 Tf 72 720 Td ({title}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _arrive(mailbox: Mailbox, raw: bytes, received: dt.datetime, *, source: str, **sms) -> None:
    """Store as the webhook would, backdate the arrival, process as the worker would."""
    if sms:
        row = services.store_sms(mailbox, source=source, **sms)
    else:
        row, _new = services.store_raw(mailbox, raw, source=source)
    RawMessage.objects.filter(pk=row.pk).update(received_at=received)
    services.process_raw(row.pk)


def create_mailboxes(partnership: Partnership) -> dict[str, Mailbox]:
    policy = SLAPolicy.objects.filter(name=FIRST_RESPONSE).first()
    boxes = {}
    for spec in BOXES:
        partner = partnership.partners[spec.partner]
        domain = next(p.domain for p in _partner_specs() if p.slug == spec.partner)
        boxes[spec.key] = Mailbox.objects.create(
            partner=partner,
            team=partnership.teams.get((spec.partner, spec.team)),
            name=spec.name,
            address=f"{spec.local_part}@{domain}",
            sms_number=spec.sms_number,
            first_response_policy=policy,
            acknowledgement_text=(
                f"Thank you for contacting {partner.name}. We aim to reply within {FIRST_RESPONSE}."
            ),
        )
    return boxes


def _partner_specs():
    from firstcontact.demo.partnership import PARTNERS

    return PARTNERS


def create_inbox_demo(partnership: Partnership, now: dt.datetime) -> dict[str, int]:
    made = _Made(mailboxes=create_mailboxes(partnership))
    users = {
        u.username: u for u in get_user_model().objects.filter(username__in=ANSWERERS.values())
    }
    used: dict[tuple[str, bool], int] = {}
    for number, script in enumerate(SCRIPTS, start=1):
        mailbox = made.mailboxes[script.box]
        policy = mailbox.first_response_policy
        received = _received(script.when, policy, now) if policy else now
        sender, name = script.sender, script.sender_name
        if sender == "customer":
            key = (str(mailbox.partner_id), script.sms)
            offset = used.get(key, 0)
            used[key] = offset + 1
            customer = _customers(mailbox, script.sms)[offset * 7 : offset * 7 + 1].first()
            if customer is None:
                sender = (
                    f"+4477009006{number:02d}" if script.sms else f"resident{number}@example.net"
                )
            else:
                name = customer.display_name
                sender = (
                    customer.phones.filter(number__startswith="+447").first().number
                    if script.sms
                    else customer.emails.first().address
                )
        if script.sms:
            _arrive(
                mailbox,
                b"",
                received,
                source=Source.NOTIFY,
                sender=sender.lstrip("+"),
                body=script.text,
                id=f"demo-{number}",
                received_at=received.isoformat(),
            )
        else:
            raw = _email(
                sender=sender,
                name=name,
                to=mailbox.address,
                subject=script.subject,
                text=script.text,
                html=script.html,
                photo=script.photo,
                document=script.document,
                received=received,
                number=number,
            )
            _arrive(mailbox, raw, received, source=Source.WEBHOOK)
        conversation = Conversation.objects.filter(mailbox=mailbox).order_by("-pk").first()
        if conversation is None:
            continue
        made.conversations.append(conversation)
        _act(script, conversation, users[ANSWERERS[script.box]], received, number, now)
    return {
        "mailboxes": len(made.mailboxes),
        "conversations": len(made.conversations),
    }


def _act(
    script: Script,
    conversation: Conversation,
    user,
    received: dt.datetime,
    number: int,
    now: dt.datetime,
) -> None:
    """Staff's actions on the conversation, a few hours after it arrived."""
    at = min(received + dt.timedelta(hours=3), now - dt.timedelta(minutes=20))
    for action in script.then:
        if action == "claim":
            services.claim(user=user, conversation=conversation)
        elif action == "note":
            services.add_note(
                user=user,
                conversation=conversation,
                text="Passed to the street scene team for a patrol; replying once they have been.",
            )
            Message.objects.filter(conversation=conversation, direction=Direction.NOTE).update(
                created_at=at
            )
        elif action == "reply":
            sent = services.reply(user=user, conversation=conversation, text=script.reply)
            # Long since sent (and a text delivered, as Notify's receipt would say).
            Message.objects.filter(pk=sent.pk).update(
                created_at=at,
                attempts=1,
                delivery=DeliveryState.DELIVERED if sent.to.startswith("+") else DeliveryState.SENT,
                delivery_updated_at=at + dt.timedelta(minutes=1),
            )
            Conversation.objects.filter(pk=conversation.pk).update(
                first_responded_at=at, last_message_at=at
            )
            if script.follow_up:
                _follow_up(script, conversation, sent, at, number, now)
        elif action == "resolve":
            services.resolve(user=user, conversation=conversation, outcome=Outcome.RESOLVED)
        elif action == "raise":
            _raise(script, conversation, user)
        conversation.refresh_from_db()


def _follow_up(script, conversation, sent: Message, at, number: int, now) -> None:
    """The resident writes back: by email quoting the reply's Message-ID, or by text."""
    later = min(at + dt.timedelta(hours=2), now - dt.timedelta(minutes=5))
    mailbox = conversation.mailbox
    if conversation.channel == "sms":
        _arrive(
            mailbox,
            b"",
            later,
            source=Source.NOTIFY,
            sender=conversation.sender.lstrip("+"),
            body=script.follow_up,
            id=f"demo-{number}-follow-up",
            received_at=later.isoformat(),
        )
        return
    raw = _email(
        sender=conversation.sender,
        name=conversation.sender_name,
        to=mailbox.address,
        subject=sent.subject,
        text=f"{script.follow_up}\n\n> {script.reply}",
        html="",
        photo="",
        received=later,
        number=number * 1000,
        in_reply_to=sent.message_id,
    )
    _arrive(mailbox, raw, later, source=Source.WEBHOOK)


def _raise(script: Script, conversation: Conversation, user) -> None:
    service = Service.objects.filter(code=script.raise_service).first()
    if service is None:
        return
    address = None
    if conversation.customer_id:
        address = conversation.customer.addresses.filter(is_current=True).first()
    location = (
        clean_location(postcode=address.postcode, address=f"Outside {address.line1}")
        if address is not None
        else clean_location(address="B3143 by the school gates")
    )
    services.raise_request_from(
        user=user,
        conversation=conversation,
        service=service,
        description=script.text,
        location=location,
        attributes={"depth": "deep", "hazards": ["school"]}
        if script.raise_service == "pothole"
        else None,
    )
