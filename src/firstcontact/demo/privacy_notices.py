"""Short privacy notices for the demo partners (Markdown, shown on the resident site's
/privacy/ page): who the controller is, what is kept and why, for how long, who it is shared
with, and how to ask for a copy. Realistic in shape; the organisations are fictional.
Headings are `##`: the page shows them as h3, under the partner's own h2."""

from __future__ import annotations

RIGHTS = """\
## Your rights

You can ask for a copy of what we hold about you (a subject access request: we answer
within one calendar month), and ask us to correct it, to delete it or to stop using it
where the law allows. Write to our data protection officer at {dpo}. If you are unhappy
with how we have used your details, you can complain to the Information Commissioner's
Office: ico.org.uk, 0303 123 1113.
"""

COUNCIL = """\
{name} is the controller of the details you give it through this website, its contact
centre and its offices.

## What we keep and why

Your name, contact details and address, and what you tell us about the problem, application
or question, so that we can deal with it and tell you how it is going. We use them to carry
out our public tasks and legal duties as a {tier} (UK GDPR article 6(1)(e) and (c)).
{services}

## Who sees it

Our staff who deal with your request, and the shared contact centre run by Casterbridge
District Council, which answers for us under an agreement. We share your details with
another organisation in the partnership only when you agree (for example when you tell us
once about a death or a move) or when the law requires it.

## How long we keep it

Contacts for 2 years; requests for 6 years after they are closed; photos of a reported
problem for 1 year.

"""

COUNCIL_SERVICES = {
    "county": (
        "Highways faults, Blue Badges, school admissions, libraries and adult social care. "
        "Details about your health or care are special category data: we use them only to "
        "provide care and support (article 9(2)(h))."
    ),
    "district": (
        "Bins and recycling, council tax, housing benefit, housing advice, the electoral "
        "register, planning and parking."
    ),
}

POLICE = """\
Wessex Constabulary is the controller of the details it receives through this website, such
as reports of antisocial behaviour passed to it by the partnership's councils.

## What we keep and why

What you report, who you are and how to contact you, and anyone you name, so that we can
prevent and detect crime and keep people safe. We process it for law enforcement purposes
under Part 3 of the Data Protection Act 2018.

## Who sees it

Our officers and staff; the councils' community safety teams when we work on a problem
together; other bodies only where the law requires it. Some of your rights can be limited
where using them would harm an investigation.

## How long we keep it

Under the national guidance on police information: reports with no further action are
reviewed after 6 years.

"""

NHS = """\
Wessex Vale NHS Trust is the controller of the details it receives through this website,
for example when a council refers you to our community services with your agreement.

## What we keep and why

Your name, contact details, date of birth and what you tell us about your health and
circumstances, so that we can give you care. We use them to provide health and care
services (UK GDPR article 6(1)(e) and article 9(2)(h)). We follow the common law duty of
confidentiality and the Caldicott principles.

## Who sees it

The health and care staff looking after you, and your GP. We share with the council's
adult social care team only to plan your care with you.

## How long we keep it

As the NHS Records Management Code of Practice sets out: most adult records for 8 years
after your last contact with us.

"""

HOUSING = """\
Egdon Homes Housing Association is the controller of the details you give it as a tenant or
applicant, including repairs reported through this website.

## What we keep and why

Your name, contact details, your home's address and what you report, so that we can carry
out repairs and manage your tenancy (UK GDPR article 6(1)(b), our tenancy agreement with
you, and 6(1)(c), our duties as a landlord).

## Who sees it

Our staff and the contractors who carry out repairs (only what they need to get into your
home and do the work). We share with the council or the police only where the law allows,
for example about antisocial behaviour.

## How long we keep it

Repair records for 6 years after the work; tenancy records for 6 years after the tenancy
ends.

"""


def privacy_notice(name: str, kind: str, domain: str) -> str:
    """The demo notice for one partner (kind: a PartnerKind value)."""
    dpo = f"dpo@{domain}"
    if kind in {"county", "district"}:
        tier = "county council" if kind == "county" else "district council"
        body = COUNCIL.format(name=name, tier=tier, services=COUNCIL_SERVICES[kind])
    elif kind == "police":
        body = POLICE
    elif kind == "nhs":
        body = NHS
    else:
        body = HOUSING
    return body + RIGHTS.format(dpo=dpo)


def privacy_notice_url(domain: str) -> str:
    return f"https://www.{domain}/privacy-notice/"
