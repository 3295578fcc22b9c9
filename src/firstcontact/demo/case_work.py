"""Case work the demo shows whatever its size: a resident's fly-tipping photo on the staff
request page, a deep pothole by a school raised as urgent (due in 24 hours), offensive graffiti
within 24 hours, a Blue Badge application with its evidence, and complaints routed by the
service they are about (potholes: the county, though the resident lives in a district), one
linked to the request it is about and answered "partly upheld".

Everything is raised through the same service functions the desk and the resident site use, so
routing, priority rules and complaint deadlines are as they would be."""

from __future__ import annotations

import io

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from firstcontact.catalogue.models import Service
from firstcontact.customers.models import Customer, CustomerAddress
from firstcontact.demo.partnership import HUB, Partnership
from firstcontact.servicerequests.attachments import attach_evidence
from firstcontact.servicerequests.complaints import respond_to_complaint
from firstcontact.servicerequests.models import ServiceRequest
from firstcontact.servicerequests.photos import attach_photos, clean_photo
from firstcontact.servicerequests.services import clean_location, raise_request


def _picture(colour: tuple[int, int, int], label: str, fmt: str = "JPEG") -> bytes:
    image = Image.new("RGB", (320, 240), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 120, 280, 210), fill=(60, 60, 60))
    draw.text((20, 20), label, fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


PROOF_OF_ADDRESS = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)


def create_case_work_examples(partnership: Partnership) -> dict[str, ServiceRequest]:
    hub = partnership.partners[HUB]
    customer = (
        Customer.objects.filter(partner=hub, addresses__is_current=True)
        .exclude(emails=None)
        .order_by("pk")
        .first()
    )
    if customer is None:
        return {}
    address = customer.addresses.filter(is_current=True).first()
    assert isinstance(address, CustomerAddress)
    place = clean_location(postcode=address.postcode, address=f"Outside {address.line1}")
    services = {s.code: s for s in Service.objects.filter(code__in=CODES)}
    if len(services) < len(CODES):
        return {}
    made: dict[str, ServiceRequest] = {}

    made["fly_tipping"] = raise_request(
        user=None,
        service=services["fly-tipping"],
        channel="web",
        location=place,
        description="Fridge and bags of rubbish dumped in the lay-by (photo attached).",
        customer=customer,
        attributes={"waste_types": ["household", "white-goods"], "amount": "car-boot"},
    )
    photo = SimpleUploadedFile("IMG_2041.jpg", _picture((110, 140, 90), "Fly-tipping"))
    attach_photos(made["fly_tipping"], [clean_photo(photo)])

    made["pothole"] = raise_request(
        user=None,
        service=services["pothole"],
        channel="web",
        location=place,
        description="Deep pothole right by the school gates.",
        customer=customer,
        attributes={"depth": "deep", "hazards": ["school"]},
    )
    made["graffiti"] = raise_request(
        user=None,
        service=services["graffiti"],
        channel="web",
        location=place,
        description="Racist graffiti on the bus shelter.",
        attributes={"offensive": "yes", "surface": "Bus shelter"},
    )
    made["blue_badge"] = raise_request(
        user=None,
        service=services["blue-badge"],
        channel="web",
        location=clean_location(postcode=address.postcode, address=address.line1),
        customer=customer,
        attributes={"eligibility": "walking", "renewal": "no"},
    )
    attach_evidence(
        made["blue_badge"],
        [
            (
                "photo",
                "A recent photo of the badge holder's face",
                "passport photo.png",
                io.BytesIO(_picture((200, 190, 170), "Photo", "PNG")),
            ),
            (
                "proof-of-address",
                "Proof of address",
                "council tax bill.pdf",
                io.BytesIO(PROOF_OF_ADDRESS),
            ),
        ],
    )
    # Complaints go to whoever delivers what they are about: both to the county, though the
    # resident lives in a district.
    made["complaint_about_roads"] = raise_request(
        user=None,
        service=services["complaint"],
        channel="web",
        location=place,
        customer=customer,
        about_service=services["street-light"],
        attributes={"what_happened": "The street light outside has been out for a month."},
    )
    made["complaint_answered"] = raise_request(
        user=None,
        service=services["complaint"],
        channel="web",
        location=place,
        customer=customer,
        about_request=made["pothole"],
        attributes={
            "what_happened": "Nobody came to the pothole by the school for three days.",
            "outcome_wanted": "An apology and the hole filled.",
        },
    )
    officer = get_user_model().objects.filter(username="highways").first()
    if officer is not None:
        respond_to_complaint(
            user=officer,
            request=made["complaint_answered"],
            decision="partly_upheld",
            letter=(
                "Thank you for your complaint. The pothole was made safe within 24 hours, but we "
                "did not tell you so, and we should have. We are sorry."
            ),
        )
    return made


CODES = ["fly-tipping", "pothole", "graffiti", "blue-badge", "complaint", "street-light"]
