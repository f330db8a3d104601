"""channeldesk export accounts [--out FILE] [--as EMAIL]"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from channeldesk.accounts.csvio import export_accounts
from channeldesk.core.management.actors import command_actor


class Command(BaseCommand):
    help = "Export the customer accounts in reach as CSV (formula cells neutralised)."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["accounts"])
        parser.add_argument("--out", default="-", help="file (default: standard output)")
        parser.add_argument("--as", dest="email", default=None, help="act as this user")

    def handle(self, *args, **o):
        actor = command_actor(o["email"])
        if o["out"] == "-":
            for chunk in export_accounts(actor):
                sys.stdout.write(chunk)
            return
        with open(o["out"], "w", encoding="utf-8", newline="") as fh:
            for chunk in export_accounts(actor):
                fh.write(chunk)
