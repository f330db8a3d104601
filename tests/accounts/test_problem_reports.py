"""Problem reports: filed by customer users, stored, listed, e-mailed to support contacts."""

from __future__ import annotations

import pytest

from channeldesk.accounts import actions
from channeldesk.accounts.models import ProblemReport
from channeldesk.audit.models import AuditEvent
from channeldesk.notifications.models import OutboxEmail
from tests import factories
from tests.conftest import body_of


def _contacts(world):
    actor = world.actor("partner_admin")
    acc = world.a.customer
    actions.add_support_contact(
        actor,
        acc,
        name="Dora Deutsch",
        email="dora@example.test",
        role="administrator",
        language="de",
    )
    actions.add_support_contact(
        actor,
        acc,
        name="Nils Nederland",
        email="nils@example.test",
        role="site_admin",
        language="nl",
    )
    actions.add_support_contact(
        actor, acc, name="Erin English", email="erin@example.test", role="other"
    )


def test_report_is_emailed_to_every_support_contact_in_their_language(
    world, api_as, smtp_server, deliver
):
    _contacts(world)
    acc = world.a.customer
    api = api_as(world.members["member"])
    r = api.post(
        f"/accounts/{acc.id}/problem-reports",
        {
            "subject": "Softphone drops calls",
            "description": "Since Monday every call ends after 30 s.",
            "integration": "softphone",
        },
    )
    assert r.status_code == 201, r.content
    report = r.json()
    assert report["integration"] == "softphone"
    assert report["reporter"]["email"] == world.members["member"].user.email
    assert deliver() == 3
    de = smtp_server.to("dora@example.test")[0]
    nl = smtp_server.to("nils@example.test")[0]
    en = smtp_server.to("erin@example.test")[0]
    assert "Problembericht" in de["Subject"] and "Softphone drops calls" in de["Subject"]
    assert "Softphone und Mobil-App" in body_of(de)
    assert "Probleemmelding" in nl["Subject"]
    assert "Softphone en mobiele app" in body_of(nl)
    assert "Problem report" in en["Subject"]
    body = body_of(en)
    assert "Since Monday every call ends after 30 s." in body
    assert f"/accounts/{acc.id}/problem-reports" in body
    assert set(
        OutboxEmail.objects.filter(template="problem_report").values_list("language", flat=True)
    ) == {"de", "nl", "en"}


def test_report_validation(world, api_as):
    api = api_as(world.members["site_admin"])
    acc = world.a.customer
    for body, field in (
        ({"subject": " ", "description": "x"}, "subject"),
        ({"subject": "x", "description": ""}, "description"),
        ({"subject": "x", "description": "y", "integration": "fax"}, "integration"),
        ({"subject": "x", "description": "y", "reporter": "me"}, "reporter"),
    ):
        r = api.post(f"/accounts/{acc.id}/problem-reports", body)
        assert r.status_code == 422, body
        assert field in [e["field"] for e in r.json()["errors"]]
    assert not ProblemReport.objects.exists()
    assert not OutboxEmail.objects.filter(template="problem_report").exists()


def test_who_files_and_who_sees_reports(world, api_as):
    acc = world.a.customer
    member = api_as(world.members["member"])
    member.post(f"/accounts/{acc.id}/problem-reports", {"subject": "Mine", "description": "d"})
    api_as(world.members["site_admin"]).post(
        f"/accounts/{acc.id}/problem-reports", {"subject": "Site", "description": "d"}
    )
    # Partners and the operator do not file reports for customers.
    for key in ("partner_admin", "partner_agent", "operator_admin", "operator_support"):
        r = api_as(world.members[key]).post(
            f"/accounts/{acc.id}/problem-reports", {"subject": "x", "description": "y"}
        )
        assert r.status_code == 403, key

    def subjects(key, path=f"/accounts/{acc.id}/problem-reports"):
        r = api_as(world.members[key]).get(path)
        assert r.status_code == 200, (key, r.content)
        return sorted(i["subject"] for i in r.json()["items"])

    assert subjects("member") == ["Mine"]  # a member sees their own
    assert subjects("account_admin") == ["Mine", "Site"]
    assert subjects("partner_agent") == ["Mine", "Site"]
    assert subjects("operator_support", "/problem-reports") == ["Mine", "Site"]
    assert subjects("operator_support", f"/problem-reports?account_id={acc.id}") == [
        "Mine",
        "Site",
    ]
    assert subjects("b_partner_admin", "/problem-reports") == []
    r = api_as(world.members["b_partner_admin"]).get(f"/accounts/{acc.id}/problem-reports")
    assert r.status_code == 404


