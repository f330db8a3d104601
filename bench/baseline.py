"""The raw baseline: a WSGI app with no framework that does what the app does for each measured
endpoint, with the same SQL (token lookup, reach filter, keyset condition, throttle, session)
through sqlite3/psycopg and orjson. It is the physical limit on this machine.

    DATABASE_URL=sqlite:////path/db.sqlite3 BENCH_SECRET_KEY=... granian --interface wsgi \
        bench.baseline:app

Only the measured endpoints exist; anything else is 404.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import html
import os
import threading
import time
import unicodedata
import zlib
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, quote

import orjson
import yaml

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("DATABASE_URL", "")
SECRET_KEY = os.environ.get("BENCH_SECRET_KEY", "")
MAX_LIMIT = 200
SEARCH_LIMIT, SEARCH_WINDOW = 120, 60

_catalog = yaml.safe_load((ROOT / "src/channeldesk/catalog/default.yaml").read_text())
_labels = _catalog["billing_number_labels"]
BILLING_LABEL = {
    p["key"]: _labels[p.get("billing_number_label", "sap")]["en"] for p in _catalog["platforms"]
}
DEFAULT_LABEL = _labels["sap"]["en"]

# --- database -----------------------------------------------------------------------------

_local = threading.local()
PG = DATABASE_URL.startswith(("postgres://", "postgresql://"))


class Db:
    """One connection per thread; `q` counts the statements of the current request."""

    def __init__(self) -> None:
        if PG:
            import psycopg

            self.conn = psycopg.connect(DATABASE_URL, autocommit=True)
            self.mark = "%s"
        else:
            import sqlite3

            path = DATABASE_URL.removeprefix("sqlite:///")
            self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            for pragma in (
                "journal_mode=WAL",
                "synchronous=NORMAL",
                "busy_timeout=10000",
                "foreign_keys=ON",
                "cache_size=-65536",  # as the app's settings
            ):
                self.conn.execute(f"PRAGMA {pragma}")
            self.mark = "?"
        self.count = 0

    def sql(self, text: str) -> str:
        return text if PG else text.replace("%s", "?")

    def all(self, text: str, params: tuple = ()) -> list[tuple]:
        self.count += 1
        return self.conn.execute(self.sql(text), params).fetchall()

    def one(self, text: str, params: tuple = ()) -> tuple | None:
        self.count += 1
        return self.conn.execute(self.sql(text), params).fetchone()

    def run(self, text: str, params: tuple = ()) -> None:
        self.count += 1
        self.conn.execute(self.sql(text), params)


def db() -> Db:
    d = getattr(_local, "db", None)
    if d is None:
        d = _local.db = Db()
    return d


def now_db(d: dt.datetime) -> object:
    return d if PG else str(d.replace(tzinfo=None))


def parse_ts(v) -> dt.datetime | None:
    if v is None:
        return None
    if isinstance(v, dt.datetime):
        return v
    return dt.datetime.fromisoformat(v).replace(tzinfo=dt.UTC)


def iso(v) -> str:
    if isinstance(v, dt.datetime):
        return v.isoformat().replace("+00:00", "Z")
    return v.replace(" ", "T") + "Z"


# --- errors -------------------------------------------------------------------------------


class Problem(Exception):
    def __init__(self, status: int, detail: str, errors: list | None = None) -> None:
        self.status, self.detail, self.errors = status, detail, errors


STATUS_TEXT = {
    200: "200 OK",
    401: "401 Unauthorized",
    404: "404 Not Found",
    422: "422 Unprocessable Content",
    429: "429 Too Many Requests",
}

# --- auth ---------------------------------------------------------------------------------


class Actor:
    __slots__ = ("depth", "kind", "org_id", "path", "role", "user_email", "user_id")

    def __init__(self, row: tuple) -> None:
        (self.user_id, self.user_email, self.org_id, self.kind, self.path, self.depth) = row[:6]
        self.role = row[6]


TOKEN_SQL = (
    "SELECT u.id, u.email, o.id, o.kind, o.path, o.depth, m.role, t.id, t.expires_at, "
    "t.last_used_at, u.is_active, o.status "
    "FROM identity_apitoken t "
    "JOIN tenancy_membership m ON t.membership_id = m.id "
    "JOIN identity_user u ON m.user_id = u.id "
    "JOIN tenancy_organization o ON m.organization_id = o.id "
    "WHERE t.revoked_at IS NULL AND t.token_hash = %s ORDER BY t.id LIMIT 1"
)


def bearer(environ) -> Actor:
    header = environ.get("HTTP_AUTHORIZATION", "")
    raw = header[7:].strip() if header[:7].lower() == "bearer " else ""
    if not raw.startswith("cdk_") or len(raw) > 100:
        raise Problem(401, "Authentication required.")
    d = db()
    row = d.one(TOKEN_SQL, (hashlib.sha256(raw.encode()).hexdigest(),))
    now = dt.datetime.now(dt.UTC)
    if row is None:
        raise Problem(401, "Authentication required.")
    expires, last_used = parse_ts(row[8]), parse_ts(row[9])
    if (expires is not None and expires <= now) or not row[10] or row[11] != "active":
        raise Problem(401, "Authentication required.")
    if last_used is None or (now - last_used).total_seconds() > 60:
        d.run("UPDATE identity_apitoken SET last_used_at = %s WHERE id = %s", (now_db(now), row[7]))
    return Actor(row)


def _b64(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def _salted_hmac(salt: str, value: str) -> bytes:
    key = hashlib.sha256((salt + SECRET_KEY).encode()).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).digest()


def session_actor(environ) -> tuple[Actor, str]:
    """Django's signed session (same SQL as SessionMiddleware + AuthenticationMiddleware +
    ActorMiddleware): session row, user row, usable memberships."""
    cookies = environ.get("HTTP_COOKIE", "")
    key = ""
    for part in cookies.split(";"):
        name, _, value = part.strip().partition("=")
        if name == "sessionid":
            key = value
    if not key:
        raise Problem(401, "Authentication required.")
    d = db()
    row = d.one(
        "SELECT session_key, session_data, expire_date FROM django_session "
        "WHERE expire_date > %s AND session_key = %s LIMIT 21",
        (now_db(dt.datetime.now(dt.UTC)), key),
    )
    if row is None:
        raise Problem(401, "Authentication required.")
    value, _, sig = row[1].rpartition(":")
    expected = base64.urlsafe_b64encode(
        _salted_hmac("django.contrib.sessions.SessionStoresigner", value)
    ).rstrip(b"=")
    if not hmac.compare_digest(expected, sig.encode()):
        raise Problem(401, "Authentication required.")
    payload = value.rpartition(":")[0]
    data = _b64(payload.lstrip("."))
    data = zlib.decompress(data) if payload.startswith(".") else data
    session = orjson.loads(data)
    user = d.one(
        "SELECT password, id, email, name, language FROM identity_user "
        "WHERE is_active = %s AND id = %s ORDER BY id LIMIT 1",
        (True, session["_auth_user_id"]),
    )
    if user is None:
        raise Problem(401, "Authentication required.")
    auth_hash = hmac.new(
        hashlib.sha256(
            (
                "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash" + SECRET_KEY
            ).encode()
        ).digest(),
        user[0].encode(),
        hashlib.sha256,
    ).hexdigest()
    if not hmac.compare_digest(auth_hash, session.get("_auth_user_hash", "")):
        raise Problem(401, "Authentication required.")
    ms = d.all(
        "SELECT m.id, m.role, o.id, o.kind, o.path, o.depth, o.name, o.default_language "
        "FROM tenancy_membership m JOIN tenancy_organization o ON m.organization_id = o.id "
        "WHERE m.user_id = %s AND o.status = %s ORDER BY m.created_at",
        (user[1], "active"),
    )
    if not ms:
        raise Problem(401, "Authentication required.")
    chosen = next((m for m in ms if m[0] == session.get("membership_id")), ms[0])
    actor = Actor((user[1], user[2], chosen[2], chosen[3], chosen[4], chosen[5], chosen[1]))
    return actor, chosen[6]


# --- reach and keyset ---------------------------------------------------------------------


def reach(actor: Actor, alias: str = "o") -> tuple[str, tuple]:
    if actor.kind == "operator":
        return "", ()
    if actor.kind in ("distributor", "reseller"):
        return (
            f" AND {alias}.path >= %s AND {alias}.path < %s",
            (actor.path, actor.path[:-1] + "0"),
        )
    return f" AND {alias}.id = %s", (actor.org_id,)


def search_key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip()


def cursor_after(cursor: str, n: int = 1) -> list[str]:
    try:
        values = orjson.loads(_b64(cursor))
    except ValueError:
        raise Problem(
            422, "The request is not valid.", [{"field": "cursor", "message": "is not valid"}]
        ) from None
    if not isinstance(values, list) or len(values) != n:
        raise Problem(
            422, "The request is not valid.", [{"field": "cursor", "message": "is not valid"}]
        )
    if not all(isinstance(v, str) for v in values):
        raise Problem(
            422, "The request is not valid.", [{"field": "cursor", "message": "is not valid"}]
        )
    return values


ACCOUNT_COLS = (
    "o.id, o.name, o.street, o.city, o.postal_code, o.country, o.subdivision, "
    "o.default_language, o.business_type, o.cloud_region, o.platform, o.pbx_type, "
    "o.billing_customer_number, o.status, o.created_at, o.updated_at, o.version, "
    "p.id, p.name, p.kind, o.name_key"
)
ACCOUNT_FROM = (
    " FROM tenancy_organization o LEFT JOIN tenancy_organization p ON o.parent_id = p.id"
    " WHERE o.kind = 'customer'"
)


def domains_of(ids: list[str]) -> dict[str, list[str]]:
    """The accounts' e-mail domains: the app's one statement per page."""
    if not ids:
        return {}
    marks = ", ".join(["%s"] * len(ids))
    out: dict[str, list[str]] = {}
    for account_id, domain in db().all(
        f"SELECT account_id, domain FROM accounts_accountdomain WHERE account_id IN ({marks})"
        " ORDER BY account_id, domain",
        tuple(ids),
    ):
        out.setdefault(account_id, []).append(domain)
    return out


def account_dicts(rows: list[tuple]) -> list[dict]:
    domains = domains_of([r[0] for r in rows])
    return [{**account_dict(r), "domains": domains.get(r[0], [])} for r in rows]


def account_dict(r: tuple) -> dict:
    return {
        "id": r[0],
        "name": r[1],
        "street": r[2],
        "city": r[3],
        "postal_code": r[4],
        "country": r[5],
        "subdivision": r[6],
        "default_language": r[7],
        "business_type": r[8],
        "cloud_region": r[9],
        "platform": r[10],
        "pbx_type": r[11],
        "billing_customer_number": r[12],
        "billing_customer_number_label": BILLING_LABEL.get(r[10], DEFAULT_LABEL),
        "status": r[13],
        "partner": {"id": r[17], "name": r[18]} if r[17] and r[19] != "operator" else None,
        "created_at": iso(r[14]),
        "updated_at": iso(r[15]),
        "etag": f'"{r[0]}-{r[16]}"',
    }


def account_page(actor: Actor, qs: dict) -> tuple[list[tuple], str | None]:
    try:
        limit = int(qs.get("limit", ["50"])[0])
    except ValueError:
        limit = 0
    if not 1 <= limit <= MAX_LIMIT:
        raise Problem(
            422, "The request is not valid.", [{"field": "limit", "message": "out of range"}]
        )
    where, params = reach(actor, "k")
    # The app's plan choice (accounts.queries._accounts): a distributor's path range and a
    # reseller's name range are written so that no index serves them.
    if actor.kind == "distributor":
        where = where.replace("k.path", "(k.path || '')")
    q = qs.get("q", [""])[0][:100]
    if q:
        key = search_key(q)
        name = "(k.name_key || '')" if actor.kind == "reseller" else "k.name_key"
        where += f" AND {name} >= %s AND {name} < %s"
        params += (key, key + "\uffff")
    cursor = qs.get("cursor", [""])[0]
    # The app's order (accounts.queries.search_order): by id, a search by (name_key, id).
    if q:
        if cursor:
            name_key, after = cursor_after(cursor, 2)
            where += " AND (k.name_key > %s OR (k.id > %s AND k.name_key = %s))"
            where += " AND k.name_key >= %s"
            params += (name_key, after, name_key, name_key)
        inner, outer = "k.name_key, k.id", "o.name_key, o.id"
    else:
        if cursor:
            where += " AND k.id > %s"
            params += (cursor_after(cursor)[0],)
        inner, outer = "k.id", "o.id"
    # The app's shape (core.pagination.keyset with rows=): the page's keys from the index,
    # then the wide rows and the partner for those keys only.
    rows = db().all(
        f"SELECT {ACCOUNT_COLS}{ACCOUNT_FROM} AND o.id IN (SELECT k.id FROM "
        f"tenancy_organization k WHERE k.kind = 'customer'{where} ORDER BY {inner} LIMIT %s) "
        f"ORDER BY {outer} LIMIT %s",
        (*params, limit + 1, limit + 1),
    )
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = [rows[-1][20], rows[-1][0]] if q else [rows[-1][0]]
        next_cursor = base64.urlsafe_b64encode(orjson.dumps(last)).decode().rstrip("=")
    return rows, next_cursor


# --- endpoints ----------------------------------------------------------------------------


def accounts(environ, qs):
    rows, next_cursor = account_page(bearer(environ), qs)
    return {"items": account_dicts(rows), "next_cursor": next_cursor}


def account_detail(environ, account_id: str):
    actor = bearer(environ)
    where, params = reach(actor)
    row = db().one(
        f"SELECT {ACCOUNT_COLS}{ACCOUNT_FROM}{where} AND o.id = %s LIMIT 21",
        (*params, account_id),
    )
    if row is None:
        raise Problem(404, "Customer account not found.")
    return account_dicts([row])[0]


def partner_search(environ, qs):
    actor = bearer(environ)
    key = search_key(qs.get("q", [""])[0][:100])
    if len(key) < 2:
        raise Problem(
            422, "The request is not valid.", [{"field": "q", "message": "Type at least 2."}]
        )
    d = db()
    now = dt.datetime.now(dt.UTC)
    cutoff = now_db(now - dt.timedelta(seconds=SEARCH_WINDOW))
    row = d.one(
        'INSERT INTO core_throttle ("key", "window_start", "count", "blocked_until") '
        'VALUES (%s, %s, 1, NULL) ON CONFLICT ("key") DO UPDATE SET '
        '"count" = CASE WHEN core_throttle."window_start" <= %s THEN 1 '
        'ELSE core_throttle."count" + 1 END, '
        '"window_start" = CASE WHEN core_throttle."window_start" <= %s THEN %s '
        'ELSE core_throttle."window_start" END RETURNING "count", "window_start"',
        (f"partner-search:{actor.user_id}", now_db(now), cutoff, cutoff, now_db(now)),
    )
    count = row[0] if row else 0
    if count > SEARCH_LIMIT:
        raise Problem(429, "Too many requests, try again later.")
    rows = d.all(
        "SELECT id, name, city, country FROM tenancy_organization "
        "WHERE kind IN ('distributor', 'reseller') AND listed = %s AND status = 'active' "
        "AND name_key >= %s AND name_key < %s ORDER BY name_key, id LIMIT 10",
        (True, key, key + "\uffff"),
    )
    return {"items": [{"id": r[0], "name": r[1], "city": r[2], "country": r[3]} for r in rows]}


_products = {p["key"]: p["name"]["en"] for p in _catalog["products"]}
_setting_defaults = {
    p["key"]: [(d["key"], d["default"]) for d in p.get("settings", [])]
    for p in _catalog["products"]
}
SUBSCRIPTION_STATUSES = ("active", "suspended", "cancelled")
SUBSCRIPTION_COLS = (
    "s.id, s.product, s.quantity, s.assigned, s.status, s.start_date, s.billing_period, "
    "s.next_payment_date, s.unit_price, s.currency, s.auto_renew, s.cancel_at_term_end, "
    "s.customer_managed, s.version, o.id, o.name, s.settings"
)
SUBSCRIPTION_FROM = (
    " FROM subscriptions_subscription s JOIN tenancy_organization o ON s.account_id = o.id"
    " WHERE 1 = 1"
)


def money(v) -> Decimal:
    return Decimal(str(v)).quantize(Decimal("0.01"))


def product_settings(product: str, stored) -> dict:
    """The catalog's settings of the product: the stored value, else the default."""
    values = orjson.loads(stored) if isinstance(stored, str | bytes) else (stored or {})
    return {k: values.get(k, default) for k, default in _setting_defaults.get(product, [])}


