import sys

from django.core.management.base import BaseCommand, CommandError

from channeldesk.billing import actions
from channeldesk.core.errors import ValidationFailed


def _bar(stream, total: int):
    """A plain progress bar on the terminal (no dependency needed)."""

    def wrap(items):
        width = 40
        for i, item in enumerate(items, start=1):
            yield item
            done = int(width * i / total) if total else width
            stream.write(f"\r[{'#' * done}{'.' * (width - done)}] {i}/{total}")
            stream.flush()
        stream.write("\n")

    return wrap


class Command(BaseCommand):
    help = "Billing: channeldesk billing run --period YYYY-MM"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="op", required=True)
        run = sub.add_parser("run")
        run.add_argument("--period", required=True, help="YYYY-MM")
        run.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **o):
        period = o["period"]
        try:
            actions.check_period(period)
        except ValidationFailed:
            raise CommandError("--period must be YYYY-MM") from None
        todo = actions.drafts(period)
        progress = None if o["no_progress"] else _bar(sys.stderr, len(todo))
        result = actions.run_billing(period, progress=progress, todo=todo)
        self.stdout.write(
            f"billing run {result.period}: {result.issued} invoices issued, "
            f"{result.skipped} already issued"
        )
