"""channeldesk bench: the large-data benchmark (issue 8; the code lives in bench/ of a checkout).

    channeldesk bench generate --scale 10k|100k|1m|0.01 [--force]
    channeldesk bench run [--scales 10k,100k] [--duration 10]

SQLite databases go to $CHANNELDESK_DATA_DIR/bench/<label>.sqlite3 next to <label>.json (the
measured principals' API tokens); with DATABASE_URL pointing at PostgreSQL that database is
used (and emptied) instead. `load` and `queries` are internal steps run in a child process
whose DATABASE_URL points at the benchmark database.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

ROOT = Path(__file__).resolve().parents[5]


def _bench():
    if not (ROOT / "bench" / "run.py").exists():
        raise CommandError("bench/ not found: run the benchmark from a source checkout")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import bench.run

    return bench.run


class Command(BaseCommand):
    help = "Large-data benchmark: generate datasets, run the load test against the raw baseline."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="op", required=True)
        gen = sub.add_parser("generate", help="generate a dataset")
        gen.add_argument("--scale", required=True, help="factor of 1 M accounts, or 10k/100k/1m")
        gen.add_argument("--force", action="store_true", help="regenerate if it exists")
        run = sub.add_parser("run", help="generate what is missing, then measure")
        run.add_argument("--scales", default="10k,100k")
        run.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
        run.add_argument("--connections", type=int, default=32)
        run.add_argument("--only", default="", help="comma-separated endpoint names")
        run.add_argument("--no-baseline", action="store_true")
        run.add_argument("--no-bulk", action="store_true", help="skip the bulk measurements")
        load = sub.add_parser("load")
        load.add_argument("--scale", required=True)
        load.add_argument("--out", required=True)
        queries = sub.add_parser("queries")
        queries.add_argument("--principals", required=True)
        bulk = sub.add_parser("prepare-bulk")
        bulk.add_argument("--principals", required=True)

    def handle(self, *args, **o):
        run = _bench()
        if o["op"] == "generate":
            run.ensure_dataset(o["scale"], force=o["force"], log=self.stdout.write)
        elif o["op"] == "run":
            run.main(
                scales=[s for s in o["scales"].split(",") if s],
                duration=o["duration"],
                connections=o["connections"],
                only=[s for s in o["only"].split(",") if s],
                baseline=not o["no_baseline"],
                bulk=not o["no_bulk"],
                log=self.stdout.write,
            )
        elif o["op"] == "load":
            from bench.generate import generate, parse_scale

            data = generate(parse_scale(o["scale"]), progress=self.stdout.write)
            Path(o["out"]).write_text(json.dumps(data, indent=1))
        elif o["op"] == "queries":
            from bench.queries import measure

            principals = json.loads(Path(o["principals"]).read_text())
            self.stdout.write(json.dumps(measure(principals)))
        elif o["op"] == "prepare-bulk":
            from bench.imports import prepare_licenses

            principals = json.loads(Path(o["principals"]).read_text())
            self.stdout.write(json.dumps(prepare_licenses(principals)))
