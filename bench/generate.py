"""Dataset generator: a realistic tenant tree at scale, written with raw `executemany`.

Runs inside Django (settings pointing at the target database, migrated by Django first) so
the column list and every default come from the models themselves; rows are built as plain
tuples and inserted in large batches through the raw DB-API cursor. Paths, depth and
name_key are computed with the same functions tenancy.models uses.

Full scale (`scale=1.0`): 1 operator, 20 distributors, 2,000 resellers, 1,000,000 customer
accounts (97 % under resellers, ~485 each; 2 % directly under distributors; 1 % direct
customers of the operator), ~5,000,000 users with one membership each, 1.3 support contacts
and 2 audit events per account; 2,000,000 subscriptions with their licenses; a base package
(contract) for one account in ten with 1-3 site products, their central resources, an IP
connection per site and 4 phone numbers per site (what the billing run bills).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction

from channeldesk.accounts.models import SupportContact
from channeldesk.audit.models import AuditEvent
from channeldesk.catalog.catalog import current
from channeldesk.contracts.models import (
    BasePackage,
    IpConnection,
    PhoneNumber,
    Resource,
    SiteProduct,
)
from channeldesk.identity.models import ApiToken, User, hash_secret
from channeldesk.subscriptions.dates import payment_date
from channeldesk.subscriptions.models import License, Subscription
from channeldesk.tenancy.models import Membership, Organization, search_key

FULL_ACCOUNTS = 1_000_000
DISTRIBUTORS = 20
FULL_RESELLERS = 2_000
CHUNK = 10_000  # accounts per transaction
SEARCH_TOKENS = 2_000  # partner search is rate limited per user: spread the load over many
BENCH_PASSWORD = "bench-password-2026"
ACCOUNTS_Q = "Mül"  # accounts search term (prefix of one name word in WORDS)
PARTNERS_Q = "ab"

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_PAIRS = [a + b for a in _CROCKFORD for b in _CROCKFORD]  # 10 bits -> 2 characters
_B32 = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", _CROCKFORD.encode())

WORDS = [
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Schäfer",
    "Koch",
    "Bauer",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Krüger",
    "Hofmann",
    "Hartmann",
    "Lange",
    "Schmitt",
    "Werner",
    "Krause",
    "Meier",
    "Lehmann",
    "Köhler",
    "Herrmann",
    "König",
    "Walter",
    "Mayer",
    "Huber",
    "Kaiser",
    "Fuchs",
    "Peters",
    "Lang",
    "Scholz",
    "Möller",
    "Weiß",
    "Jung",
    "Hahn",
    "Vogel",
    "Friedrich",
    "Keller",
    "Günther",
    "Frank",
    "Berger",
    "Winkler",
    "Roth",
    "Beck",
    "Lorenz",
    "Baumann",
    "Franke",
    "Albrecht",
    "Schuster",
    "Simon",
    "Ludwig",
    "Böhm",
    "Winter",
    "Kraus",
    "Martin",
    "Schumacher",
    "Krämer",
    "Vogt",
    "Stein",
    "Jäger",
    "Otto",
    "Sommer",
    "Groß",
    "Seidel",
    "Heinrich",
    "Brandt",
    "Haas",
    "Schreiber",
    "Graf",
    "Dietrich",
    "Ziegler",
    "Kuhn",
    "Kühn",
    "Pohl",
    "Engel",
    "Horn",
    "Busch",
    "Bergmann",
    "Thomas",
    "Voigt",
    "Sauer",
    "Arnold",
    "Wolff",
    "Pfeiffer",
    "deJong",
    "Jansen",
    "deVries",
    "vandenBerg",
    "Bakker",
    "Janssen",
    "Visser",
    "Smit",
    "Meijer",
    "deBoer",
    "Mulder",
    "deGroot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "vanLeeuwen",
    "Dekker",
    "Brouwer",
    "deWit",
    "Dijkstra",
    "Smits",
    "deGraaf",
    "vanderMeer",
    "vanderLinden",
    "Kok",
    "Jacobs",
    "deHaan",
    "Vermeulen",
    "vandenHeuvel",
    "vanderVeen",
    "vandenBroek",
    "deBruijn",
    "deBruin",
    "vanderHeijden",
    "Schouten",
    "vanBeek",
    "Willems",
    "vanVliet",
    "vandeVen",
    "Hoekstra",
    "Maas",
    "Verhoeven",
    "Koster",
    "vanDam",
    "vanderWal",
    "Prins",
    "Blom",
    "Huisman",
    "Peeters",
    "Kuipers",
    "vanWijk",
    "Postma",
    "Kuiper",
    "Veenstra",
    "Kramer",
    "vandenBrink",
    "Scholten",
    "vanWijngaarden",
    "Nordlicht",
    "Alpenblick",
    "Seeblick",
    "Rheinland",
    "Elbtal",
    "Hafen",
    "Sonnenhof",
    "Lindenhof",
    "Eichenhof",
    "Mühlenweg",
    "Brückner",
    "Glas",
    "Stahl",
    "Holz",
    "Papier",
    "Atlas",
    "Orion",
    "Vega",
    "Sirius",
    "Polaris",
    "Nova",
    "Aurora",
    "Zenit",
    "Helix",
    "Quadrat",
    "Kontor",
    "Ahorn",
    "Birke",
    "Erle",
    "Esche",
    "Kastanie",
    "Ulme",
    "Weide",
    "Tanne",
    "Fichte",
    "Kiefer",
    "Lärche",
    "Buche",
    "Pappel",
    "Linde",
]
SECTORS = [
    "Logistik",
    "Bau",
    "Praxis",
    "Kanzlei",
    "Apotheke",
    "Hotel",
    "Bäckerei",
    "Autohaus",
    "Elektro",
    "Immobilien",
    "Versicherung",
    "Steuerberatung",
    "Zahnarzt",
    "Tischlerei",
    "Druckerei",
    "Reisen",
    "Transport",
    "Handel",
    "Technik",
    "Consulting",
    "Installatie",
    "Adviesbureau",
    "Tandartsen",
    "Makelaardij",
    "Bouw",
    "Horeca",
    "Zorg",
    "Techniek",
]
LEGAL = ["GmbH", "GmbH & Co. KG", "AG", "e.K.", "KG", "B.V.", "N.V.", "OHG", "UG"]
PARTNER_WORDS = [
    "Abacus",
    "Abendrot",
    "Abakus",
    "Absolut",
    "Abtei",
    "Acme",
    "Alpha",
    "Beta",
    "Comtel",
    "Datacom",
    "Elbe",
    "Fernmelde",
    "Netzwerk",
    "Telekom",
    "Unify",
    "Voice",
    "Connect",
    "Kommunikation",
    "Sprachwerk",
    "Rufnummer",
    "Leitung",
    "Signal",
    "Funk",
    "Draht",
    "Kabel",
    "Horizon",
    "Brightline",
    "Clearcall",
    "Dialog",
    "Echo",
    "Fonwerk",
    "Globus",
    "Hanse",
    "Isar",
    "Jade",
]
PARTNER_SUFFIX = ["Telecom", "IT-Systeme", "Communications", "Netzwerke", "ICT", "Solutions"]
# Valid addresses (ISO 3166-2 subdivisions, the countries' postal code formats), so that the
# generated accounts pass the app's own validation (an edit, the CSV import).
CITIES = [
    ("Berlin", "DE", "DE-BE", "10115"),
    ("Hamburg", "DE", "DE-HH", "20095"),
    ("München", "DE", "DE-BY", "80331"),
    ("Köln", "DE", "DE-NW", "50667"),
    ("Frankfurt am Main", "DE", "DE-HE", "60311"),
    ("Stuttgart", "DE", "DE-BW", "70173"),
    ("Wien", "AT", "AT-9", "1010"),
    ("Graz", "AT", "AT-6", "8010"),
    ("Zürich", "CH", "CH-ZH", "8001"),
    ("Amsterdam", "NL", "NL-NH", "1012 AB"),
    ("Rotterdam", "NL", "NL-ZH", "3011 AD"),
    ("Utrecht", "NL", "NL-UT", "3511 AA"),
    ("Antwerpen", "BE", "BE-VLG", "2000"),
]
REGION = {"DE": "eu-central", "AT": "eu-central", "CH": "eu-central", "NL": "eu-west"}
REGION["BE"] = "eu-west"
PLATFORMS = ["cloud_gateway", "cloud_gateway", "smb_sync", "cloud_connect"]
PBX = {
    "cloud_gateway": ["mivoice_business", "mivoice_office_400", "mivoice_mx_one"],
    "smb_sync": ["smbc", "virtual_appliance"],
    "cloud_connect": ["cloud_connect_pbx"],
}
BUSINESS = ["healthcare", "education", "hospitality", "retail", "manufacturing", "finance", ""]
FIRST = [
    "Anna",
    "Lena",
    "Jonas",
    "Lukas",
    "Marie",
    "Sophie",
    "Paul",
    "Felix",
    "Emma",
    "Noah",
    "Daan",
    "Sem",
    "Julia",
    "Lotte",
    "Tim",
    "Eva",
]
LAST = [
    "Becker",
    "Wagner",
    "Jansen",
    "Visser",
    "Koch",
    "Bauer",
    "Bakker",
    "Smit",
    "Vogel",
    "Krause",
    "Meijer",
    "deVries",
]


def label_for(accounts: int) -> str:
    if accounts >= 1_000_000 and accounts % 1_000_000 == 0:
        return f"{accounts // 1_000_000}m"
    if accounts >= 1_000 and accounts % 1_000 == 0:
        return f"{accounts // 1_000}k"
    return str(accounts)


def parse_scale(text: str) -> float:
    """`0.01`, `10k`, `100k`, `1m` -> factor of the full 1,000,000 accounts."""
    t = text.strip().lower()
    mult = {"k": 1_000, "m": 1_000_000}.get(t[-1:])
    if mult:
        return float(t[:-1]) * mult / FULL_ACCOUNTS
    return float(t)


class IdMaker:
    """Ids in the layout of core.ids.new_id (48-bit milliseconds + 80 random bits, Crockford
    base32), for an explicit creation time so id order follows the generated history."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.pool: list[str] = []

    def _random_part(self) -> str:
        if not self.pool:
            raw = base64.b32encode(self.rng.randbytes(10 * 4096)).translate(_B32).decode()
            self.pool = [raw[i : i + 16] for i in range(0, len(raw), 16)]
        return self.pool.pop()

    def at(self, ms: int) -> str:
        t = _PAIRS
        return (
            t[(ms >> 40) & 1023]
            + t[(ms >> 30) & 1023]
            + t[(ms >> 20) & 1023]
            + t[(ms >> 10) & 1023]
            + t[ms & 1023]
            + self._random_part()
        )