def subscription_dict(r: tuple, billing: bool) -> dict:
    out = {
        "id": r[0],
        "account": {"id": r[14], "name": r[15]},
        "product": r[1],
        "product_name": _products.get(r[1], r[1]),
        "quantity": r[2],
        "assigned": r[3],
        "status": r[4],
        "start_date": str(r[5]),
        "billing_period": r[6],
        "auto_renew": bool(r[10]),
        "cancel_at_term_end": bool(r[11]),
        "customer_managed": bool(r[12]),
        "settings": product_settings(r[1], r[16]),
        "etag": f'"{r[0]}-{r[13]}"',
    }
    if billing:
        price = money(r[8])
        value = price * r[2] / (12 if r[6] == "annual" else 1)
        out["next_payment_date"] = None if r[4] == "cancelled" else str(r[7])
        out["unit_price"] = {"amount": str(price), "currency": r[9]}
        out["monthly_value"] = {"amount": str(money(value)), "currency": r[9]}
    return out


def subscriptions(environ, qs):
    """The app's two statements: the keys-first keyset page (newest first) and the list's
    totals grouped by status, currency and period (count, users; monthly value per currency
    of the active ones for the bill-to side)."""
    actor = bearer(environ)
    try:
        limit = int(qs.get("limit", ["50"])[0])
    except ValueError:
        limit = 0
    if not 1 <= limit <= MAX_LIMIT:
        raise Problem(
            422, "The request is not valid.", [{"field": "limit", "message": "out of range"}]
        )
    where, params = reach(actor)
    status = qs.get("status", [""])[0]
    if status:
        if status not in SUBSCRIPTION_STATUSES:
            raise Problem(
                422, "The request is not valid.", [{"field": "status", "message": "not valid"}]
            )
        where += " AND s.status = %s"
        params += (status,)
    cursor = qs.get("cursor", [""])[0]
    d = db()
    # Keys first (only the page's ids are sorted), then the narrow rows of those ids.
    keys_where, keys_params = reach(actor, "o2")
    if status:
        keys_where += " AND s2.status = %s"
        keys_params += (status,)
    if cursor:
        keys_where += " AND s2.id < %s"
        keys_params += (cursor_after(cursor)[0],)
    rows = d.all(
        f"SELECT {SUBSCRIPTION_COLS}{SUBSCRIPTION_FROM} AND s.id IN ("
        "SELECT s2.id FROM subscriptions_subscription s2"
        f" JOIN tenancy_organization o2 ON s2.account_id = o2.id WHERE 1 = 1{keys_where}"
        " ORDER BY s2.id DESC LIMIT %s) ORDER BY s.id DESC LIMIT %s",
        (*keys_params, limit + 1, limit + 1),
    )
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = base64.urlsafe_b64encode(orjson.dumps([rows[-1][0]])).decode().rstrip("=")
    # The totals in one grouped statement: every group counts, active ones make the value.
    groups = d.all(
        "SELECT s.status, s.currency, s.billing_period, COUNT(s.id), COALESCE(SUM(s.quantity), 0),"
        " CAST(COALESCE(SUM(CAST(s.unit_price * s.quantity AS NUMERIC)), 0) AS NUMERIC)"
        f"{SUBSCRIPTION_FROM}{where} GROUP BY 1, 2, 3",
        params,
    )
    billing = actor.kind != "customer" and actor.role in ("operator_admin", "partner_admin")
    totals: dict = {"subscriptions": sum(g[3] for g in groups), "users": sum(g[4] for g in groups)}
    if billing:
        per: dict[str, Decimal] = {}
        for g_status, currency, period, _n, _users, total in groups:
            if g_status != "active":
                continue
            t = Decimal(str(total))
            per[currency] = per.get(currency, Decimal(0)) + (t / 12 if period == "annual" else t)
        totals["monthly_value"] = [
            {"amount": str(money(v)), "currency": c} for c, v in sorted(per.items())
        ]
    return {
        "items": [subscription_dict(r, billing) for r in rows],
        "next_cursor": next_cursor,
        "totals": totals,
    }


