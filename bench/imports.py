"""Bulk measurements (issue 8): a 100,000-row account CSV imported with `channeldesk import
accounts`, and 10,000 licenses assigned in one API request. Each runs on a copy of the
generated database, so the measured dataset stays as generated."""

from __future__ import annotations

import csv
import random
from pathlib import Path

from bench.generate import BUSINESS, CITIES, WORDS

CSV_COLUMNS = ["name", "street", "city", "postal_code", "country", "subdivision", "business_type"]


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
