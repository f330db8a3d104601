"""The account page through the web UI: panels edited in place (HTMX), read-only for others."""

from __future__ import annotations

from channeldesk.accounts import actions
from channeldesk.accounts.models import AccountIntegration, ProblemReport, SupportContact
from channeldesk.notifications.models import OutboxEmail
from channeldesk.tenancy.models import Organization

HX = {"HTTP_HX_REQUEST": "true"}


def _page(client, acc) -> str:
    r = client.get(f"/accounts/{acc.id}/")
    assert r.status_code == 200
    return r.content.decode()


def test_editors_get_controls_members_read_only(world, web_as):
    acc = world.a.customer
    html = _page(web_as(world.members["account_admin"]), acc)
    assert f'hx-get="/accounts/{acc.id}/edit"' in html
    assert 'role="switch"' in html
    assert "Add a support contact" in html
    assert "Deactivate account" not in html  # account admins do not deactivate
    html = _page(web_as(world.members["member"]), acc)
    assert acc.id in html and "data-copy" in html  # Account ID with its copy button
    assert 'role="switch"' not in html
    assert "/edit" not in html and "Add a support contact" not in html
    assert "Report a problem" in html
    html = _page(web_as(world.members["partner_admin"]), acc)
    assert "Deactivate account" in html and "Delete account" in html
    assert "Report a problem" not in html
    # The distributor reads its resellers' customers.
    html = _page(web_as(world.members["distributor_admin"]), acc)
    assert 'role="switch"' not in html and "Deactivate account" not in html


def test_page_in_german_and_dutch(world, web_as):
    acc = world.a.customer
    user = world.members["account_admin"].user
    user.language = "de"
    user.save()
    html = _page(web_as(world.members["account_admin"]), acc)
    for text in (
        "Kundeninformationen",
        "Supportkontakte",
        "Integrationen",
        "Anrufdienste",
        "Bandbreitenoptimierung",
        "Verfügbar nach dem Gateway-Onboarding",
        "SAP-Kundennummer",
        "Softphone und Mobil-App",
    ):
        assert text in html, text
    user.language = "nl"
    user.save()
    html = _page(web_as(world.members["account_admin"]), acc)
    for text in ("Klantinformatie", "Ondersteuningscontacten", "Integraties", "Belservices"):
        assert text in html, text


def test_customer_information_edited_in_place(world, web_as):
    acc = world.a.customer
    c = web_as(world.members["account_admin"])
    r = c.get(f"/accounts/{acc.id}/edit", **HX)
    assert r.status_code == 200
    html = r.content.decode()
    assert "<form" in html and "<html" not in html  # the panel only
    r = c.post(
        f"/accounts/{acc.id}/edit",
        {
            "name": "Renamed GmbH",
            "country": "DE",
            "subdivision": "DE-HH",
            "postal_code": "123",
            "city": "Hamburg",
            "default_language": "de",
        },
        **HX,
    )
    assert r.status_code == 200
    assert "This postal code does not match" in r.content.decode()
    assert Organization.objects.get(id=acc.id).name != "Renamed GmbH"
    r = c.post(
        f"/accounts/{acc.id}/edit",
        {
            "name": "Renamed GmbH",
            "country": "DE",
            "subdivision": "DE-HH",
            "postal_code": "20095",
            "city": "Hamburg",
            "default_language": "de",
            "business_type": "retail",
        },
        **HX,
    )
    html = r.content.decode()
    assert "Customer information saved." in html and "Renamed GmbH" in html and "Hamburg" in html
    acc.refresh_from_db()
    assert (acc.name, acc.subdivision, acc.business_type) == ("Renamed GmbH", "DE-HH", "retail")


def test_province_list_follows_the_country_and_is_required_where_known(world, web_as):
    acc = world.a.customer
    c = web_as(world.members["partner_agent"])
    html = c.get("/accounts/subdivisions?country=US").content.decode()
    assert 'value="US-CA"' in html and "DE-BY" not in html
    html = c.get("/accounts/subdivisions?country=NL").content.decode()
    assert 'value="NL-NH"' in html
    r = c.post(
        f"/accounts/{acc.id}/edit",
        {
            "name": acc.name,
            "country": "US",
            "subdivision": "",
            "postal_code": "10001",
            "default_language": "en",
        },
    )
    assert r.status_code == 200
    assert "Choose the province/state." in r.content.decode()
    r = c.post(
        f"/accounts/{acc.id}/edit",
        {
            "name": acc.name,
            "country": "US",
            "subdivision": "DE-BY",
            "postal_code": "10001",
            "default_language": "en",
        },
    )
    assert "Select a valid choice" in r.content.decode()  # not in the country's list