STATUS_LABEL = {
    "onboarding": "Onboarding",
    "active": "Active",
    "deactivated": "Deactivated",
    "deleted": "Deleted",
}


def accounts_html(environ, qs) -> bytes:
    actor, org_name = session_actor(environ)
    rows, next_cursor = account_page(actor, qs)
    where, params = reach(actor)
    unread = db().one(
        "SELECT COUNT(*) FROM notifications_notification n JOIN tenancy_organization o "
        f"ON n.organization_id = o.id WHERE 1 = 1{where} AND n.organization_id = %s "
        "AND n.user_id = %s AND n.read_at IS NULL",
        (*params, actor.org_id, actor.user_id),
    )
    e = html.escape
    out = [
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Customer accounts'
        '</title><link rel="stylesheet" href="/static/app.css"><script src="/static/htmx.min.js"'
        ' defer></script></head><body><header class="shell"><nav aria-label="Main">'
        f'<a href="/">Dashboard</a><a href="/accounts/">Customer accounts</a></nav>'
        f"<span>{e(org_name)} · {e(actor.user_email)}</span>"
        f'<a href="/notifications/">Notifications ({unread[0] if unread else 0})</a></header>'
        '<main id="main"><h1>Customer accounts</h1><form method="get" role="search" '
        'class="toolbar"><label for="q">Search by name</label><input id="q" name="q" '
        'type="search"></form><div id="results"><table><thead><tr><th scope="col">Customer'
        '</th><th scope="col">City</th><th scope="col">Country</th><th scope="col">Partner</th>'
        '<th scope="col">Status</th></tr></thead><tbody>'
    ]
    for r in rows:
        partner = e(r[18]) if r[19] != "operator" else '<span class="muted">direct</span>'
        out.append(
            f'<tr><td><a href="/accounts/{e(r[0])}/">{e(r[1])}</a></td><td>{e(r[3])}</td>'
            f'<td>{e(r[5])}</td><td>{partner}</td><td><span class="status {e(r[13])}">'
            f"{STATUS_LABEL.get(r[13], r[13])}</span></td></tr>"
        )
    out.append("</tbody></table>")
    if next_cursor:
        out.append(
            f'<nav class="pager"><a href="?cursor={quote(next_cursor)}">Next page →</a></nav>'
        )
    out.append("</div></main></body></html>")
    return "".join(out).encode()


