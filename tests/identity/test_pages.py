"""Users pages with invite, dashboards by role, profile and personal-data export."""

from __future__ import annotations

import json

from channeldesk.identity.models import User
from channeldesk.notifications.models import OutboxEmail
from channeldesk.tenancy.models import Membership


def test_partner_admin_invites_a_user_from_the_users_page(world, web_as):
    c = web_as(world.members["partner_admin"])
    page = c.get("/users")
    assert page.status_code == 200
    assert b'<label for="id_email">' in page.content
    roles = [v for v, _ in page.context["roles"]]
    assert set(roles) == {"partner_admin", "partner_agent"}
    r = c.post("/users", {"email": "Fresh@Example.test", "name": "Fresh", "role": "partner_agent"})
    assert r.status_code == 302
    m = Membership.objects.get(user__email="fresh@example.test")
    assert (m.organization_id, m.role) == (world.a.reseller.id, "partner_agent")
    assert OutboxEmail.objects.filter(to="fresh@example.test", template="invitation").exists()
    listed = c.get(r["Location"])
    assert b"fresh@example.test" in listed.content and b"Invitation sent" in listed.content


def test_invite_page_refuses_roles_above_the_inviter(world, web_as):
    c = web_as(world.members["partner_agent"])
    r = c.post(
        f"/orgs/{world.a.customer.id}/users",
        {"email": "climb@example.test", "name": "", "role": "operator_admin"},
    )
    assert r.status_code == 200  # the form comes back with an error
    assert r.context["form"].errors
    assert not User.objects.filter(email="climb@example.test").exists()
    # The agent may not manage partner users at all.
    r = c.post("/users", {"email": "climb@example.test", "name": "", "role": "partner_agent"})
    assert r.status_code == 403
    assert not User.objects.filter(email="climb@example.test").exists()


def test_invite_into_another_tree_is_not_found(world, web_as):
    c = web_as(world.members["partner_admin"])
    r = c.post(
        f"/orgs/{world.b.customer.id}/users",
        {"email": "x@example.test", "name": "", "role": "member"},
    )
    assert r.status_code == 404
    assert not User.objects.filter(email="x@example.test").exists()


def test_users_page_with_a_bad_cursor_is_not_a_server_error(world, web_as):
    r = web_as(world.members["partner_admin"]).get("/users?cursor=%%%broken")
    assert r.status_code in (200, 400, 422)


def test_role_change_and_removal_from_the_page(world, web_as):
    c = web_as(world.members["account_admin"])
    target = world.members["member"]
    url = f"/orgs/{world.a.customer.id}/users/{target.id}"
    assert c.post(url, {"role": "site_admin"}).status_code == 302
    assert Membership.objects.get(id=target.id).role == "site_admin"
    assert c.post(url, {"op": "remove"}).status_code == 302
    assert not Membership.objects.filter(id=target.id).exists()


def test_dashboards_by_role(world, web_as):
    op = web_as(world.members["operator_admin"]).get("/")
    assert op.status_code == 200
    assert world.a.customer.name.encode() in op.content
    assert world.b.customer.name.encode() in op.content
    partner = web_as(world.members["partner_admin"]).get("/")
    assert partner.status_code == 200
    assert world.a.customer.name.encode() in partner.content
    assert world.b.customer.name.encode() not in partner.content
    customer = web_as(world.members["account_admin"]).get("/")
    assert customer.status_code == 200
    assert world.a.customer.name.encode() in customer.content
    assert world.a.sibling_customer.name.encode() not in customer.content
    # Navigation follows the role: operators see the outbox, customers do not.
    assert b'href="/notifications/outbox/"' in op.content
    assert b'href="/notifications/outbox/"' not in customer.content
    assert b'href="/audit/webhooks/"' in partner.content
    assert b'href="/audit/webhooks/"' not in web_as(world.members["partner_agent"]).get("/").content


def test_personal_data_export(world, api_as, web_as):
    m = world.members["account_admin"]
    api_as(m).post("/tokens", {"name": "export me"})
    data = api_as(m).get("/me/export").json()
    assert data["user"]["email"] == m.user.email
    assert data["memberships"][0]["organization"]["id"] == world.a.customer.id
    assert "export me" in [t["name"] for t in data["api_tokens"]]
    assert all("token" not in t and "token_hash" not in t for t in data["api_tokens"])
    assert any(e["action"] == "token.created" for e in data["activity"])
    page = web_as(m).get("/me")
    assert b'href="/me/export"' in page.content
    r = web_as(m).get("/me/export")
    assert r["Content-Disposition"].startswith("attachment;")
    assert json.loads(r.content)["user"]["id"] == m.user.id
