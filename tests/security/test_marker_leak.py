"""quality.md 3: plant marker strings in tree B, then fetch everything tree A's principals can
reach — every list, search, export, page and e-mail — and find none of them."""

from __future__ import annotations

import re

from django.db import transaction
from django.urls import NoReverseMatch, reverse

from channeldesk.api.main import api as ninja_api
from channeldesk.audit.events import record
from channeldesk.identity import actions as identity_actions
from channeldesk.notifications.actions import notify
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