class Table:
    """INSERT for `model` with the given columns first and every other column at its model
    default (so columns added to the model later are filled without touching this file)."""

    def __init__(self, model: type[models.Model], given: Sequence[str]) -> None:
        fields = {str(f.column): f for f in model._meta.concrete_fields}
        missing = [c for c in given if c not in fields]
        if missing:
            raise ValueError(f"{model.__name__} has no column(s) {missing}")
        rest = [c for c in fields if c not in given]
        self.defaults = tuple(
            fields[c].get_db_prep_save(fields[c].get_default(), connection) for c in rest
        )
        for c in rest:
            f = fields[c]
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                raise ValueError(f"{model.__name__}.{c} must be given")
        cols = ", ".join(connection.ops.quote_name(str(c)) for c in [*given, *rest])
        marks = ", ".join(["%s"] * (len(given) + len(rest)))
        self.name = model._meta.db_table
        self.sql = f"INSERT INTO {connection.ops.quote_name(self.name)} ({cols}) VALUES ({marks})"
        self.rows: list[tuple] = []
        self.written = 0

    def add(self, values: tuple) -> None:
        self.rows.append(values + self.defaults)

    def flush(self, cursor) -> None:
        if self.rows:
            cursor.executemany(self.sql, self.rows)
            self.written += len(self.rows)
            self.rows = []