def test_support_contacts_in_place(world, web_as):
    acc = world.a.customer
    c = web_as(world.members["partner_agent"])
    r = c.post(
        f"/accounts/{acc.id}/contacts/add",
        {"name": "Ada Admin", "email": "ada@example.test", "role": "administrator"},
        **HX,
    )
    assert r.status_code == 200 and "Ada Admin" in r.content.decode()
    ada = SupportContact.objects.get(account=acc)
    r = c.post(
        f"/accounts/{acc.id}/contacts/add",
        {"name": "Bad", "email": "nope", "role": "other"},
        **HX,
    )
    assert "Enter a valid email address." in r.content.decode()
    # The last Administrator stays, with a clear message.
    r = c.post(f"/accounts/{acc.id}/contacts/{ada.id}/remove", **HX)
    assert r.status_code == 200
    assert "last Administrator" in r.content.decode()
    assert SupportContact.objects.filter(id=ada.id).exists()
    r = c.get(f"/accounts/{acc.id}/contacts/{ada.id}/edit", **HX)
    assert f'name="c{ada.id}-name"' in r.content.decode()
    r = c.post(
        f"/accounts/{acc.id}/contacts/{ada.id}/edit",
        {
            f"c{ada.id}-name": "Ada",
            f"c{ada.id}-email": "ada@example.test",
            f"c{ada.id}-role": "other",
        },
        **HX,
    )
    assert "last Administrator" in r.content.decode()
    r = c.post(
        f"/accounts/{acc.id}/contacts/{ada.id}/edit",
        {
            f"c{ada.id}-name": "Ada Lovelace",
            f"c{ada.id}-email": "ada@example.test",
            f"c{ada.id}-role": "administrator",
            f"c{ada.id}-language": "nl",
        },
        **HX,
    )
    assert "Ada Lovelace" in r.content.decode()
    assert SupportContact.objects.get(id=ada.id).language == "nl"
    # Without JavaScript the same forms redirect back to the page.
    r = c.post(
        f"/accounts/{acc.id}/contacts/add",
        {"name": "Otto", "email": "otto@example.test", "role": "administrator"},
    )
    assert r.status_code == 302
    assert c.post(f"/accounts/{acc.id}/contacts/{ada.id}/remove").status_code == 302
    assert not SupportContact.objects.filter(id=ada.id).exists()


def test_integration_toggles_and_refusals(world, web_as):
    acc = world.a.customer
    c = web_as(world.members["account_admin"])
    r = c.post(f"/accounts/{acc.id}/integrations/meetings", {"enabled": "1"}, **HX)
    html = r.content.decode()
    assert 'data-testid="privilege-meetings-allow_guest_access"' in html
    assert AccountIntegration.objects.get(account=acc, key="meetings").privileges == {
        "allow_guest_access": True
    }
    r = c.post(
        f"/accounts/{acc.id}/integrations/meetings",
        {"privilege": "allow_guest_access", "value": "0"},
        **HX,
    )
    assert AccountIntegration.objects.get(account=acc, key="meetings").privileges == {
        "allow_guest_access": False
    }
    r = c.post(f"/accounts/{acc.id}/integrations/directory_sync", {"enabled": "1"}, **HX)
    assert "needs Single sign-on to be enabled first" in r.content.decode()
    r = c.post(f"/accounts/{acc.id}/integrations/contact_center", {"enabled": "1"}, **HX)
    assert "needs Cloud gateway" in r.content.decode()
    r = c.post(f"/accounts/{acc.id}/integrations/gateway", {"enabled": "1"}, **HX)
    assert "after the gateway onboarding" in r.content.decode()
    r = c.post(f"/accounts/{acc.id}/integrations/meetings", {"enabled": "0"}, **HX)
    assert 'data-testid="privilege-meetings' not in r.content.decode()
    assert AccountIntegration.objects.get(account=acc, key="meetings").enabled is False
    # Members cannot toggle.
    r = web_as(world.members["member"]).post(
        f"/accounts/{acc.id}/integrations/meetings", {"enabled": "1"}, **HX
    )
    assert r.status_code == 403


def test_bandwidth_toggle(world, web_as):
    acc = world.a.customer
    c = web_as(world.members["partner_agent"])
    r = c.post(f"/accounts/{acc.id}/call-services", {"bandwidth_optimization": "1"}, **HX)
    assert 'aria-checked="true"' in r.content.decode()
    acc.refresh_from_db()
    assert acc.bandwidth_optimization is True


