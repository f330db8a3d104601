"""quality.md 3: plant marker strings in tree B, then fetch everything tree A's principals can
reach — every list, search, export, page and e-mail — and find none of them."""

from __future__ import annotations

import re
from decimal import Decimal

from django.db import transaction
from django.urls import NoReverseMatch, reverse

from channeldesk.api.main import api as ninja_api
from channeldesk.audit.events import record
from channeldesk.identity import actions as identity_actions
from channeldesk.notifications.actions import notify
from channeldesk.notifications.models import OutboxEmail
from channeldesk.notifications.outbox import queue_email
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.roles import Role
from tests import factories
from tests.security.test_matrix import page_names

MARK = "zqxmarker"
MARK_A = "zqamarker"  # planted by tree A's own activity: never in tree B's e-mails
TREE_A = [
    "distributor_admin",
    "distributor_agent",
    "partner_admin",
    "partner_agent",
    "account_admin",
    "site_admin",
    "member",
]


def plant(world) -> None:
    b = world.b
    for n, org in enumerate([b.customer, b.sibling_customer, b.sibling_reseller]):
        org.name = f"{MARK}org{n}"
        org.street = f"{MARK} street {n}"
        org.save()
    # The listed reseller's name is public (directory); its other fields are not.
    b.reseller.street, b.reseller.phone = f"{MARK} street r", f"+49 {MARK}"
    b.reseller.support_email = f"{MARK}@b.example"
    b.reseller.save()
    m = factories.user(
        b.customer, Role.MEMBER, email=f"{MARK}.user@b.example", name=f"{MARK} Person"
    )
    actor = Actor.of(world.members["b_account_admin"])
    with transaction.atomic():
        record(actor, "account.updated", organization=b.customer, changes={"note": f"{MARK} audit"})
        identity_actions.invite_user(
            actor,
            b.customer,
            email=f"{MARK}.invited@b.example",
            name=f"{MARK} Invitee",
            role="member",
        )
        queue_email(
            to=m.user.email,
            template="password_reset",
            context={"user": m.user, "link": f"https://x/{MARK}"},
            language="en",
            organization=b.customer,
        )
        notify([m.user], organization=b.customer, kind="account.updated", text=f"{MARK} note")


def tree_a_activity(world) -> list[str]:
    """Tree A's own work that sends e-mails to tree A's people; returns their addresses."""
    actor = Actor.of(world.members["partner_admin"])
    with transaction.atomic():
        identity_actions.invite_user(
            actor,
            world.a.customer,
            email="a.invitee@a.example",
            name=f"{MARK_A} Invitee",
            role="member",
        )
        identity_actions.invite_user(
            actor,
            world.a.reseller,
            email="a.agent@a.example",
            name=f"{MARK_A} Agent",
            role="partner_agent",
        )
    reset_for = world.members["account_admin"].user.email
    identity_actions.request_password_reset(reset_for, ip="192.0.2.10")
    return ["a.invitee@a.example", "a.agent@a.example", reset_for]


def b_private_ids(world) -> list[str]:
    """Ids of tree B that tree A must never see (B's listed partners are in the directory)."""
    b = world.b
    users = [m.user.id for k, m in world.members.items() if k.startswith("b_")]
    return [b.customer.id, b.sibling_customer.id, b.sibling_reseller.id, *users]


def id_bearing_gets(world) -> list[str]:
    """GET routes under an id (users of an account, its audit events, ...) filled with tree
    A's own ids: the sublists A may read."""
    own = {
        "account_id": [world.a.customer.id],
        "partner_id": [world.a.reseller.id, world.a.distributor.id],
    }
    out = []
    for p, ops in ninja_api.get_openapi_schema()["paths"].items():
        names = re.findall(r"{(\w+)}", p)
        if "get" not in ops or not names or set(names) - set(own):
            continue
        name = names[0]
        out += [p.replace(f"{{{name}}}", value) for value in own[name]]
    return out


def api_gets() -> list[str]:
    paths = [p for p in ninja_api.get_openapi_schema()["paths"] if "{" not in p]
    out = []
    for p in paths:
        out += [p, f"{p}?q={MARK[:6]}", f"{p}?q={MARK[:3]}", f"{p}?limit=200"]
    return out


def page_gets() -> list[str]:
    urls = []
    for name in sorted(page_names()):
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        # Searches use prefixes of the marker: a page may echo the query itself.
        urls += [url, f"{url}?q={MARK[:6]}", f"{url}?format=csv"]
    return urls