def app(environ, start_response):
    d = db()
    d.count = 0
    path = environ.get("PATH_INFO", "")
    qs = parse_qs(environ.get("QUERY_STRING", ""))
    ctype = "application/json"
    try:
        if environ.get("REQUEST_METHOD") != "GET":
            raise Problem(404, "Not found.")
        if path == "/api/v1/accounts":
            body = orjson.dumps(accounts(environ, qs))
        elif path == "/api/v1/subscriptions":
            body = orjson.dumps(subscriptions(environ, qs))
        elif path == "/api/v1/partners/search":
            body = orjson.dumps(partner_search(environ, qs))
        elif path.startswith("/api/v1/accounts/") and path.count("/") == 4:
            body = orjson.dumps(account_detail(environ, path.rsplit("/", 1)[1]))
        elif path == "/accounts/":
            body, ctype = accounts_html(environ, qs), "text/html; charset=utf-8"
        else:
            raise Problem(404, "Not found.")
        status = 200
    except Problem as p:
        status, ctype = p.status, "application/problem+json"
        doc = {"type": "about:blank", "status": p.status, "detail": p.detail}
        if p.errors is not None:
            doc["errors"] = p.errors
        body = orjson.dumps(doc)
    start_response(
        STATUS_TEXT.get(status, f"{status} Error"),
        [
            ("Content-Type", ctype),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "no-store"),
            ("X-Queries", str(d.count)),
        ],
    )
    return [body]


if __name__ == "__main__":  # a quick smoke check: python -m bench.baseline
    print(time.time(), BILLING_LABEL)
