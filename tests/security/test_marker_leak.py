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
from channeldesk.notifications.models import OutboxEmail
from channeldesk.notifications.outbox import queue_email
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.roles import Role
from tests import factories
from tests.security.test_matrix import page_names

MARK = "zqxmarker"
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


def _body(r) -> str:
    """The whole body, also of streamed responses (CSV exports stream)."""
    raw = b"".join(r.streaming_content) if r.streaming else r.content
    return raw.decode(errors="replace")


def test_tree_a_never_sees_tree_b_markers(world, api_as, web_as):
    plant(world)
    checked = 0
    for key in TREE_A:
        membership = world.members[key]
        api = api_as(membership)
        for path in api_gets():
            r = api.get(path)
            if r.status_code == 200:
                checked += 1
                assert MARK not in r.content.decode(), (key, path)
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
    assert checked > 100
    # E-mails to tree A's people carry nothing of tree B.
    emails_a = OutboxEmail.objects.filter(to__in=[world.members[k].user.email for k in TREE_A])
    for e in emails_a:
        assert MARK not in e.subject + e.body_text + e.body_html
    assert OutboxEmail.objects.filter(to__startswith=MARK).exists()  # the markers were planted


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
