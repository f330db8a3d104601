from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from channeldesk.catalog import catalog
from channeldesk.catalog.models import CatalogVersion


class Command(BaseCommand):
    help = (
        "Catalog: channeldesk catalog load FILE | channeldesk catalog check FILE | "
        "channeldesk catalog show | channeldesk catalog versions"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="op", required=True)
        load = sub.add_parser("load", help="validate FILE and make it the catalog in force")
        load.add_argument("file")
        check = sub.add_parser("check", help="validate FILE without loading it")
        check.add_argument("file")
        sub.add_parser("show")
        sub.add_parser("versions", help="the loaded versions, newest first")

    def _read(self, name: str) -> str:
        path = Path(name)
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        try:
            return path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise CommandError(f"{path}: not UTF-8 text") from None

    def handle(self, *args, **o):
        if o["op"] == "show":
            cat = catalog.current()
            self.stdout.write(f"catalog version {cat.version}")
            for section in ("regions", "platforms", "integrations", "products"):
                self.stdout.write(f"  {section}: {', '.join(cat.keys(section))}")
            return
        if o["op"] == "versions":
            for row in CatalogVersion.objects.order_by("-id").only(
                "id", "loaded_at", "source", "digest"
            )[:50]:
                self.stdout.write(
                    f"{row.id}\t{row.loaded_at:%Y-%m-%d %H:%M}\t{row.digest[:12]}\t{row.source}"
                )
            return
        text = self._read(o["file"])
        try:
            if o["op"] == "check":
                catalog.check_in_use(catalog.parse(text))
                self.stdout.write(f"{o['file']}: valid")
                return
            row, changed = catalog.load(text, source=str(o["file"]))
        except catalog.CatalogError as exc:
            raise CommandError(f"catalog not loaded: {exc}") from None
        self.stdout.write(
            f"catalog version {row.id} {'loaded' if changed else 'unchanged (already current)'}"
        )
