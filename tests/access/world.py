"""The demo partnership, plus for every partner the objects the demo does not make: a
callback (one for its own customer, one for another partner's), a failed notification, a
photo, an open and a declined referral, a complaint, a tell-us-once bundle, an Open311 report,
and a consent that names one partner."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from firstcontact.contacts.models import Callback
from firstcontact.customers.models import Consent, ConsentPurpose, Customer
from firstcontact.demo.partnership import STAFF
from firstcontact.lifeevents.models import Bundle, BundleItem, LifeEvent
from firstcontact.lifeevents.services import new_bundle_reference
from firstcontact.notify.models import Notification
from firstcontact.open311.models import Open311Client, Open311Submission
from firstcontact.partners.models import Partner
from firstcontact.privacy.models import DataSharingAgreement
from firstcontact.servicerequests.models import (
    Complaint,
    Referral,
    RequestAttachment,
    RequestPhoto,
    RequestUpdate,
    ServiceRequest,
    Status,
)

PEOPLE = 120
# A 1x1 PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@dataclass
class World:
    partners: list[Partner]
    users: dict[str, object]
    customers: list[Customer] = field(default_factory=list)
    requests: list[ServiceRequest] = field(default_factory=list)
    callbacks: list[Callback] = field(default_factory=list)
    notifications: list[Notification] = field(default_factory=list)
    photos: list[RequestPhoto] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)
    bundles: list[SimpleNamespace] = field(default_factory=list)
    services: list = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)
    conversations: list = field(default_factory=list)
    attachments: list = field(default_factory=list)
    files: list = field(default_factory=list)  # RequestAttachment, one per partner
    pairs: list = field(default_factory=list)  # linkage.CandidatePair: within and across
    merges: list = field(default_factory=list)  # customers.CustomerMerge, one per partner
    # Each partner's Open311 client and its api_key (an integrator holding a key).
    open311_clients: list[tuple[Open311Client, str]] = field(default_factory=list)
    # Texts that only some may see: a request's internal note (own, hub and referred readers,
    # not `shared` ones) and its public update.
    internal_notes: dict[int, str] = field(default_factory=dict)
    public_updates: dict[int, str] = field(default_factory=dict)


def subjects() -> list[str]:
    """The demo logins, one per partner, role and team (adviser2 is adviser again)."""
    seen, names = set(), []
    for spec in STAFF:
        key = (spec.partner, spec.role, spec.team)
        if key not in seen:
            seen.add(key)
            names.append(spec.username)
    return names


def build_world() -> World:
    call_command("load_demo", people=PEOPLE, no_progress=True, calls=False, stdout=io.StringIO())
    User = get_user_model()
    partners = list(Partner.objects.order_by("slug"))
    users = {u.username: u for u in User.objects.filter(username__in=subjects())}
    world = World(partners=partners, users=users)
    now = timezone.now()
    life_event = LifeEvent.objects.first() or LifeEvent.objects.create(
        slug="leak-matrix", name="Tell us about a death", kind="bereavement"
    )
    staff_user = users["admin"]
    for i, partner in enumerate(partners):
        other = partners[(i + 1) % len(partners)]
        third = partners[(i + 2) % len(partners)]
        customers = list(
            Customer.objects.filter(partner=partner, phones__isnull=False)
            .distinct()
            .order_by("pk")[:2]
        )
        if len(customers) < 2:
            customers += list(
                Customer.objects.filter(partner=partner).exclude(pk__in=[c.pk for c in customers])
            )[: 2 - len(customers)]
        world.customers += customers
        # A consent naming one partner that has a sharing agreement with this one: it lets
        # that partner (and only it) see the record.
        recipient = (
            DataSharingAgreement.objects.filter(provider=partner)
            .order_by("recipient__slug")
            .first()
        )
        if customers and recipient is not None:
            Consent.objects.create(
                customer=customers[0],
                purpose=ConsentPurpose.SHARE_WITH_PARTNERS,
                recipient_id=recipient.recipient_id,
                given_at=now - dt.timedelta(days=3),
                how="Leak matrix: agreed on the phone",
            )
        requests = list(
            ServiceRequest.objects.filter(responsible_partner=partner, customer__isnull=False)
            .exclude(status=Status.CLOSED)
            .order_by("pk")[:2]
        )
        requests += list(
            ServiceRequest.objects.filter(responsible_partner=partner, customer__isnull=True)
            .exclude(status=Status.CLOSED)
            .order_by("pk")[:1]
        )
        world.requests += requests
        if not requests:
            continue
        first = requests[0]
        second = requests[1] if len(requests) > 1 else first
        world.referrals.append(
            Referral.objects.create(
                request=first,
                from_partner=partner,
                to_partner=other,
                reason=f"Leak matrix open referral from {partner.slug}",
                state=Referral.State.SENT,
                created_by=staff_user,
            )
        )
        world.referrals.append(
            Referral.objects.create(
                request=second,
                from_partner=partner,
                to_partner=third,
                reason=f"Leak matrix declined referral from {partner.slug}",
                state=Referral.State.DECLINED,
                outcome="Not for us",
                created_by=staff_user,
            )
        )
        Complaint.objects.get_or_create(
            request=second, defaults={"stage1_due_at": now + dt.timedelta(days=10)}
        )
        # A callback for this partner about its own customer, and one about another
        # partner's customer (which only those who may read that customer may open).
        foreign = Customer.objects.filter(partner=other).order_by("pk").first()
        for n, customer in enumerate([customers[0] if customers else None, foreign]):
            world.callbacks.append(
                Callback.objects.create(
                    partner=partner,
                    customer=customer,
                    phone=f"+44770090{1000 + i * 10 + n:04d}",
                    reason=f"Leak matrix callback {partner.slug} {n}: rent arrears worry",
                    window_start=now + dt.timedelta(hours=1),
                    window_end=now + dt.timedelta(hours=3),
                    created_by=staff_user,
                )
            )
        world.notifications.append(
            Notification.objects.create(
                channel="email",
                recipient=f"leak-matrix-{partner.slug}@example.net",
                subject=f"Leak matrix notification {partner.slug}",
                body="Your request has been updated.",
                status="failed",
                attempts=3,
                last_error="Mailbox unavailable",
                service_request=first,
            )
        )
        photo = RequestPhoto(request=first, content_type="image/png", size=len(PNG))
        photo.file.save("leak.png", ContentFile(PNG), save=True)
        world.photos.append(photo)
        kept = RequestAttachment(
            request=first, name="letter.pdf", content_type="application/pdf", size=20
        )
        kept.file.save("leak.pdf", ContentFile(b"%PDF-1.4\n%leak matrix"), save=True)
        world.files.append(kept)
        client = Open311Client(partner=partner, name=f"Leak matrix client {partner.slug}")
        raw_key = client.set_new_key()
        client.save()
        world.open311_clients.append((client, raw_key))
        add_public_submission(client, partner, now)
        add_sharing_consent(first, now)
        for sr in requests:
            add_updates(world, sr, staff_user)
        Open311Submission.objects.create(
            client=client,
            partner=partner,
            service_request=first,
            reference=first.reference,
            service=first.service,
            responsible_partner=partner,
            processed_at=now,
            client_request_id=f"leak-{partner.slug}",
        )
        # A bundle holding a request of this partner and one of the next partner's.
        bundle = Bundle.objects.create(
            reference=new_bundle_reference(), life_event=life_event, consent_given_at=now
        )
        items = [first]
        BundleItem.objects.create(bundle=bundle, request=first, order=1)
        world.bundles.append(SimpleNamespace(bundle=bundle, requests=items))
    # Let the bundles hold requests of two partners.
    for n, entry in enumerate(world.bundles):
        nxt = world.bundles[(n + 1) % len(world.bundles)].requests[0]
        second_request = next(
            (
                r
                for r in world.requests
                if r.responsible_partner_id == nxt.responsible_partner_id
                and r.pk != nxt.pk
                and not BundleItem.objects.filter(request=r).exists()
            ),
            None,
        )
        if second_request is not None:
            BundleItem.objects.create(bundle=entry.bundle, request=second_request, order=2)
            entry.requests.append(second_request)
    world.services = [r.service for r in world.requests[:: max(1, len(world.requests) // 4)]]
    for partner in partners:
        add_conversations(world, partner, now)
    add_case_work_kept_in_the_admin(world, now)
    add_duplicates(world)
    return world


def add_duplicates(world: World) -> None:
    """For the data steward's pages: per partner, a pair of its two records and a pair of
    its first record with the next partner's (readable across partners where the demo's
    agreements and the consent above allow), and a merge of two records made for it."""
    from firstcontact.customers.merging import merge_customers
    from firstcontact.linkage.models import CandidatePair

    by_partner: dict[int, list[Customer]] = {}
    for customer in world.customers:
        by_partner.setdefault(customer.partner_id, []).append(customer)
    firsts = [c[0] for c in by_partner.values()]
    couples = [tuple(c[:2]) for c in by_partner.values() if len(c) >= 2]
    couples += [(a, b) for a, b in zip(firsts, firsts[1:] + firsts[:1], strict=True) if a != b]
    for a, b in couples:
        left, right = sorted([a, b], key=lambda c: c.pk)
        pair, _ = CandidatePair.objects.update_or_create(
            left=left,
            right=right,
            defaults={
                "weight": 20.0,
                "probability": 0.99,
                "comparison": {"family_name": "different"},
                "cross_partner": left.partner_id != right.partner_id,
                "source": "batch",
                "status": "pending",
            },
        )
        world.pairs.append(pair)
    for partner in world.partners:
        keep, gone = (
            Customer.objects.create(partner=partner, given_name=given, family_name="Leakmerge")
            for given in ("Kept", "Gone")
        )
        world.merges.append(merge_customers(keep, gone, by=None))


def add_case_work_kept_in_the_admin(world: World, now) -> None:
    """Case work the admin site keeps for superusers only (docs/access.md, "Other writes"):
    an erasure request naming a customer and a survey invitation about a request, so an
    admin page showing them to a partnership administrator is found."""
    from firstcontact.insight.models import SurveyInvitation
    from firstcontact.retention.models import ErasureRequest

    customer = world.customers[0]
    ErasureRequest.objects.create(
        partner_id=customer.partner_id,
        customer=customer,
        requester="Leak matrix: the person, by letter",
    )
    sr = next(r for r in world.requests if r.customer_id)
    SurveyInvitation.objects.create(
        service_request=sr,
        partner_id=sr.responsible_partner_id,
        rate=0.5,
        expires_at=now + dt.timedelta(days=14),
    )


def add_public_submission(client: Open311Client, partner: Partner, now) -> None:
    """A report the client sent about a request of a public service: its client id is shown
    to that client in Open311's public lists, and to no other client."""
    sr = (
        ServiceRequest.objects.filter(
            responsible_partner=partner, service__requests_public=True, service__active=True
        )
        .exclude(open311_submissions__isnull=False)
        .order_by("pk")
        .first()
    )
    if sr is not None:
        Open311Submission.objects.create(
            client=client,
            partner=partner,
            service_request=sr,
            reference=sr.reference,
            service=sr.service,
            responsible_partner=partner,
            processed_at=now,
            client_request_id=f"leak-{partner.slug}-public",
        )