def _mail_text(m) -> str:
    """Subject, recipients and every text part, decoded (bodies may be base64/QP on the wire)."""
    parts = [p.get_content() for p in m.walk() if p.get_content_maintype() == "text"]
    return " ".join([str(m["Subject"]), str(m["To"]), *parts])


def _body(r) -> str:
    """The whole body, also of streamed responses (CSV exports stream)."""
    raw = b"".join(r.streaming_content) if r.streaming else r.content
    return raw.decode(errors="replace")


def test_tree_a_never_sees_tree_b_markers(world, api_as, web_as, smtp_server, deliver):
    plant(world)
    a_addresses = tree_a_activity(world)
    hidden_ids = b_private_ids(world)
    checked = sublists = 0
    for key in TREE_A:
        membership = world.members[key]
        api = api_as(membership)
        for path in api_gets():
            r = api.get(path)
            if r.status_code == 200:
                checked += 1
                assert MARK not in r.content.decode(), (key, path)
        for path in id_bearing_gets(world):
            r = api.get(path)
            if r.status_code == 200:
                sublists += 1
                body = r.content.decode()
                assert MARK not in body, (key, path)
                assert not [i for i in hidden_ids if i in body], (key, path)
        r = api.get(f"/partners/search?q={world.b.reseller.name[:4]}")
        assert MARK not in r.content.decode(), key
        web = web_as(membership)
        for url in page_gets():
            r = web.get(url)
            if r.status_code == 200:
                checked += 1
                assert MARK not in _body(r), (key, url)
        r = web.get("/me/export")
        assert r.status_code == 200 and MARK not in r.content.decode()
    assert checked > 100 and sublists > 20, (checked, sublists)
    # E-mails, as delivered over SMTP: tree A's carry nothing of tree B, tree B's nothing of A.
    deliver()
    people_a = {a.lower() for a in a_addresses} | {world.members[k].user.email for k in TREE_A}
    to_a = [m for m in smtp_server.messages if m["To"].lower() in people_a]
    to_b = [m for m in smtp_server.messages if m["To"].lower().endswith("@b.example")]
    assert len(to_a) >= 3 and len(to_b) >= 2, (len(to_a), len(to_b))
    for m in to_a:
        assert MARK not in _mail_text(m), m["To"]
    for m in to_b:
        assert MARK_A not in _mail_text(m), m["To"]
    assert any(MARK in _mail_text(m) for m in to_b)  # the markers did go out, to B
    assert any(MARK_A in _mail_text(m) for m in to_a)  # and A's own went to A


def test_errors_never_echo_another_tenants_data(world, api_as):
    plant(world)
    api = api_as(world.members["partner_admin"])
    for path in (
        f"/partners/{world.b.sibling_reseller.id}",
        f"/accounts/{world.b.customer.id}",
        f"/accounts/{world.b.customer.id}/users",
        f"/audit-events?account_id={world.b.customer.id}",
    ):
        r = api.get(path)
        assert r.status_code == 404, path
        assert MARK not in r.content.decode()
        assert not re.search(world.b.customer.id, r.content.decode())


# ---- contracts, billing, telephony ---------------------------------------------------------
# (kept in its own section: the foundation's part above is edited separately)


def plant_contracts(world) -> dict[str, str]:
    """Tree B's customer gets a base package, a site, an order, an invoice and a cloud PBX,
    every name carrying the marker; tree A's customer gets the same without it (so tree A's
    lists are not empty). Returns tree B's ids for the direct-access checks."""
    from channeldesk.billing.actions import issue
    from channeldesk.billing.sources import InvoiceDraft, LineDraft
    from channeldesk.contracts import actions as contract_actions
    from channeldesk.telephony import actions as tel
    from tests.contracts import factories as cf

    system = Actor.system()
    cf.pool("+494012345600", 20)
    out: dict[str, str] = {}
    for tree, mark in ((world.a, ""), (world.b, MARK)):
        account = tree.customer
        pkg = cf.base_package(account, name=f"{mark}package")
        site = cf.site(pkg, name=f"{mark}site", numbers=[])
        site.street = f"{mark}street 1"
        site.save()
        order = contract_actions.place_order(
            system,
            account,
            [
                {
                    "item": "site_product",
                    "base_package_id": pkg.id,
                    "site": cf.site_body(name=f"{mark}branch", street=f"{mark}weg 2"),
                    "numbers": 2,
                }
            ],
        )
        contract_actions.provision_order(order.id)
        with transaction.atomic():
            invoice = issue(
                InvoiceDraft(
                    source="marker",
                    key=account.id,
                    issuer_id=tree.reseller.id,
                    bill_to_id=account.id,
                    currency="EUR",
                    lines=[LineDraft(f"{mark}invoice line", Decimal("1"), Decimal("9"), "EUR")],
                ),
                "2026-01",
            )
        tel.declare_equipment(system, account, kind="cloud_pbx", name=f"{mark}pbx")
        tel.create_range(system, account, first="200", last="299")
        from channeldesk.contracts.models import PhoneNumber

        number = PhoneNumber.objects.filter(account=account).order_by("e164").first()
        account_number = number.e164 if number else None
        ext = tel.create_extension(
            system,
            account,
            number="201",
            kind="group",
            name=f"{mark}group",
            phone_number=account_number,
        )
        tel.create_extension(system, account, number="202", kind="device", name=f"{mark}room")
        device = tel.create_device(
            system,
            account,
            model=f"{mark}deskphone",
            mac="02:00:00:00:0A:01" if not mark else "02:00:00:00:0B:01",
            extension="202",
        )
        emergency = tel.create_emergency(
            system,
            account,
            site_product_id=site.id,
            number="112",
            caller_location=f"{mark}floor 3",
        )
        tel.create_attendant(system, account, name=f"{mark}menu", menu={"1": ext.number})
        site_number = number.id if number else ""
        if mark:
            out = {
                "account": account.id,
                "package": pkg.id,
                "site": site.id,
                "order": order.id,
                "invoice": invoice.id if invoice else "",
                "number": site_number,
                "device": device.id,
                "emergency": emergency.id,
            }
    return out


