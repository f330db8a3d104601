"""channeldesk import accounts FILE.csv [--partner ID] [--as EMAIL] [--dry-run]"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from channeldesk.accounts.csvio import COLUMNS, import_accounts
from channeldesk.core.management.actors import command_actor
from channeldesk.tenancy import reach
from channeldesk.tenancy.roles import PARTNER_KINDS


class Command(BaseCommand):
    help = (
        "Import customer accounts from CSV (columns: "
        + ", ".join(COLUMNS)
        + "). All or nothing: any bad row means nothing is imported and every bad row is listed."
    )

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["accounts"])
        parser.add_argument("file")
        parser.add_argument("--partner", default=None, help="partner id for rows without one")
        parser.add_argument("--as", dest="email", default=None, help="act as this user")
        parser.add_argument("--dry-run", action="store_true", help="validate only")

    def handle(self, *args, **o):
        actor = command_actor(o["email"])
        partner = None
        if o["partner"]:
            try:
                partner = reach.organization_in_reach(actor, o["partner"], kinds=PARTNER_KINDS)
            except Exception:
                raise CommandError(f"unknown partner {o['partner']}") from None
        started = time.monotonic()
        try:
            with open(o["file"], encoding="utf-8-sig", newline="") as fh:
                report = import_accounts(actor, fh, partner=partner, dry_run=o["dry_run"])
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {o['file']}: {exc}") from None
        seconds = time.monotonic() - started
        if not report.ok:
            for line in report.lines():
                self.stderr.write(line)
            raise CommandError(
                f"{len(report.errors)} problem(s) in {report.rows} row(s); nothing was imported"
            )
        verb = "validated" if o["dry_run"] else "imported"
        self.stdout.write(f"{verb} {report.rows} account(s) in {seconds:.1f} s")
