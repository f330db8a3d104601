"""Load runner: the app and the raw baseline in turn on the same database, driven by wrk.

The server (granian, one worker) is pinned to CPU 0 and wrk to CPU 1 (taskset), 32
connections, a warm-up run, then two measured runs of which the better is kept. Query counts
come from a separate measurement in a Django child process (CaptureQueriesContext) and from the
baseline's own counter (X-Queries header).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.generate import label_for, parse_scale

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SERVER_CPU = "0"
CLIENT_CPU = "1"
APP_PORT = 8711
BASELINE_PORT = 8712

# Targets (issue 8).
API_RATIO = 0.5
HTML_RATIO = 0.3
P99_MS = 50.0
SCALE_LATENCY = 1.2


def _data_dir() -> Path:
    d = Path(os.environ.get("CHANNELDESK_DATA_DIR", "./var")).resolve() / "bench"
    d.mkdir(parents=True, exist_ok=True)
    return d


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


@dataclass
class Dataset:
    label: str
    db_url: str
    principals_file: Path

    @property
    def principals(self) -> dict:
        return json.loads(self.principals_file.read_text())


def _cli(args: list[str], db_url: str, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": db_url}
    return subprocess.run(
        [sys.executable, "-m", "channeldesk.cli", *args], env=env, check=True, cwd=ROOT, **kw
    )


def ensure_dataset(scale: str, *, force: bool = False, log: Callable[[str], None] = print):
    label = label_for(max(1, round(parse_scale(scale) * 1_000_000)))
    pg = _postgres_url()
    d = _data_dir()
    if pg:
        db_url, info = pg, d / f"pg-{label}.json"
    else:
        db = d / f"{label}.sqlite3"
        db_url, info = f"sqlite:///{db}", d / f"{label}.json"
    dataset = Dataset(label, db_url, info)
    if info.exists() and not force and (pg or Path(db_url[len("sqlite:///") :]).exists()):
        _cli(["migrate", "-v0"], db_url)  # a dataset generated before a newer migration
        return dataset
    log(f"generating the {label} dataset ({'PostgreSQL' if pg else db_url})")
    info.unlink(missing_ok=True)
    if not pg:
        for suffix in ("", "-wal", "-shm"):
            Path(db_url[len("sqlite:///") :] + suffix).unlink(missing_ok=True)
    _cli(["migrate", "-v0"], db_url)
    if pg:
        _cli(["flush", "--no-input", "-v0"], db_url)
    started = time.monotonic()
    tmp = info.with_suffix(".partial")
    _cli(["bench", "load", "--scale", scale, "--out", str(tmp)], db_url)
    tmp.rename(info)
    log(f"generated {label} in {time.monotonic() - started:.0f} s")
    return dataset


# --- servers --------------------------------------------------------------------------------


class Server:
    """A server process pinned to SERVER_CPU, stopped (its own process group) on exit."""

    def __init__(self, name: str, argv: list[str], port: int, env: dict[str, str]) -> None:
        self.name, self.port = name, port
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - lives as long as the server
            prefix=f"bench-{name}-", suffix=".log", delete=False
        )
        self.proc = subprocess.Popen(
            ["taskset", "-c", SERVER_CPU, *argv],
            env={**os.environ, **env},
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited: see {self.log.name}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"{self.name} did not start: see {self.log.name}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()

    def __enter__(self) -> Server:
        self.wait_ready()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def app_server(ds: Dataset) -> Server:
    argv = [sys.executable, "-m", "channeldesk.cli", "serve", "--no-worker", "--workers", "1"]
    argv += ["--no-migrate", "--host", "127.0.0.1", "--port", str(APP_PORT)]
    return Server("app", argv, APP_PORT, {"DATABASE_URL": ds.db_url})


def baseline_server(ds: Dataset, secret_key: str) -> Server:
    granian = str(Path(sys.executable).with_name("granian"))
    argv = [granian, "--interface", "wsgi", "--workers", "1", "--blocking-threads", "1"]
    argv += ["--backpressure", "64", "--host", "127.0.0.1", "--port", str(BASELINE_PORT)]
    argv += ["--no-access-log", "bench.baseline:app"]
    env = {"DATABASE_URL": ds.db_url, "BENCH_SECRET_KEY": secret_key, "PYTHONPATH": str(ROOT)}
    return Server("baseline", argv, BASELINE_PORT, env)


# --- wrk ------------------------------------------------------------------------------------

LUA = """
local tokens = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "%s", {["Authorization"] = "Bearer " .. tokens[(i %% #tokens) + 1]})
end
"""


@dataclass
class Run:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int


def _ms(text: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s|m)", text)
    if not m:
        return float("nan")
    value, unit = float(m.group(1)), m.group(2)
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(
    url: str, headers: dict[str, str], duration: int, connections: int, script: str = ""
) -> Run:
    argv = ["taskset", "-c", CLIENT_CPU, "wrk", "-t1", f"-c{connections}", f"-d{duration}s"]
    argv += ["--latency", "--timeout", "10s"]
    for k, v in headers.items():
        argv += ["-H", f"{k}: {v}"]
    if script:
        argv += ["-s", script]
    out = subprocess.run([*argv, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sock = re.search(r"Socket errors:.*?timeout (\d+)", out)
    errors = (int(bad.group(1)) if bad else 0) + (int(sock.group(1)) if sock else 0)
    return Run(rps, p50, p99, errors, requests)


def _reset_throttle(ds: Dataset) -> None:
    """Partner search is rate limited per user (120/min): start each run with fresh windows."""
    sql = "DELETE FROM core_throttle WHERE key LIKE 'partner-search:%'"
    if ds.db_url.startswith("sqlite:///"):
        import sqlite3

        conn = sqlite3.connect(ds.db_url[len("sqlite:///") :], timeout=30)
        conn.execute(sql)
        conn.commit()
        conn.close()
    else:
        import psycopg

        with psycopg.connect(ds.db_url, autocommit=True) as pg:
            pg.execute(sql)


def _wrk_args(ds: Dataset, ep, session: str) -> tuple[str, dict[str, str], str]:
    principals = ds.principals
    path = ep.url_path(principals)
    headers: dict[str, str] = {}
    script = ""
    if ep.html:
        headers["Cookie"] = f"sessionid={session}"
    elif ep.principal == "search":
        tokens = ",".join(f'"{t}"' for t in principals["search_tokens"])
        fd, script = tempfile.mkstemp(suffix=".lua")
        with os.fdopen(fd, "w") as fh:
            fh.write(LUA % (tokens, path))
    else:
        headers["Authorization"] = f"Bearer {principals['principals'][ep.principal]['token']}"
    return path, headers, script


def measure_endpoint(
    ds: Dataset, ep, ports: dict[str, int], session: str, duration: int, connections: int
) -> dict[str, dict]:
    """Warm-up, then two runs per server, alternating app and baseline so both see the same
    machine (this host is shared); the better run of each is kept."""
    path, headers, script = _wrk_args(ds, ep, session)
    runs: dict[str, list[Run]] = {name: [] for name in ports}
    try:
        for i in range(3):
            for name, port in ports.items():
                if ep.principal == "search":
                    _reset_throttle(ds)
                url = f"http://127.0.0.1:{port}{path}"
                if i == 0:
                    wrk(url, headers, max(2, duration // 3), connections, script)  # warm-up
                else:
                    runs[name].append(wrk(url, headers, duration, connections, script))
    finally:
        if script:
            os.unlink(script)
    return {
        name: {"best": asdict(max(rs, key=lambda r: r.rps)), "runs": [asdict(r) for r in rs]}
        for name, rs in runs.items()
    }


def probe(port: int, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, dict(resp.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers)


# --- the table ------------------------------------------------------------------------------


def _fmt_row(cols: list[str], widths: list[int]) -> str:
    return "  ".join(
        c.ljust(w) if i == 0 else c.rjust(w)
        for i, (c, w) in enumerate(zip(cols, widths, strict=True))
    )


def table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [_fmt_row(rows[0], widths), "  ".join("-" * w for w in widths)]
    lines += [_fmt_row(r, widths) for r in rows[1:]]
    return "\n".join(lines)


def verdict(ep, app: dict, base: dict | None) -> tuple[str, list[str]]:
    reasons = []
    target = HTML_RATIO if ep.html else API_RATIO
    a = app["best"]
    if a["errors"]:
        reasons.append(f"{a['errors']} failed responses")
    if base:
        ratio = a["rps"] / base["best"]["rps"]
        if ratio < target:
            reasons.append(f"ratio {ratio:.2f} < {target}")
    if not ep.html and a["p99_ms"] > P99_MS:
        reasons.append(f"p99 {a['p99_ms']:.1f} ms > {P99_MS:.0f} ms")
    return ("PASS" if not reasons else "FAIL"), reasons


def run_scale(
    ds: Dataset, *, duration: int, connections: int, only: list[str], baseline: bool, log
) -> dict:
    from django.conf import settings

    from bench.endpoints import ENDPOINTS

    principals = ds.principals
    info = json.loads(
        _cli(
            ["bench", "queries", "--principals", str(ds.principals_file)],
            ds.db_url,
            capture_output=True,
            text=True,
        ).stdout
    )
    session = info["session"]
    endpoints = [e for e in ENDPOINTS if not only or e.name in only]
    result: dict = {"label": ds.label, "accounts": principals["accounts"], "endpoints": {}}
    for ep in endpoints:
        q = info["endpoints"][ep.name]
        entry = {
            "path": ep.url_path(principals),
            "app_status": q["status"],
            "queries_app": q["queries"],
        }
        if q["status"] != 200:
            entry["available"] = False
        result["endpoints"][ep.name] = entry
    measured = [e for e in endpoints if result["endpoints"][e.name].get("available", True)]
    log(f"[{ds.label}] {len(measured)} endpoints × (warm-up + 2 × {duration} s) × app/baseline")
    with app_server(ds) as app, baseline_server(ds, settings.SECRET_KEY) as base:
        for ep in measured:
            entry = result["endpoints"][ep.name]
            ports = {"app": app.port}
            if baseline and not ep.optional:  # endpoints added later may have no baseline yet
                ports["baseline"] = base.port
                probe_headers = _probe_headers(ep, principals, session)
                probe(base.port, ep.url_path(principals), probe_headers)
                # The second request is counted (steady state, like the app's count).
                status, hdrs = probe(base.port, ep.url_path(principals), probe_headers)
                entry["baseline_status"] = status
                entry["queries_baseline"] = int(
                    {k.lower(): v for k, v in hdrs.items()}.get("x-queries", "0")
                )
            entry.update(measure_endpoint(ds, ep, ports, session, duration, connections))
            a = entry["app"]["best"]
            b = entry.get("baseline", {}).get("best")
            log(
                f"  {ep.name}: app {a['rps']:.0f} req/s"
                + (f", baseline {b['rps']:.0f} req/s" if b else "")
            )
    return result


def _probe_headers(ep, principals: dict, session: str) -> dict[str, str]:
    if ep.html:
        return {"Cookie": f"sessionid={session}"}
    token = (
        principals["search_tokens"][-1]
        if ep.principal == "search"
        else principals["principals"][ep.principal]["token"]
    )
    return {"Authorization": f"Bearer {token}"}


def report(results: list[dict], log) -> list[list[str]]:
    from bench.endpoints import ENDPOINTS

    rows = [
        [
            "scale",
            "endpoint",
            "req/s app",
            "req/s base",
            "ratio",
            "p50 ms",
            "p99 ms",
            "queries app/base",
            "result",
        ]
    ]
    notes = []
    for res in results:
        for ep in ENDPOINTS:
            e = res["endpoints"].get(ep.name)
            if e is None:
                continue
            if not e.get("available", True):
                rows.append([res["label"], ep.name, "-", "-", "-", "-", "-", "-", "not available"])
                notes.append(f"{ep.name}: not available (the app answers {e['app_status']})")
                continue
            a = e["app"]["best"]
            b = e.get("baseline", {}).get("best") if e.get("baseline") else None
            status, reasons = verdict(ep, e["app"], e.get("baseline"))
            e["result"], e["reasons"] = status, reasons
            rows.append(
                [
                    res["label"],
                    ep.name,
                    f"{a['rps']:.0f}",
                    f"{b['rps']:.0f}" if b else "-",
                    f"{a['rps'] / b['rps']:.2f}" if b else "-",
                    f"{a['p50_ms']:.1f}",
                    f"{a['p99_ms']:.1f}",
                    f"{e['queries_app']}/{e.get('queries_baseline', '-')}",
                    status + (f" ({'; '.join(reasons)})" if reasons else ""),
                ]
            )
    # Scale check: latency at the largest scale vs the smallest.
    if len(results) >= 2:
        small, large = results[0], results[-1]
        rows.append(["", "", "", "", "", "", "", "", ""])
        for ep in ENDPOINTS:
            es, el = small["endpoints"].get(ep.name), large["endpoints"].get(ep.name)
            if not es or not el or "app" not in es or "app" not in el:
                continue
            ls, ll = es["app"]["best"]["p50_ms"], el["app"]["best"]["p50_ms"]
            factor = ll / ls if ls else float("inf")
            ok = factor <= SCALE_LATENCY
            el["scale_factor"] = round(factor, 2)
            rows.append(
                [
                    f"{large['label']}/{small['label']}",
                    ep.name,
                    "",
                    "",
                    "",
                    f"{ls:.1f}→{ll:.1f}",
                    "",
                    "",
                    f"{'PASS' if ok else 'FAIL'} (p50 ×{factor:.2f}, target ≤ {SCALE_LATENCY})",
                ]
            )
    log(table(rows))
    for n in notes:
        log(n)
    return rows


def run_bulk(ds: Dataset, log: Callable[[str], None]) -> dict:
    """The bulk targets on a scratch copy of the dataset (bench/imports.py)."""
    from bench import imports

    if _postgres_url():
        log(f"[{ds.label}] bulk: measured on SQLite datasets only (a scratch copy is a file copy)")
        return {}
    scratch = Dataset(ds.label, imports.scratch_copy(ds.db_url, "bulk"), ds.principals_file)
    try:
        principals = ds.principals
        prepared = json.loads(
            _cli(
                ["bench", "prepare-bulk", "--principals", str(ds.principals_file)],
                scratch.db_url,
                capture_output=True,
                text=True,
            ).stdout
        )
        with app_server(scratch):
            token = principals["principals"]["reseller"]["token"]
            seconds, status, n = imports.post_licenses(APP_PORT, token, prepared)
        log(f"[{ds.label}] bulk: {n} licenses in one request: {seconds:.2f} s (HTTP {status})")
        source = _data_dir() / f"import-{imports.IMPORT_ROWS}.csv"
        if not source.exists():
            imports.accounts_csv(source, imports.IMPORT_ROWS)
        partner = principals["principals"]["reseller"]["organization_id"]
        import_s, wall, line = imports.run_import(scratch.db_url, source, partner, ROOT)
        log(f"[{ds.label}] bulk: {line} ({wall:.1f} s with the command's start-up)")
        period = dt.date.today().strftime("%Y-%m")
        billing = imports.run_billing(scratch.db_url, period, ROOT)
        log(
            f"[{ds.label}] bulk: billing run {period}: {billing['issued']} invoices in "
            f"{billing['seconds_total']:.1f} s (drafts {billing['seconds_drafts']:.1f} s)"
        )
        return {
            "licenses": {"count": n, "status": status, "seconds": round(seconds, 3)},
            "import": {"rows": imports.IMPORT_ROWS, "seconds": import_s, "wall": round(wall, 1)},
            "billing": billing,
        }
    finally:
        path = Path(scratch.db_url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)


def bulk_rows(results: list[dict]) -> list[list[str]]:
    from bench import imports

    rows = []
    for res in results:
        bulk = res.get("bulk") or {}
        if "licenses" in bulk:
            lic = bulk["licenses"]
            ok = lic["status"] == 201 and lic["count"] == imports.LICENSES
            ok = ok and lic["seconds"] <= imports.LICENSE_SECONDS
            verdict_text = f"{'PASS' if ok else 'FAIL'} (target ≤ {imports.LICENSE_SECONDS:.0f} s)"
            what = f"{lic['count']} licenses, 1 request"
            rows.append([res["label"], what, f"{lic['seconds']:.2f} s", verdict_text])
        if "import" in bulk:
            imp = bulk["import"]
            ok = imp["seconds"] <= imports.IMPORT_SECONDS
            verdict_text = f"{'PASS' if ok else 'FAIL'} (target ≤ {imports.IMPORT_SECONDS:.0f} s)"
            what = f"import {imp['rows']} accounts"
            rows.append([res["label"], what, f"{imp['seconds']:.1f} s", verdict_text])
        if "billing" in bulk:
            bill = bulk["billing"]
            what = f"billing run, {bill['issued']} invoices ({bill['drafts']} drafts)"
            rows.append([res["label"], what, f"{bill['seconds_total']:.1f} s", "measured"])
    return rows


def main(
    *,
    scales: list[str],
    duration: int,
    connections: int,
    only: list[str],
    baseline: bool,
    bulk: bool = True,
    log: Callable[[str], None] = print,
) -> None:
    for tool in ("wrk", "taskset"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is missing: apt-get install -y wrk util-linux")
    datasets = [ensure_dataset(s, log=log) for s in scales]
    results = [
        run_scale(
            ds, duration=duration, connections=connections, only=only, baseline=baseline, log=log
        )
        for ds in datasets
    ]
    if bulk:
        for ds, res in zip(datasets, results, strict=True):
            res["bulk"] = run_bulk(ds, log)
    rows = report(results, log)
    extra = bulk_rows(results)
    if extra:
        log(table([["scale", "bulk", "time", "result"], *extra]))
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS / f"bench-{stamp}.json"
    out.write_text(
        json.dumps(
            {
                "at": stamp,
                "cpus": os.cpu_count(),
                "load_average": os.getloadavg(),
                "duration": duration,
                "connections": connections,
                "results": results,
                "table": rows,
                "bulk_table": extra,
            },
            indent=1,
        )
    )
    log(f"results: {out.relative_to(ROOT)}")