@dataclass
class Org:
    id: str
    path: str
    depth: int
    kind: str
    name: str


@dataclass
class Principal:
    role: str
    user_id: str
    email: str
    membership_id: str
    organization_id: str


@dataclass
class Context:
    scale: float
    rng: random.Random
    ids: IdMaker
    to_db: Callable[[float], Any]
    start: float
    end: float
    operator: Org | None = None
    distributors: list[Org] = field(default_factory=list)
    resellers: list[Org] = field(default_factory=list)
    principals: dict[str, Principal] = field(default_factory=dict)
    searchers: list[Principal] = field(default_factory=list)
    sample_account: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    user_seq: int = 0


def _datetime_adapter() -> Callable[[float], Any]:
    if connection.vendor == "sqlite":
        # Django's SQLite backend stores naive UTC text (str of the naive datetime).
        def to_db(seconds: float) -> Any:
            return str(dt.datetime.fromtimestamp(seconds, dt.UTC).replace(tzinfo=None))

        return to_db
    return lambda seconds: dt.datetime.fromtimestamp(seconds, dt.UTC)


ORG_COLS = [
    "id",
    "kind",
    "name",
    "name_key",
    "parent_id",
    "path",
    "depth",
    "status",
    "street",
    "city",
    "postal_code",
    "country",
    "subdivision",
    "phone",
    "support_email",
    "default_language",
    "business_type",
    "cloud_region",
    "platform",
    "pbx_type",
    "billing_customer_number",
    "listed",
    "created_at",
    "updated_at",
]
USER_COLS = ["id", "password", "email", "name", "language", "is_active", "created_at"]
MEMBERSHIP_COLS = ["id", "user_id", "organization_id", "role", "created_at"]
CONTACT_COLS = ["id", "account_id", "name", "email", "role", "language", "created_at"]
AUDIT_COLS = [
    "id",
    "at",
    "action",
    "actor_user_id",
    "actor_label",
    "actor_organization_id",
    "organization_id",
    "organization_path",
    "target_type",
    "target_id",
    "changes",
]


