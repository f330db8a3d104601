"""Both step sequences end to end in Chromium: a gateway customer in German, a sync customer
in Dutch. Real TCP listener / closed port for the connection test, real SMTP for the
site-admin invitations, a saved draft resumed from the dashboard in a fresh browser session."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from channeldesk.accounts.models import Account, SupportContact
from channeldesk.onboarding.models import Onboarding, SyncedExtension
from channeldesk.tenancy.models import Membership
from channeldesk.tenancy.roles import Role
from tests import factories
from tests.conftest import body_of, login, screenshot
from tests.onboarding.helpers import closed_port, tcp_listener

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_customer(page, *, name, street, postal, city, country, admins, supports, domains=()):
    page.get_by_label("Kundenname" if country == "DE" else "Klantnaam").fill(name)
    page.locator("#id_domains").fill("\n".join(domains))
    page.locator("#id_street").fill(street)
    page.locator("#id_postal_code").fill(postal)
    page.locator("#id_city").fill(city)
    page.locator("#id_country").select_option(country)
    # the cloud location follows the country (HTMX)
    expect(page.locator("#id_cloud_region")).to_have_value(
        {"DE": "eu-central", "NL": "eu-west"}[country]
    )
    page.locator("#id_business_type").select_option("retail")
    for i, (n, e) in enumerate(admins):
        if i >= page.locator("[data-testid=admin-row]").count():
            page.locator("button[value=add_admin]").click()
            expect(page.locator("[data-testid=admin-row]")).to_have_count(i + 1)
        page.locator(f"#admin-{i}-name").fill(n)
        page.locator(f"#admin-{i}-email").fill(e)
    for i, (n, e, r) in enumerate(supports):
        if i >= page.locator("[data-testid=support-row]").count():
            page.locator("button[value=add_support]").click()
            expect(page.locator("[data-testid=support-row]")).to_have_count(i + 1)
        page.locator(f"#support-{i}-name").fill(n)
        page.locator(f"#support-{i}-email").fill(e)
        page.locator(f"#support-{i}-role").select_option(r)


def fill_vienna_site(page):
    page.locator("#id_site_street").fill("Kärntner Straße 1")
    page.locator("#id_site_postal_code").fill("1010")
    page.locator("#id_site_city").fill("Wien")
    page.locator("#id_site_country").select_option("AT")
    page.locator("#id_site_subdivision option[value='AT-9']").wait_for(state="attached")
    page.locator("#id_site_subdivision").select_option("AT-9")


def test_gateway_onboarding_in_german(page, live_server, smtp_server, deliver):
    world = factories.world()
    agent = factories.user(world.a.reseller, Role.PARTNER_AGENT, language="de")
    login(page, agent.user.email)
    expect(page.get_by_role("heading", name="Onboarding in Bearbeitung")).to_be_visible()
    expect(page.get_by_text("Kein Onboarding in Bearbeitung.")).to_be_visible()
    # Cancel on the first step of a new onboarding leaves nothing behind
    page.locator("header.top nav").get_by_role("link", name="Neues Onboarding").click()
    page.get_by_label(re.compile("Cloud-Gateway")).check()
    page.get_by_role("button", name="Onboarding starten").click()
    page.get_by_label("Kundenname").fill("Nur mal geschaut")
    page.get_by_role("link", name="Abbrechen").click()
    expect(page.get_by_text("Kein Onboarding in Bearbeitung.")).to_be_visible()
    assert not Onboarding.objects.exists()

    page.locator("header.top nav").get_by_role("link", name="Neues Onboarding").click()
    page.get_by_label(re.compile("Cloud-Gateway")).check()
    page.get_by_role("button", name="Onboarding starten").click()

    # Customer step, with the step indicator
    steps = page.get_by_role("navigation", name="Schritte des Onboardings")
    expect(steps.locator("li")).to_have_text(
        [re.compile(s) for s in ("Kunde", "TK-Anlage", "Verbindung", "Gateway", "Überprüfen")]
    )
    expect(steps.locator("li[aria-current=step]")).to_contain_text("Kunde")
    expect(page.get_by_text("nur für Statistiken verwendet")).to_be_visible()
    fill_customer(
        page,
        name="Bäckerei Morgenrot GmbH",
        street="Brotgasse 7",
        postal="10115",
        city="Berlin",
        country="DE",
        admins=[("Anna Admin", "anna@morgenrot.example"), ("Zoe Zweit", "zoe@morgenrot.example")],
        supports=[
            ("Bernd Betrieb", "bernd@morgenrot.example", "administrator"),
            ("Carla Standort", "carla@morgenrot.example", "other"),
        ],
        domains=["morgenrot.example", "Bäckerei-Morgenrot.example"],
    )
    # Germany does not need a Land; the empty choice says so
    expect(page.locator("#id_subdivision option[value='']")).to_have_text("— optional —")
    # remove the second admin contact inline (HTMX), keeping what was typed in the first
    page.get_by_role("button", name="Entfernen Admin-Kontakt 2").click()
    expect(page.locator("[data-testid=admin-row]")).to_have_count(1)
    expect(page.locator("#admin-0-email")).to_have_value("anna@morgenrot.example")
    page.get_by_role("button", name="Weiter", exact=True).last.click()
    expect(page.locator("[data-testid=support-error]")).to_have_text(
        "Fügen Sie mindestens einen Support-Kontakt mit der Rolle Standortadministrator hinzu."
    )
    screenshot(page, "onboarding_de_customer_error")
    page.locator("#support-1-role").select_option("site_admin")
    page.get_by_role("button", name="Weiter", exact=True).last.click()

    # PBX step, then Save and return
    expect(page).to_have_url(re.compile(r"/pbx$"))
    page.get_by_label("PBX-Typ").select_option("mivoice_business")
    page.get_by_label("Name der TK-Anlage").fill("Zentrale")
    page.get_by_label("Softwareversion").fill("9.4 SP1")
    page.get_by_role("button", name="Speichern und zurück").click()
    expect(page).to_have_url(re.compile(r"/$"))
    row = page.locator(".onboarding-drafts tbody tr", has_text="Bäckerei Morgenrot GmbH")
    expect(row).to_contain_text("Verbindung")  # the next step
    screenshot(page, "onboarding_de_dashboard_draft")
    row.get_by_role("link", name=re.compile("Fortsetzen")).click()

    # Connection step: a closed port fails, a real listener succeeds
    expect(page).to_have_url(re.compile(r"/connection$"))
    page.locator("#id_host").fill("127.0.0.1")
    page.get_by_label("Port").fill(str(closed_port()))
    page.get_by_label("Benutzername").fill("admin")
    page.get_by_label("Passwort").fill("geheim-pbx-42")
    page.get_by_role("button", name="Verbindung testen").click()
    expect(page.locator("[data-testid=connection-result]")).to_contain_text(
        "Verbindungstest fehlgeschlagen"
    )
    expect(page.locator("[data-testid=connection-result]")).to_contain_text("abgelehnt")
    with tcp_listener() as port:
        page.get_by_label("Port").fill(str(port))
        page.get_by_role("button", name="Verbindung testen").click()
        expect(page.locator("[data-testid=connection-result]")).to_contain_text(
            "Verbindungstest erfolgreich"
        )
    expect(page.get_by_label("Passwort")).to_have_value("")  # never shown back
    screenshot(page, "onboarding_de_connection")
    page.get_by_role("button", name="Weiter", exact=True).last.click()

    # Gateway step: the site address defaults to the customer's
    expect(page).to_have_url(re.compile(r"/gateway$"))
    expect(page.locator("#id_site_street")).to_have_value("Brotgasse 7")
    # the gateway stands in the Vienna branch: the province list follows the site's country
    fill_vienna_site(page)
    # Cancel drops this step's unsaved input and returns to the dashboard; the draft stays
    page.get_by_label("Seriennummer").fill("VERWERFEN-1")
    page.get_by_role("link", name="Abbrechen").click()
    expect(page).to_have_url(re.compile(r"/$"))
    row = page.locator(".onboarding-drafts tbody tr", has_text="Bäckerei Morgenrot GmbH")
    expect(row).to_contain_text("Gateway")
    row.get_by_role("link", name=re.compile("Fortsetzen")).click()
    expect(page).to_have_url(re.compile(r"/gateway$"))
    expect(page.get_by_label("Seriennummer")).to_have_value("")
    expect(page.locator("#id_site_street")).to_have_value("Brotgasse 7")  # Cancel dropped it
    fill_vienna_site(page)
    page.get_by_label("Seriennummer").fill("GW-7781")
    page.get_by_label("MAC-Adresse").fill("00:1A:2B:3C:4D")
    page.get_by_role("button", name="Weiter", exact=True).last.click()
    expect(page.locator("#id_mac_address_error")).to_be_visible()
    page.get_by_label("MAC-Adresse").fill("00-1a-2b-3c-4d-5e")
    page.get_by_role("button", name="Weiter", exact=True).last.click()

    # Review and complete
    expect(page).to_have_url(re.compile(r"/review$"))
    expect(page.get_by_text("00:1A:2B:3C:4D:5E")).to_be_visible()
    expect(page.get_by_text("MiVoice Business")).to_be_visible()
    expect(page.get_by_text("geheim-pbx-42")).to_have_count(0)
    for part in ("Kunde", "TK-Anlage", "Verbindung", "Gateway"):
        expect(page.get_by_role("link", name=f"Bearbeiten {part}")).to_be_visible()
    expect(page.get_by_test_id("review-address")).to_have_text(
        re.compile(r"Brotgasse 7\s*10115 Berlin\s*Deutschland")
    )
    expect(page.get_by_test_id("review-site-address")).to_have_text(
        re.compile(r"Kärntner Straße 1\s*1010 Wien\s*Wien, Österreich")
    )
    expect(page.get_by_test_id("review-domains")).to_have_text(
        re.compile(r"morgenrot\.example\s*bäckerei-morgenrot\.example")
    )
    screenshot(page, "onboarding_de_review")
    page.get_by_role("button", name="Onboarding abschließen").click()
    expect(page.get_by_text("ist eingerichtet und aktiv")).to_be_visible()
    expect(page.locator("#panel-info")).to_contain_text(re.compile(r"PBX-Typ\s*MiVoice Business"))
    expect(page.get_by_test_id("info-domains")).to_contain_text("bäckerei-morgenrot.example")
    screenshot(page, "onboarding_de_done")

    account = Account.objects.get(name="Bäckerei Morgenrot GmbH")
    assert account.status == "active" and account.pbx_type == "mivoice_business"
    assert account.parent_id == world.a.reseller.id
    assert sorted(
        SupportContact.objects.filter(account=account).values_list("role", flat=True)
    ) == [
        "administrator",
        "site_admin",
    ]
    assert Membership.objects.get(organization=account).role == "site_admin"
    assert list(account.domains.order_by("domain").values_list("domain", flat=True)) == [
        "bäckerei-morgenrot.example",
        "morgenrot.example",
    ]
    deliver()
    (mail,) = smtp_server.to("anna@morgenrot.example")
    assert "/auth/set-password?token=" in body_of(mail)
    # in the account's language (German), not the default
    assert mail["Subject"] == "Einladung zu Bäckerei Morgenrot GmbH in Channeldesk"
    assert "Legen Sie Ihr Passwort über diesen Link fest" in body_of(mail)
    assert smtp_server.to("zoe@morgenrot.example") == []
    assert not Onboarding.objects.filter(status="draft").exists()


def test_sync_onboarding_in_dutch_resumed_in_a_new_session(
    browser, live_server, smtp_server, deliver, tmp_path
):
    world = factories.world()
    admin = factories.user(world.a.reseller, Role.PARTNER_ADMIN, language="nl")
    staff = world.members["operator_support"].user  # already has a login: never attached

    def session():
        ctx = browser.new_context(viewport={"width": 1280, "height": 860}, base_url=live_server.url)
        pg = ctx.new_page()
        pg.set_default_timeout(15000)
        login(pg, admin.user.email)
        return ctx, pg

    ctx, page = session()
    page.get_by_role("link", name="Nieuwe onboarding").first.click()
    page.get_by_label(re.compile("SMB Controller")).check()
    page.get_by_role("button", name="Onboarding starten").click()
    steps = page.get_by_role("navigation", name="Stappen van de onboarding")
    expect(steps.locator("li")).to_have_text(
        [re.compile(s) for s in ("Klant", "Synchronisatie", "Controleren")]
    )
    fill_customer(
        page,
        name="Bakkerij Dageraad B.V.",
        street="Broodstraat 1",
        postal="1012 AB",
        city="Amsterdam",
        country="NL",
        admins=[("Anouk Admin", "anouk@dageraad.example")],
        supports=[
            ("Bram Beheer", "bram@dageraad.example", "administrator"),
            ("Cor Locatie", "cor@dageraad.example", "site_admin"),
            ("Dirk Derde", "dirk@dageraad.example", "other"),
        ],
    )
    page.get_by_role("button", name="Opslaan en terug").click()
    expect(page.get_by_text("is opgeslagen")).to_be_visible()
    ctx.close()

    # "restart": a brand-new browser session finds the draft on the dashboard
    ctx, page = session()
    row = page.locator(".onboarding-drafts tbody tr", has_text="Bakkerij Dageraad B.V.")
    expect(row).to_contain_text("Synchronisatie")
    row.get_by_role("link", name=re.compile("Hervatten")).click()
    expect(page).to_have_url(re.compile(r"/sync$"))

    bad = tmp_path / "bad.csv"
    bad.write_text("email,name,extension\nkapot,Een,21\ntwee@dageraad.example,,22\n")
    page.get_by_label("PBX-type").select_option("virtual_appliance")
    page.get_by_label("Identificatie bestaand systeem").fill("VA-0815")
    page.get_by_label("Exportbestand (CSV)").set_input_files(str(bad))
    page.get_by_role("button", name="Bestand controleren").click()
    problems = page.locator("[data-testid=csv-problems]")
    expect(problems).to_contain_text("Het bestand is niet geaccepteerd: 2 problemen.")
    expect(problems).to_contain_text("Geen geldig e-mailadres.")
    expect(problems).to_contain_text("De naam ontbreekt.")
    screenshot(page, "onboarding_nl_sync_errors")
    # Save and return keeps the (not yet accepted) file with the draft
    page.get_by_role("button", name="Opslaan en terug").click()
    expect(page.get_by_text("is opgeslagen")).to_be_visible()
    page.locator(".onboarding-drafts tbody tr", has_text="Bakkerij Dageraad B.V.").get_by_role(
        "link", name=re.compile("Hervatten")
    ).click()
    expect(page).to_have_url(re.compile(r"/sync$"))
    expect(page.get_by_test_id("csv-pending")).to_be_visible()
    expect(page.locator("[data-testid=csv-problems]")).to_contain_text("2 problemen")
    expect(page.get_by_label("PBX-type")).to_have_value("virtual_appliance")
    expect(page.get_by_label("Identificatie bestaand systeem")).to_have_value("VA-0815")
    screenshot(page, "onboarding_nl_sync_resumed_with_file")
    good = tmp_path / "good.csv"
    good.write_text(
        "email,name,extension\neen@dageraad.example,Een Medewerker,21\n"
        "twee@dageraad.example,Twee Medewerker,22\n"
        f"{staff.email},Iemand van het platform,23\n"
    )
    page.get_by_label("Exportbestand (CSV)").set_input_files(str(good))
    page.get_by_role("button", name="Bestand controleren").click()
    expect(page.locator("[data-testid=csv-preview]")).to_contain_text(
        "2 gebruikers worden geïmporteerd"
    )
    attention = page.get_by_test_id("csv-attention")
    expect(attention).to_contain_text("1 rij vraagt aandacht en wordt niet geïmporteerd.")
    expect(attention).to_contain_text(staff.email)
    screenshot(page, "onboarding_nl_sync_preview")
    page.get_by_role("button", name="Volgende", exact=True).last.click()

    expect(page).to_have_url(re.compile(r"/review$"))
    expect(page.get_by_text("VA-0815")).to_be_visible()
    expect(page.get_by_text("Virtual Appliance", exact=True)).to_be_visible()
    expect(page.get_by_text("Locatiebeheerder")).to_be_visible()
    expect(page.get_by_test_id("review-address")).to_have_text(
        re.compile(r"Broodstraat 1\s*1012 AB Amsterdam\s*Nederland")
    )
    expect(page.get_by_test_id("csv-attention")).to_contain_text(staff.email)
    for part in ("Klant", "Synchronisatie"):
        expect(page.get_by_role("link", name=f"Bewerken {part}")).to_be_visible()
    screenshot(page, "onboarding_nl_review")
    page.get_by_role("button", name="Onboarding voltooien").click()
    expect(page.get_by_text("is onboarded en actief")).to_be_visible()
    expect(page.get_by_text("had al een login en is niet geïmporteerd")).to_be_visible()
    # the account page names the PBX type chosen in the Sync step
    expect(page.locator("#panel-info")).to_contain_text(re.compile(r"PBX-type\s*Virtual Appliance"))
    screenshot(page, "onboarding_nl_done")
    ctx.close()

    account = Account.objects.get(name="Bakkerij Dageraad B.V.")
    assert account.status == "active" and account.platform == "smb_sync"
    assert account.cloud_region == "eu-west" and account.pbx_type == "virtual_appliance"
    assert not Membership.objects.filter(organization=account, user=staff).exists()
    assert dict(
        SyncedExtension.objects.filter(account=account).values_list("user__email", "extension")
    ) == {"een@dageraad.example": "21", "twee@dageraad.example": "22"}
    roles = dict(Membership.objects.filter(organization=account).values_list("user__email", "role"))
    assert roles == {
        "anouk@dageraad.example": "site_admin",
        "een@dageraad.example": "member",
        "twee@dageraad.example": "member",
    }
    assert SupportContact.objects.filter(account=account).count() == 3
    deliver()
    (mail,) = smtp_server.to("anouk@dageraad.example")
    assert "/auth/set-password?token=" in body_of(mail)
