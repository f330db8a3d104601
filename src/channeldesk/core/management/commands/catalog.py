from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from channeldesk.catalog import catalog


class Command(BaseCommand):
    help = "Catalog: channeldesk catalog load FILE | channeldesk catalog show"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="op", required=True)
        load = sub.add_parser("load")
        load.add_argument("file")
        sub.add_parser("show")

    def handle(self, *args, **o):
        if o["op"] == "show":
            cat = catalog.current()
            self.stdout.write(f"catalog version {cat.version}")
            for section in ("regions", "platforms", "integrations", "products"):
                self.stdout.write(f"  {section}: {', '.join(cat.keys(section))}")
            return
        path = Path(o["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        try:
            row, changed = catalog.load(path.read_text(encoding="utf-8"), source=str(path))
        except catalog.CatalogError as exc:
            raise CommandError(f"catalog not loaded: {exc}") from None
        self.stdout.write(
            f"catalog version {row.id} {'loaded' if changed else 'unchanged (already current)'}"
        )