class Writer:
    def __init__(self) -> None:
        self.orgs = Table(Organization, ORG_COLS)
        self.users = Table(User, USER_COLS)
        self.memberships = Table(Membership, MEMBERSHIP_COLS)
        self.contacts = Table(SupportContact, CONTACT_COLS)
        self.audit = Table(AuditEvent, AUDIT_COLS)
        self.tables = [self.orgs, self.users, self.memberships, self.contacts, self.audit]
        self.password = make_password(BENCH_PASSWORD)  # one hash for all: a known password

    def flush(self) -> None:
        with transaction.atomic(), connection.cursor() as cur:
            for t in self.tables:
                t.flush(cur.cursor)  # the raw DB-API cursor: no per-row wrapper work


def _org(
    ctx: Context, w: Writer, kind: str, name: str, parent: Org | None, when: float, **extra
) -> Org:
    oid = ctx.ids.at(int(when * 1000))
    path = (parent.path if parent else "/") + f"{oid}/"
    depth = parent.depth + 1 if parent else 0
    city, country, subdivision, postal = ctx.rng.choice(CITIES)
    platform = extra.get("platform", "")
    stamp = ctx.to_db(when)
    w.orgs.add(
        (
            oid,
            kind,
            name,
            search_key(name),
            parent.id if parent else None,
            path,
            depth,
            extra.get("status", "active"),
            f"{ctx.rng.choice(WORDS)}straße {ctx.rng.randint(1, 180)}",
            city,
            postal,
            country,
            subdivision,
            f"+49 30 {ctx.rng.randint(1000000, 9999999)}",
            extra.get("support_email", ""),
            "nl" if country in ("NL", "BE") else "de",
            extra.get("business_type", ""),
            REGION[country] if kind == "customer" else "",
            platform,
            ctx.rng.choice(PBX[platform]) if platform else "",
            extra.get("billing", ""),
            extra.get("listed", False),
            stamp,
            stamp,
        )
    )
    return Org(oid, path, depth, kind, name)


def _users(
    ctx: Context, w: Writer, org: Org, roles: Iterable[str], when: float, domain: str
) -> list[Principal]:
    out = []
    for role in roles:
        ctx.user_seq += 1
        ms = int(when * 1000)
        uid = ctx.ids.at(ms)
        mid = ctx.ids.at(ms)
        email = f"u{ctx.user_seq}@{domain}"
        stamp = ctx.to_db(when)
        name = f"{ctx.rng.choice(FIRST)} {ctx.rng.choice(LAST)}"
        w.users.add((uid, w.password, email, name, "", True, stamp))
        w.memberships.add((mid, uid, org.id, role, stamp))
        out.append(Principal(role, uid, email, mid, org.id))
        when += 0.001
    return out


def _audit(
    ctx: Context, w: Writer, when: float, action: str, actor: Principal, org: Org, target: str
) -> None:
    w.audit.add(
        (
            ctx.ids.at(int(when * 1000)),
            ctx.to_db(when),
            action,
            actor.user_id,
            actor.email,
            actor.organization_id,
            org.id,
            org.path,
            action.split(".")[0],
            target,
            json.dumps({"name": org.name}) if action == "account.created" else "{}",
        )
    )