def add_sharing_consent(sr: ServiceRequest, now) -> None:
    """The request's customer consents to sharing with a partner that has an agreement
    covering service requests: that partner's staff read the request as `shared` (public
    updates only)."""
    if sr.customer_id is None:
        return
    recipient = next(
        (
            agreement.recipient_id
            for agreement in DataSharingAgreement.objects.filter(
                provider_id=sr.responsible_partner_id
            ).order_by("recipient__slug")
            if "service_requests" in (agreement.categories or [])
        ),
        None,
    )
    if recipient is not None:
        Consent.objects.create(
            customer_id=sr.customer_id,
            purpose=ConsentPurpose.SHARE_WITH_PARTNERS,
            recipient_id=recipient,
            given_at=now - dt.timedelta(days=2),
            how="Leak matrix: agreed at the desk",
        )


def add_updates(world: World, sr: ServiceRequest, author) -> None:
    internal = f"Leak matrix internal note on {sr.reference}: neighbour dispute"
    public = f"Leak matrix public update on {sr.reference}: crew booked"
    RequestUpdate.objects.create(
        request=sr, author=author, kind="note", status=sr.status, public=False, text=internal
    )
    RequestUpdate.objects.create(
        request=sr, author=author, kind="note", status=sr.status, public=True, text=public
    )
    world.internal_notes[sr.pk] = internal
    world.public_updates[sr.pk] = public


