"""Bulk measurements (issue 8), each on a scratch copy of a generated dataset so that the
measured data stays as generated:

- 10,000 licenses assigned in one API request (POST /subscriptions/{id}/licenses) to a new
  customer account of the measured reseller with 10,000 users; target ≤ 3 s;
- a 100,000-row account CSV imported with `channeldesk import accounts`; target ≤ 60 s;
- the month's billing run (`channeldesk billing run --period YYYY-MM --json`) over the dataset's
  base packages and subscriptions: measured and reported (issue 7), no target.
"""

from __future__ import annotations

import csv
import json
import os
import random
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench.generate import BUSINESS, CITIES, WORDS

CSV_COLUMNS = ["name", "street", "city", "postal_code", "country", "subdivision", "business_type"]
LICENSES = 10_000
IMPORT_ROWS = 100_000
LICENSE_SECONDS = 3.0
IMPORT_SECONDS = 60.0
COMMAND = [sys.executable, "-m", "channeldesk.cli"]


def accounts_csv(path: Path, rows: int, *, seed: int = 7) -> Path:
    """A realistic import file: valid addresses of the generator's cities, varied names."""
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(CSV_COLUMNS)
        for i in range(rows):
            city, country, subdivision, postal = rng.choice(CITIES)
            writer.writerow(
                [
                    f"{rng.choice(WORDS)} {rng.choice(WORDS)} Import {i:06d} GmbH",
                    f"{rng.choice(WORDS)}straße {rng.randint(1, 180)}",
                    city,
                    postal,
                    country,
                    subdivision,
                    rng.choice(BUSINESS),
                ]
            )
    return path


def prepare_licenses(principals: dict, users: int = LICENSES) -> dict[str, Any]:
    """Inside Django, on the scratch database: a customer account of the measured reseller
    with `users` members and a subscription of as many seats (through the actions; the
    users are inserted in bulk)."""
    from django.db import transaction

    from channeldesk.accounts.actions import create_account
    from channeldesk.core.bulk import insert
    from channeldesk.core.ids import new_id
    from channeldesk.identity.models import User
    from channeldesk.subscriptions.actions import create_subscription
    from channeldesk.tenancy.actor import Actor
    from channeldesk.tenancy.models import Membership, Organization

    system = Actor.system()
    reseller = Organization.objects.get(id=principals["principals"]["reseller"]["organization_id"])
    with transaction.atomic():
        account = create_account(
            system,
            partner=reseller,
            name="Bulk Licenses GmbH",
            street="Lizenzweg 1",
            city="Berlin",
            postal_code="10115",
            country="DE",
            subdivision="DE-BE",
        )
        password = User.objects.get(id=principals["principals"]["reseller"]["user_id"]).password
        user_rows = [
            {
                "id": new_id(),
                "email": f"bulk{i:05d}@licenses.bench.test",
                "name": f"Bulk User {i:05d}",
                "password": password,
            }
            for i in range(users)
        ]
        insert(User, user_rows)
        insert(
            Membership,
            [
                {
                    "id": new_id(),
                    "user_id": u["id"],
                    "organization_id": account.id,
                    "role": "member",
                }
                for u in user_rows
            ],
        )
        sub = create_subscription(
            system, product_key="signatures_m365", quantity=users, account=account
        )
    return {"subscription_id": sub.id, "user_ids": [u["id"] for u in user_rows]}


def scratch_copy(db_url: str, name: str) -> str:
    """A copy of a SQLite dataset (online backup API) next to it; its URL."""
    src = Path(db_url.removeprefix("sqlite:///"))
    dst = src.with_name(f"{src.stem}-{name}.sqlite3")
    for suffix in ("", "-wal", "-shm"):
        Path(str(dst) + suffix).unlink(missing_ok=True)
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)
    return f"sqlite:///{dst}"


def post_licenses(port: int, token: str, prepared: dict) -> tuple[float, int, int]:
    """(seconds, HTTP status, licenses in the answer) of the one request."""
    body = json.dumps({"user_ids": prepared["user_ids"]}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/subscriptions/{prepared['subscription_id']}/licenses",
        data=body,
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    started = time.monotonic()
    with urllib.request.urlopen(request, timeout=120) as response:
        answer = json.loads(response.read())
        status = response.status
    return time.monotonic() - started, status, len(answer)


def run_import(db_url: str, path: Path, partner_id: str, root: Path) -> tuple[float, float, str]:
    """(seconds of the import as the command reports it, wall seconds of the whole command
    including start-up, its last line)."""
    started = time.monotonic()
    done = subprocess.run(
        [*COMMAND, "import", "accounts", str(path), "--partner", partner_id],
        env={**os.environ, "DATABASE_URL": db_url},
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.monotonic() - started
    last = (done.stdout.strip() or done.stderr.strip()).splitlines()[-1:] or [""]
    if done.returncode != 0:
        raise RuntimeError(f"import failed: {done.stderr[-2000:]}")
    # "imported 100000 account(s) in 31.2 s"
    seconds = float(last[0].rsplit(" in ", 1)[1].split()[0])
    return seconds, wall, last[0]


def run_billing(db_url: str, period: str, root: Path) -> dict[str, Any]:
    """The billing command's own JSON result (drafts, issued, seconds) plus its wall time."""
    started = time.monotonic()
    done = subprocess.run(
        [*COMMAND, "billing", "run", "--period", period, "--json"],
        env={**os.environ, "DATABASE_URL": db_url},
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.monotonic() - started
    if done.returncode != 0:
        raise RuntimeError(f"billing run failed: {done.stderr[-2000:]}")
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "wall": round(wall, 1)}
