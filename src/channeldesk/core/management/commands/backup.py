"""channeldesk backup [PATH]: a consistent copy of the database while the portal runs.

SQLite: the online backup API (sqlite3.Connection.backup) copies page by page under a read
lock, so writers keep working and the copy is a valid database (quality.md 23). PostgreSQL:
use pg_dump, which takes a consistent snapshot the same way.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection


def backup_sqlite(source: str, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(target.suffix + ".part")
    tmp.unlink(missing_ok=True)
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(tmp)
    try:
        src.backup(dst, pages=1024)
        ok = dst.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        dst.close()
        src.close()
    if ok != "ok":
        tmp.unlink(missing_ok=True)
        raise CommandError(f"the copy failed its integrity check: {ok}")
    tmp.replace(target)  # the backup appears complete or not at all


class Command(BaseCommand):
    help = "Back up the database (SQLite: online backup API; PostgreSQL: prints the pg_dump call)."

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            help="target file (default: <data dir>/backups/channeldesk-<UTC time>.sqlite3)",
        )

    def handle(self, *args, **o):
        db = settings.DATABASES["default"]
        if connection.vendor != "sqlite":
            name = db.get("NAME", "channeldesk")
            self.stdout.write(
                "PostgreSQL: take the backup with pg_dump, for example\n"
                f"  pg_dump --format=custom --file=channeldesk.dump {name}\n"
                "(restore with pg_restore --clean --dbname=...)."
            )
            return
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        target = Path(o["path"] or settings.DATA_DIR / "backups" / f"channeldesk-{stamp}.sqlite3")
        backup_sqlite(str(db["NAME"]), target.resolve())
        self.stdout.write(f"Backup written to {target}")
