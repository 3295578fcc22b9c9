"""`firstcontact load_demo`: load the fictional Wessex partnership, its staff logins and 90 days
of contacts and requests. Running it again changes nothing."""

from __future__ import annotations

import io
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from firstcontact.catalogue.models import Service
from firstcontact.contacts.models import Contact
from firstcontact.customers.models import Customer
from firstcontact.demo.loader import DEFAULT_PEOPLE, SEED, is_loaded, load
from firstcontact.demo.partnership import (
    DEMO_PASSWORD,
    SECOND_FACTOR_DEMO_LOGIN,
    STAFF,
)
from firstcontact.partners.models import Membership, Partner
from firstcontact.servicerequests.models import Referral, RequestUpdate, ServiceRequest


class Command(BaseCommand):
    help = (
        "Load the demo partnership (a fictional two-tier county, three districts, police, NHS "
        "and housing association), its services, staff logins, customers, contacts and "
        "requests. Does nothing if it is already loaded."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--people",
            type=int,
            default=DEFAULT_PEOPLE,
            help=f"How many customers to create (default {DEFAULT_PEOPLE}); contacts and "
            "requests are scaled to match.",
        )
        parser.add_argument("--seed", type=int, default=SEED, help="Random seed.")
        parser.add_argument("--no-progress", action="store_true", help="Do not show progress bars.")
        parser.add_argument(
            "--no-calls",
            dest="calls",
            action="store_false",
            help="Skip the month of telephony (queue_log) calls for the insight pages.",
        )

    def handle(self, *args, **options) -> None:
        if options["people"] < 10:
            raise CommandError("--people must be at least 10.")
        if is_loaded():
            self.stdout.write("Demo partnership already loaded.")
        else:
            started = time.monotonic()
            try:
                made = load(
                    people=options["people"],
                    seed=options["seed"],
                    progress=options["verbosity"] > 0 and not options["no_progress"],
                )
            except RuntimeError as exc:
                raise CommandError(str(exc)) from exc
            except IntegrityError as exc:
                raise CommandError(
                    f"The demo clashes with data already in the database ({exc}). "
                    "Load it into a freshly migrated database."
                ) from exc
            if options["calls"]:
                # A month of ACD calls, rollups and sampling rules for the insight pages.
                from firstcontact.telephony.demo import load_demo_calls

                load_demo_calls(self.stdout)
            elapsed = time.monotonic() - started
            self.stdout.write(self.style.SUCCESS(f"Loaded the demo partnership in {elapsed:.1f}s."))
            existing = made["partnership"].existing_usernames
            if existing:
                self.stdout.write(
                    self.style.WARNING(
                        "These usernames were already taken, so they were given the demo role "
                        f"but keep their own password: {', '.join(existing)}."
                    )
                )
        self._counts()
        self._logins()

    def _second_factor(self, user) -> None:
        """How to sign in as the login that shows the second factor."""
        import segno
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from firstcontact.accounts.conf import OPTIONAL, two_factor_mode
        from firstcontact.accounts.services import secret_text

        if two_factor_mode() == OPTIONAL:
            self.stdout.write(
                "The demo logins sign in with the password alone (STAFF_TWO_FACTOR=optional), "
                f"except {SECOND_FACTOR_DEMO_LOGIN}."
            )
        else:
            self.stdout.write(
                "Every login sets up an authenticator app at its first sign-in "
                "(STAFF_TWO_FACTOR=required)."
            )
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() if user else None
        if device is None:
            return
        self.stdout.write(
            f"{SECOND_FACTOR_DEMO_LOGIN} asks for a 6-digit code from an authenticator app. "
            "Add this to the app (as a link or a QR code), or type the key:"
        )
        self.stdout.write(f"  {device.config_url}")
        # The same as a QR code the app can scan from the terminal.
        qr = io.StringIO()
        segno.make(device.config_url, error="l").terminal(out=qr, compact=True, border=2)
        self.stdout.write(qr.getvalue().rstrip("\n"))
        secret = secret_text(device)
        self.stdout.write(f"  key: {secret}  (time-based, 6 digits, 30 seconds)")
        self.stdout.write(f"  or in a terminal: oathtool --totp -b {secret.replace(' ', '')}")

    def _counts(self) -> None:
        counts = [
            ("Partners", Partner.objects.count()),
            ("Services", Service.objects.count()),
            ("Customers", Customer.objects.count()),
            ("Contacts", Contact.objects.count()),
            ("Requests", ServiceRequest.objects.count()),
            ("Timeline updates", RequestUpdate.objects.count()),
            ("Referrals", Referral.objects.count()),
        ]
        self.stdout.write("  ".join(f"{label}: {n:,}" for label, n in counts))

    def _logins(self) -> None:
        User = get_user_model()
        usernames = [s.username for s in STAFF]
        users = {u.username: u for u in User.objects.filter(username__in=usernames)}
        memberships = {
            (m.user.username, m.partner.slug, m.role): m
            for m in Membership.objects.filter(user__username__in=usernames).select_related(
                "user", "partner", "team"
            )
        }
        rows = [("Username", "Partner", "Role", "Team")]
        for spec in STAFF:
            if spec.username not in users:
                continue
            membership = memberships.get((spec.username, spec.partner, spec.role))
            if membership is None:
                continue
            role = membership.get_role_display()
            if spec.note:
                role = f"{role} ({spec.note})"
            rows.append(
                (
                    spec.username,
                    membership.partner.name,
                    role,
                    membership.team.name if membership.team else "",
                )
            )
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        self.stdout.write("")
        self.stdout.write("Demo logins")
        for i, row in enumerate(rows):
            line = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            self.stdout.write(line.rstrip())
            if i == 0:
                self.stdout.write("  ".join("-" * w for w in widths))
        self.stdout.write("")
        self.stdout.write(f"Password for every demo login: {DEMO_PASSWORD}")
        self._second_factor(users.get(SECOND_FACTOR_DEMO_LOGIN))
        self.stdout.write("Open http://127.0.0.1:8000/")