def add_conversations(world: World, partner: Partner, now) -> None:
    """A mailbox of the partner with two conversations: one from its own customer (matched),
    one from a sender nobody knows, with an attachment."""
    from firstcontact.inbox.models import Attachment, Conversation, Mailbox, Message
    from firstcontact.servicerequests.references import new_reference

    mailbox = Mailbox.objects.create(
        partner=partner, name=f"Leak matrix mailbox {partner.slug}", address="in@example.net"
    )
    customer = next((c for c in world.customers if c.partner_id == partner.pk), None)
    email = customer.emails.first() if customer is not None else None
    senders = [(f"sender-{partner.slug}@example.com", None)]
    if email is not None:
        senders.insert(0, (email.address, customer))
    for n, (sender, matched) in enumerate(senders):
        conversation = Conversation.objects.create(
            mailbox=mailbox,
            partner=partner,
            channel="email",
            reference=new_reference(),
            subject=f"Leak matrix message {partner.slug} {n}",
            sender=sender,
            customer=matched,
            created_at=now,
            last_message_at=now,
        )
        message = Message.objects.create(
            conversation=conversation,
            direction="in",
            from_address=sender,
            subject=conversation.subject,
            text="Leak matrix: my bin was not collected",
            message_id=f"<leak-{partner.slug}-{n}@example.com>",
        )
        attachment = Attachment(
            message=message, filename="note.txt", content_type="text/plain", size=5, state="stored"
        )
        attachment.file.save("note", ContentFile(b"hello"), save=True)
        world.conversations.append(conversation)
        world.attachments.append(attachment)