def _partner_name(rng: random.Random) -> str:
    return f"{rng.choice(PARTNER_WORDS)} {rng.choice(PARTNER_SUFFIX)} {rng.choice(LEGAL)}"


def generate_tree(ctx: Context, w: Writer, progress: Callable[[str], None]) -> None:
    rng = ctx.rng
    accounts = max(1, round(FULL_ACCOUNTS * ctx.scale))
    resellers = max(DISTRIBUTORS, round(FULL_RESELLERS * ctx.scale))
    when = ctx.start
    ctx.operator = op = _org(ctx, w, "operator", "Channeldesk Cloud", None, when)
    op_users = _users(
        ctx, w, op, ["operator_admin", "operator_admin", "operator_support"], when, "op.bench.test"
    )
    ctx.principals["operator"] = op_users[0]
    for i in range(DISTRIBUTORS):
        when += 3600
        d = _org(
            ctx, w, "distributor", f"{_partner_name(rng)} {i + 1}", op, when, listed=bool(i % 2)
        )
        ctx.distributors.append(d)
        us = _users(
            ctx, w, d, ["partner_admin", "partner_admin", "partner_agent"], when, f"d{i}.bench.test"
        )
        if i == 0:
            ctx.principals["distributor"] = us[0]
    for i in range(resellers):
        when += 600
        parent = ctx.distributors[i % DISTRIBUTORS]
        r = _org(ctx, w, "reseller", _partner_name(rng), parent, when, listed=rng.random() < 0.4)
        ctx.resellers.append(r)
        us = _users(
            ctx, w, r, ["partner_admin", "partner_agent", "partner_agent"], when, f"r{i}.bench.test"
        )
        if i == 0:
            ctx.principals["reseller"] = us[0]
    w.flush()

    # Customer accounts, created over the years in time order, spread over the partners.
    step = (ctx.end - when) / accounts
    measured = ctx.resellers[0]
    for n in range(accounts):
        when += step
        pick = rng.random()
        if pick < 0.01:
            parent = op
        elif pick < 0.03:
            parent = rng.choice(ctx.distributors)
        else:
            parent = rng.choice(ctx.resellers)
        name = f"{rng.choice(WORDS)} {rng.choice(SECTORS)} {rng.choice(LEGAL)}"
        platform = rng.choice(PLATFORMS)
        roll = rng.random()
        status = "active" if roll < 0.9 else ("onboarding" if roll < 0.95 else "deactivated")
        a = _org(
            ctx,
            w,
            "customer",
            name,
            parent,
            when,
            status=status,
            platform=platform,
            business_type=rng.choice(BUSINESS),
            billing=f"{rng.randint(10_000_000, 99_999_999)}",
        )
        if parent is measured and not ctx.sample_account:
            ctx.sample_account = a.id
        k = rng.randint(1, 9)
        roles = ["account_admin"] + ["site_admin"] * (k > 3) + ["member"] * (k - 1 - (k > 3))
        us = _users(ctx, w, a, roles, when, f"a{n}.bench.test")
        if status == "active" and len(ctx.searchers) < SEARCH_TOKENS and n % 3 == 0:
            ctx.searchers.append(us[0])
        for j in range(1 + (rng.random() < 0.3)):
            cname = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            w.contacts.add(
                (
                    ctx.ids.at(int(when * 1000)),
                    a.id,
                    cname,
                    f"support{j}@a{n}.bench.test",
                    "administrator" if j == 0 else "other",
                    "",
                    ctx.to_db(when),
                )
            )
        _audit(ctx, w, when, "account.created", us[0], a, a.id)
        _audit(ctx, w, when + 1, "support_contact.added", us[0], a, a.id)
        if (n + 1) % CHUNK == 0:
            w.flush()
            if (n + 1) % (CHUNK * 10) == 0:
                progress(f"  {n + 1:,} / {accounts:,} accounts")
    w.flush()


SUBSCRIPTION_COLS = [
    "id",
    "account_id",
    "product",
    "quantity",
    "assigned",
    "status",
    "start_date",
    "billing_period",
    "periods",
    "next_payment_date",
    "unit_price",
    "currency",
    "cancelled_at",
    "created_at",
    "updated_at",
]
LICENSE_COLS = ["id", "subscription_id", "account_id", "user_id", "assigned_at"]