def test_problem_report_list_query_budget(world, api_as, django_assert_max_num_queries):
    acc = world.a.customer
    actor = world.actor("member")
    for i in range(25):
        actions.file_problem_report(actor, acc, subject=f"S{i}", description="d")
    api = api_as(world.members["operator_support"])
    with django_assert_max_num_queries(8):
        r = api.get("/problem-reports?limit=10")
    assert len(r.json()["items"]) == 10 and r.json()["next_cursor"]
    with django_assert_max_num_queries(10):
        r = api.get(f"/accounts/{acc.id}/problem-reports?limit=10")
    assert r.json()["items"][0]["subject"] == "S24"  # newest first


@pytest.mark.parametrize("lang, word", [("de", "Betreff"), ("nl", "Onderwerp")])
def test_problem_report_email_body_is_translated(world, lang, word, smtp_server, deliver):
    acc = world.a.customer
    actions.add_support_contact(
        world.actor("account_admin"), acc, name="C", email="c@example.test", role="administrator"
    )
    acc.default_language = lang
    acc.save()
    factories.user(acc, "member")
    actions.file_problem_report(world.actor("member"), acc, subject="S", description="D")
    deliver()
    assert word in body_of(smtp_server.to("c@example.test")[0])


def test_idempotency_key_files_a_report_once(world, api_as, smtp_server, deliver):
    _contacts(world)
    acc = world.a.customer
    api = api_as(world.members["member"])
    body = {"subject": "Once", "description": "Only once please"}
    first = api.post(f"/accounts/{acc.id}/problem-reports", body, HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post(f"/accounts/{acc.id}/problem-reports", body, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    other = api.post(
        f"/accounts/{acc.id}/problem-reports",
        {**body, "subject": "Changed"},
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    assert other.status_code == 422
    assert ProblemReport.objects.filter(account=acc).count() == 1
    assert deliver() == 3  # one e-mail per support contact, not six


def test_operator_support_resolves_reports(world, api_as, web_as):
    acc = world.a.customer
    report = actions.file_problem_report(
        world.actor("member"), acc, subject="Fax is down", description="d"
    )
    assert (
        api_as(world.members["partner_admin"])
        .post(f"/problem-reports/{report.id}/resolve")
        .status_code
        == 403
    )
    assert (
        api_as(world.members["b_partner_admin"])
        .post(f"/problem-reports/{report.id}/resolve")
        .status_code
        == 404
    )
    support = api_as(world.members["operator_support"])
    r = support.post(f"/problem-reports/{report.id}/resolve")
    assert r.status_code == 200 and r.json()["status"] == "resolved"
    assert support.post(f"/problem-reports/{report.id}/resolve").status_code == 409
    assert AuditEvent.objects.filter(action="account.problem_report_resolved").count() == 1
    # In the UI the queue offers the button to operator support only.
    other = actions.file_problem_report(world.actor("member"), acc, subject="Open", description="d")
    c = web_as(world.members["operator_support"])
    html = c.get("/accounts/problem-reports/").content.decode()
    assert "Mark as resolved" in html and "Resolved" in html
    assert "Mark as resolved" not in (
        web_as(world.members["partner_admin"]).get("/accounts/problem-reports/").content.decode()
    )
    r = c.post(f"/accounts/problem-reports/{other.id}/resolve", follow=True)
    assert "marked as resolved" in r.content.decode()
    other.refresh_from_db()
    assert (
        other.status == "resolved"
        and other.resolved_by == world.members["operator_support"].user.email
    )
