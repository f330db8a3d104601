import json
import sys
import time

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
        run.add_argument(
            "--json",
            action="store_true",
            help="print the result and its timing as one JSON object (for benchmarks)",
        )

    def handle(self, *args, **o):
        period = o["period"]
        try:
            actions.check_period(period)
        except ValidationFailed:
            raise CommandError("--period must be YYYY-MM") from None
        started = time.perf_counter()
        todo = actions.drafts(period)
        drafted = time.perf_counter() - started
        quiet = o["no_progress"] or o["json"]
        progress = None if quiet else _bar(sys.stderr, len(todo))
        result = actions.run_billing(period, progress=progress, todo=todo)
        total = time.perf_counter() - started
        if o["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "period": result.period,
                        "drafts": result.drafts,
                        "issued": result.issued,
                        "skipped": result.skipped,
                        "seconds_drafts": round(drafted, 3),
                        "seconds_issue": round(result.seconds, 3),
                        "seconds_total": round(total, 3),
                    }
                )
            )
            return
        self.stdout.write(
            f"billing run {result.period}: {result.issued} invoices issued, "
            f"{result.skipped} already issued "
            f"({total:.2f} s: drafts {drafted:.2f} s, issuing {result.seconds:.2f} s)"
        )