def _account_users(ctx: Context) -> Iterable[tuple[str, str, list[str]]]:
    """(account id, status, user ids) per customer account, streamed in id (= history) order;
    works while the secondary indexes are dropped (primary keys only)."""
    sql = (
        "SELECT m.organization_id, o.status, m.user_id FROM tenancy_membership m "
        "JOIN tenancy_organization o ON o.id = m.organization_id "
        "WHERE o.kind = 'customer' ORDER BY m.id"
    )
    with connection.cursor() as cur:
        cur.execute(sql)
        current: tuple[str, str, list[str]] | None = None
        while rows := cur.fetchmany(10_000):
            for org_id, status, user_id in rows:
                if current is None or current[0] != org_id:
                    if current is not None:
                        yield current
                    current = (org_id, status, [])
                current[2].append(user_id)
        if current is not None:
            yield current


def generate_subscriptions(ctx: Context, progress: Callable[[str], None]) -> int:
    """Subscriptions and license assignments (2,000,000 subscriptions per 1 M accounts, issue
    8): 0-4 per account (2 on average) of the catalog's products, at the catalog price; mostly
    active, cancelled on deactivated accounts; licenses for most of the account's users
    (`assigned` is the license count, quantity leaves some spare)."""
    rng = ctx.rng
    catalog = current().entries("products")
    subs = Table(Subscription, SUBSCRIPTION_COLS)
    lics = Table(License, LICENSE_COLS)
    accounts = list(_account_users(ctx))  # a cursor cannot stay open across the write batches
    step = (ctx.end - ctx.start) / max(1, len(accounts))
    for n, (account_id, status, users) in enumerate(accounts):
        when = ctx.start + step * n
        for p in rng.sample(catalog, min(len(catalog), rng.choice((0, 1, 2, 2, 3, 4)))):
            roll = rng.random()
            if status == "deactivated":
                sub_status = "cancelled"
            else:
                sub_status = (
                    "active" if roll < 0.9 else ("suspended" if roll < 0.95 else "cancelled")
                )
            holders = rng.sample(users, rng.randint(1, len(users)))
            start = dt.datetime.fromtimestamp(when, dt.UTC).date()
            period = p["billing_period"]
            periods = 1
            stamp = ctx.to_db(when)
            sid = ctx.ids.at(int(when * 1000))
            subs.add(
                (
                    sid,
                    account_id,
                    p["key"],
                    len(holders) + rng.randint(0, 3),
                    len(holders),
                    sub_status,
                    start.isoformat(),
                    period,
                    periods,
                    payment_date(start, period, periods).isoformat(),
                    str(p["unit_price"]),
                    p["currency"],
                    stamp if sub_status == "cancelled" else None,
                    stamp,
                    stamp,
                )
            )
            for uid in holders:
                lics.add((ctx.ids.at(int(when * 1000)), sid, account_id, uid, stamp))
        if (n + 1) % CHUNK == 0 or n + 1 == len(accounts):
            with transaction.atomic(), connection.cursor() as cur:
                subs.flush(cur.cursor)
                lics.flush(cur.cursor)
            if (n + 1) % (CHUNK * 10) == 0:
                progress(f"  subscriptions: {n + 1:,} / {len(accounts):,} accounts")
    ctx.counts[subs.name] = subs.written
    ctx.counts[lics.name] = lics.written
    progress(f"  subscriptions: {subs.written:,}, licenses: {lics.written:,}")
    return subs.written


PACKAGE_SHARE = 10  # one account in ten has a base package (contract)
NUMBERS_PER_SITE = 4
# The national destination code of each generator city (its numbers come from that area).
AREA = {
    "Berlin": "30",
    "Hamburg": "40",
    "München": "89",
    "Köln": "221",
    "Frankfurt am Main": "69",
    "Stuttgart": "711",
    "Wien": "1",
    "Graz": "316",
    "Zürich": "44",
    "Amsterdam": "20",
    "Rotterdam": "10",
    "Utrecht": "30",
    "Antwerpen": "3",
}
PREFIX = {"DE": "49", "AT": "43", "CH": "41", "NL": "31", "BE": "32"}
POSTAL = {city: postal for city, _country, _sub, postal in CITIES}