def test_member_files_a_problem_report(world, web_as):
    acc = world.a.customer
    actions.add_support_contact(
        world.actor("account_admin"), acc, name="S", email="s@example.test", role="administrator"
    )
    c = web_as(world.members["member"])
    r = c.post(f"/accounts/{acc.id}/problem-reports", {"subject": "", "description": ""}, **HX)
    assert "This field is required." in r.content.decode()
    r = c.post(
        f"/accounts/{acc.id}/problem-reports",
        {"subject": "No dial tone", "description": "Desk phones silent", "integration": "gateway"},
        **HX,
    )
    assert "Your report was sent" in r.content.decode()
    report = ProblemReport.objects.get(account=acc)
    assert report.integration == "gateway"
    assert OutboxEmail.objects.filter(to="s@example.test", template="problem_report").exists()
    html = c.get(f"/accounts/{acc.id}/problem-reports").content.decode()
    assert "No dial tone" in html
    # Operator support's queue lists it too.
    html = web_as(world.members["operator_support"]).get("/accounts/problem-reports/").content
    assert b"No dial tone" in html and b"Cloud gateway" in html


def test_deactivate_and_delete_need_the_typed_account_name(world, web_as):
    acc = world.a.customer
    c = web_as(world.members["partner_admin"])
    r = c.post(f"/accounts/{acc.id}/deactivate", {"confirm_name": "wrong"}, follow=True)
    assert "does not match the account name" in r.content.decode()
    assert Organization.objects.get(id=acc.id).status == "active"
    r = c.post(f"/accounts/{acc.id}/deactivate", {"confirm_name": acc.name}, follow=True)
    assert "its users can no longer sign in" in r.content.decode()
    assert Organization.objects.get(id=acc.id).status == "deactivated"
    assert "Reactivate account" in r.content.decode()
    r = c.post(f"/accounts/{acc.id}/delete", {"confirm_name": ""}, follow=True)
    assert Organization.objects.get(id=acc.id).status == "deactivated"
    r = c.post(f"/accounts/{acc.id}/delete", {"confirm_name": acc.name}, follow=True)
    html = r.content.decode()
    assert Organization.objects.get(id=acc.id).status == "deleted"
    assert "Restore account" in html and 'role="switch"' not in html
    r = c.post(f"/accounts/{acc.id}/restore", follow=True)
    assert Organization.objects.get(id=acc.id).status == "deactivated"
    r = c.post(f"/accounts/{acc.id}/reactivate", follow=True)
    assert Organization.objects.get(id=acc.id).status == "active"


def test_account_page_query_budget(world, web_as, django_assert_max_num_queries):
    acc = world.a.customer
    actor = world.actor("account_admin")
    for i in range(15):
        actions.add_support_contact(
            actor, acc, name=f"C{i}", email=f"c{i}@example.test", role="administrator"
        )
    for key in ("softphone", "meetings", "collaboration", "single_sign_on"):
        actions.set_integration(actor, acc, key, enabled=True)
    for i in range(10):
        actions.file_problem_report(world.actor("member"), acc, subject=f"S{i}", description="d")
    c = web_as(world.members["account_admin"])
    c.get(f"/accounts/{acc.id}/")  # warm the catalog cache
    with django_assert_max_num_queries(20):
        r = c.get(f"/accounts/{acc.id}/")
    assert r.status_code == 200


def test_account_rows_render_as_the_template_engine_would():
    """accounts.views.rows_html writes the table rows without the engine (measured in
    bench/): the same markup and the same escaping as the template it replaced."""
    from django.template import Context, Template
    from django.utils import translation

    from channeldesk.accounts.views import rows_html

    engine_row = Template(
        "{% load i18n %}{% for a in rows %}"
        '<tr><td><a href="{{ a.detail_url }}">{{ a.name }}</a></td><td>{{ a.city }}</td>'
        "<td>{{ a.country }}</td><td>{% if a.partner is not None %}{{ a.partner }}"
        '{% else %}<span class="muted">{% translate "direct" %}</span>{% endif %}</td>'
        '<td><span class="status {{ a.status }}">{{ a.status_label }}</span></td></tr>'
        "{% endfor %}"
    )
    rows = [
        {
            "detail_url": "/accounts/01AB/",
            "name": "<b>Müller & Söhne</b> \"x\" 'y'",
            "city": "Köln",
            "country": "DE",
            "partner": "R&D <Partner>",
            "status": "active",
            "status_label": "Aktiv",
        },
        {
            "detail_url": "/accounts/01CD/?a=1&b=2",
            "name": "Plain",
            "city": "",
            "country": "NL",
            "partner": None,
            "status": "deactivated",
            "status_label": "Gedeactiveerd",
        },
    ]
    for lang in ("en", "de", "nl"):
        with translation.override(lang):
            assert rows_html(rows) == engine_row.render(Context({"rows": rows}))