def _contract_urls(account_id: str, ids: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(kind, url) of every contracts/billing/telephony read of one account."""
    acc = f"/accounts/{account_id}"
    urls = [
        ("web", f"{acc}/"),
        ("web", f"{acc}/phone-numbers"),
        ("web", f"{acc}/phone-numbers?q={MARK[:6]}"),
        ("web", f"{acc}/phone-numbers.csv"),
        ("web", f"{acc}/telephony/"),
        ("web", f"{acc}/telephony/?extensions_q={MARK[:6]}&devices_q={MARK[:6]}"),
        ("web", f"{acc}/orders/new"),
        ("web", "/invoices/"),
        ("api", f"{acc}/base-packages"),
        ("api", f"{acc}/phone-numbers"),
        ("api", f"{acc}/orders"),
        ("api", "/orders"),
        ("api", "/invoices?limit=200"),
    ]
    for suffix in (
        "voice-equipment",
        "extensions",
        "devices",
        "auto-attendants",
        "emergency-numbers",
    ):
        urls.append(("api", f"{acc}/{suffix}?limit=200"))
    if ids:
        urls += [
            ("api", f"/base-packages/{ids['package']}"),
            ("api", f"/orders/{ids['order']}"),
            ("api", f"/invoices/{ids['invoice']}"),
            ("api", f"/invoices/{ids['invoice']}/pdf"),
            ("web", f"/orders/{ids['order']}"),
            ("web", f"/invoices/{ids['invoice']}"),
            ("web", f"/phone-numbers/{ids['number']}/assign"),
            ("web", f"{acc}/telephony/device/{ids['device']}/edit"),
            ("web", f"{acc}/telephony/emergency/{ids['emergency']}/edit"),
        ]
    return urls


def test_contracts_billing_and_telephony_of_tree_b_never_leak(world, api_as, web_as):
    b_ids = plant_contracts(world)
    checked = 0
    for key in TREE_A:
        membership = world.members[key]
        api, web = api_as(membership), web_as(membership)
        clients = {"api": api, "web": web}
        # Tree A's own account: whatever the role sees carries nothing of tree B.
        for kind, url in _contract_urls(world.a.customer.id):
            r = clients[kind].get(url)
            assert r.status_code < 500, (key, url)
            if r.status_code == 200:
                checked += 1
                assert MARK not in _body(r), (key, url)
        # Tree B's objects, asked for by id: not found, and the answer names nothing of them.
        for kind, url in _contract_urls(b_ids["account"], b_ids):
            if not any(i and i in url for i in b_ids.values()):
                continue  # a collection: answered above for tree A
            r = clients[kind].get(url)
            assert r.status_code in (403, 404), (key, url, r.status_code)
            assert MARK not in _body(r), (key, url)
    assert checked > 60
    emails_a = OutboxEmail.objects.filter(to__in=[world.members[k].user.email for k in TREE_A])
    assert emails_a.exists()  # tree A's order e-mails
    assert OutboxEmail.objects.filter(body_text__contains=MARK).exists()  # and B's were planted
    for e in emails_a:
        assert MARK not in e.subject + e.body_text + e.body_html
        for a in e.attachments.all():
            assert MARK.encode() not in bytes(a.content)