def _contract_accounts(ctx: Context) -> list[tuple[str, str, str]]:
    """(id, city, country) of every tenth active customer account, in id order."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT id, city, country FROM tenancy_organization "
            "WHERE kind = 'customer' AND status = 'active' ORDER BY id"
        )
        return [r for i, r in enumerate(cur.fetchall()) if i % PACKAGE_SHARE == 0]


def generate_contracts(ctx: Context, progress: Callable[[str], None]) -> int:
    """Base packages (seed 002) as the order flow leaves them: the catalog's base fee with its
    included resources (2 parallel calls, national flatrate), sometimes a budget or a monthly
    service; 1-3 site products at the catalog price, each with an FTTH connection and
    NUMBERS_PER_SITE numbers of the site's area (sequential E.164 per area, unique)."""
    rng = ctx.rng
    items = {e["key"]: e for e in current().entries("contract_items")}
    base, site = items["base_package"], items["site_product"]
    conn = site.get("ip_connection", {"type": "FTTH", "bandwidth": "100 Mbit/s"})
    pkgs = Table(
        BasePackage,
        [
            "id",
            "account_id",
            "number",
            "name",
            "start_date",
            "monthly_fee",
            "currency",
            "created_at",
        ],
    )
    res_cols = ["id", "base_package_id", "kind", "item", "name", "quantity", "amount", "period"]
    res = Table(Resource, [*res_cols, "scope", "monthly_price", "included", "created_at"])
    site_cols = ["id", "base_package_id", "name", "street", "postal_code", "city", "country"]
    sites = Table(SiteProduct, [*site_cols, "area", "monthly_fee", "number_fee", "created_at"])
    ips = Table(IpConnection, ["id", "site_product_id", "type", "bandwidth", "access_identifier"])
    num_cols = ["id", "e164", "country", "area", "block", "account_id", "base_package_id"]
    nums = Table(PhoneNumber, [*num_cols, "site_product_id", "usage", "allocated_at"])
    extras = [items[k] for k in ("budget_100", "flatrate_mobile", "service_change_management")]
    next_number: dict[tuple[str, str], int] = {}
    accounts = _contract_accounts(ctx)
    step = (ctx.end - ctx.start) / max(1, len(accounts))
    for n, (account_id, city, country) in enumerate(accounts):
        when = ctx.start + step * n
        stamp = ctx.to_db(when)
        pid = ctx.ids.at(int(when * 1000))
        start = dt.datetime.fromtimestamp(when, dt.UTC).date().isoformat()
        pkgs.add(
            (
                pid,
                account_id,
                f"BP-{n + 1:08d}",
                "Base package",
                start,
                base["monthly_price"],
                "EUR",
                stamp,
            )
        )
        chosen = [items[k] for k in base.get("includes", [])]
        if rng.random() < 0.3:
            chosen.append(rng.choice(extras))
        for j, e in enumerate(chosen):
            included = j < len(base.get("includes", []))
            res.add(
                (
                    ctx.ids.at(int(when * 1000)),
                    pid,
                    e["kind"],
                    e["key"],
                    e["name"]["en"],
                    e.get("quantity", 0),
                    e.get("amount"),
                    e.get("period", ""),
                    e.get("scope", ""),
                    "0.00" if included else e.get("monthly_price", "0.00"),
                    included,
                    stamp,
                )
            )
        area = AREA[city]
        for k in range(rng.choice((1, 1, 2, 3))):
            sid = ctx.ids.at(int(when * 1000))
            sites.add(
                (
                    sid,
                    pid,
                    f"Site {k + 1}",
                    f"{rng.choice(WORDS)}straße {rng.randint(1, 180)}",
                    POSTAL[city],
                    city,
                    country,
                    area,
                    site["monthly_price"],
                    site.get("number_price", "0.00"),
                    stamp,
                )
            )
            ips.add(
                (ctx.ids.at(int(when * 1000)), sid, conn["type"], conn["bandwidth"], f"ACC-{sid}")
            )
            for _ in range(NUMBERS_PER_SITE):
                seq = next_number[(country, area)] = next_number.get((country, area), 0) + 1
                e164 = f"+{PREFIX[country]}{area}{5_000_000 + seq}"
                nums.add(
                    (
                        ctx.ids.at(int(when * 1000)),
                        e164,
                        country,
                        area,
                        f"bench-{country}-{area}",
                        account_id,
                        pid,
                        sid,
                        "unassigned",
                        stamp,
                    )
                )
        if (n + 1) % CHUNK == 0 or n + 1 == len(accounts):
            with transaction.atomic(), connection.cursor() as cur:
                for t in (pkgs, res, sites, ips, nums):
                    t.flush(cur.cursor)
    for t in (pkgs, res, sites, ips, nums):
        ctx.counts[t.name] = t.written
    progress(
        f"  base packages: {pkgs.written:,}, sites: {sites.written:,}, numbers: {nums.written:,}"
    )
    return pkgs.written


def issue_tokens(ctx: Context) -> dict[str, Any]:
    """API tokens for the measured principals (and the partner-search crowd)."""
    table = Table(ApiToken, ["id", "membership_id", "name", "token_hash", "hint", "created_at"])
    now = time.time()
    out: dict[str, Any] = {"principals": {}, "search_tokens": []}

    def issue(p: Principal) -> str:
        raw, digest = ApiToken.generate()
        table.add(
            (
                ctx.ids.at(int(now * 1000)),
                p.membership_id,
                "bench",
                digest,
                raw[:12],
                ctx.to_db(now),
            )
        )
        assert hash_secret(raw) == digest
        return raw

    for key, p in ctx.principals.items():
        out["principals"][key] = {
            "token": issue(p),
            "email": p.email,
            "user_id": p.user_id,
            "organization_id": p.organization_id,
            "membership_id": p.membership_id,
        }
    out["search_tokens"] = [issue(p) for p in ctx.searchers]
    with transaction.atomic(), connection.cursor() as cur:
        table.flush(cur.cursor)
    return out


def _sqlite_secondary_indexes(tables: list[str]) -> list[tuple[str, str]]:
    with connection.cursor() as cur:
        marks = ",".join("?" * len(tables))
        cur.cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({marks})",
            tables,
        )
        return list(cur.cursor.fetchall())


def generate(
    scale: float,
    *,
    seed: int = 8,
    bulk: bool = True,
    progress: Callable[[str], None] = print,
) -> dict:
    """Fill the (freshly migrated, empty) default database; returns the principals file data.
    `bulk` (SQLite) drops the secondary indexes for the load and rebuilds them at the end;
    tests pass False (they run inside a transaction)."""
    rng = random.Random(seed)
    now = time.time()
    ctx = Context(
        scale=scale,
        rng=rng,
        ids=IdMaker(rng),
        to_db=_datetime_adapter(),
        start=now - 6 * 365 * 86400,
        end=now - 86400,
    )
    w = Writer()
    started = time.monotonic()
    dropped: list[tuple[str, str]] = []
    bulk = bulk and connection.vendor == "sqlite"
    if bulk:
        # Bulk load: indexes are built once at the end (much faster than row by row).
        connection.ensure_connection()
        with connection.cursor() as cur:
            cur.execute("PRAGMA synchronous=OFF")
            cur.execute("PRAGMA foreign_keys=OFF")
            cur.execute("PRAGMA cache_size=-512000")
        dropped = _sqlite_secondary_indexes(
            [t.name for t in w.tables]
            + [Subscription._meta.db_table, License._meta.db_table]
            + [m._meta.db_table for m in (BasePackage, Resource, SiteProduct, IpConnection)]
            + [PhoneNumber._meta.db_table]
        )
        with connection.cursor() as cur:
            for name, _ in dropped:
                cur.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    generate_tree(ctx, w, progress)
    ctx.counts = {t.name: t.written for t in w.tables}
    progress(f"  rows written in {time.monotonic() - started:.0f} s: {ctx.counts}")
    subs = generate_subscriptions(ctx, progress)
    generate_contracts(ctx, progress)
    if dropped:
        t0 = time.monotonic()
        with connection.cursor() as cur:
            for _, sql in dropped:
                cur.execute(sql)
        progress(f"  indexes rebuilt in {time.monotonic() - t0:.0f} s")
    tokens = issue_tokens(ctx)
    t0 = time.monotonic()
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
        if bulk:
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    progress(f"  analyzed in {time.monotonic() - t0:.0f} s")
    accounts = max(1, round(FULL_ACCOUNTS * scale))
    reseller = ctx.resellers[0]
    return {
        "scale": scale,
        "accounts": accounts,
        "label": label_for(accounts),
        "vendor": connection.vendor,
        "generated_at": dt.datetime.now(dt.UTC).isoformat(),
        "seconds": round(time.monotonic() - started, 1),
        "counts": {**ctx.counts, "subscriptions": subs},
        "password": BENCH_PASSWORD,
        "sample_account_id": ctx.sample_account,
        "reseller_path": reseller.path,
        "accounts_q": ACCOUNTS_Q,
        "partners_q": PARTNERS_Q,
        **tokens,
    }
