"""`channeldesk import accounts FILE.csv` and `channeldesk export accounts` (product.md §11):
all or nothing with a report naming every bad row, the same rules and the same stored account
as one created through the API, one audit event per account, reach everywhere."""

from __future__ import annotations

import csv
import io
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from channeldesk.accounts.actions import create_account
from channeldesk.accounts.models import Account
from channeldesk.audit.models import AuditEvent, Webhook, WebhookDelivery
from channeldesk.tenancy.models import Organization
from channeldesk.tenancy.roles import Kind

pytestmark = pytest.mark.django_db

HEADER = "name,street,city,postal_code,country,subdivision,business_type,partner_id\n"


def _file(tmp_path, text: str):
    path = tmp_path / "accounts.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def _import(*args, **kw):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_csv", "accounts", *args, stdout=out, stderr=err, **kw)
    return out.getvalue(), err.getvalue()


def test_a_clean_file_is_imported_like_accounts_created_one_by_one(world, tmp_path):
    rows = HEADER + (
        "Müller Bau GmbH,Hauptstraße 1,Köln,50667,DE,DE-NW,retail,\n"
        '"Smit, Zonen & Co",Dorpsstraat 2,Utrecht,3511 AA,NL,NL-UT,,\n'
        "\n"  # blank lines are skipped
        f"Other Partner BV,Kade 3,Amsterdam,1012 AB,nl,nl-nh,,{world.a.sibling_reseller.id}\n"
    )
    out, _ = _import(_file(tmp_path, rows), "--partner", world.a.reseller.id)
    assert out.startswith("imported 3 account(s)")
    mueller = Account.objects.get(name="Müller Bau GmbH")
    assert mueller.parent_id == world.a.reseller.id
    assert mueller.path == f"{world.a.reseller.path}{mueller.id}/"
    assert mueller.depth == world.a.reseller.depth + 1
    assert mueller.name_key == "muller bau gmbh"
    other = Account.objects.get(name="Other Partner BV")
    assert other.parent_id == world.a.sibling_reseller.id
    assert (other.country, other.subdivision) == ("NL", "NL-NH")  # normalised as in the API
    # The stored account equals one created through the action.
    single = create_account(
        world.actor("partner_admin"),
        partner=None,
        name="Müller Bau GmbH",
        street="Hauptstraße 1",
        city="Köln",
        postal_code="50667",
        country="DE",
        subdivision="DE-NW",
        business_type="retail",
    )
    skip = {"id", "path", "created_at", "updated_at", "status_changed_at"}
    fields = [f.attname for f in Organization._meta.concrete_fields if f.attname not in skip]
    assert {f: getattr(mueller, f) for f in fields} == {f: getattr(single, f) for f in fields}
    events = AuditEvent.objects.filter(action="account.created", target_id=mueller.id)
    assert events.count() == 1
    event = events.get()
    assert event.organization_id == mueller.id and event.actor_label == "system"
    assert event.changes["name"] == "Müller Bau GmbH" and event.changes["default_language"]


def test_one_bad_row_imports_nothing_and_every_problem_is_named(world, tmp_path):
    rows = HEADER + (
        "Good One,Weg 1,Berlin,10115,DE,DE-BE,,\n"
        ",Weg 2,Berlin,10115,DE,DE-BE,,\n"
        "Bad Postal,Weg 3,Berlin,1011,DE,DE-BE,,\n"
        "Bad Country,Weg 4,Nowhere,1234,XX,,,\n"
        "Bad Subdivision,Weg 5,Wien,1010,AT,DE-BE,,\n"
        "Bad Type,Weg 6,Berlin,10115,DE,DE-BE,astrology,\n"
        f"Foreign Partner,Weg 7,Berlin,10115,DE,DE-BE,,{world.b.reseller.id}\n"
        "Too Many,Weg 8,Berlin,10115,DE,DE-BE,,,extra\n"
    )
    before = Organization.objects.count()
    with pytest.raises(CommandError, match="nothing was imported"):
        _import(_file(tmp_path, rows), "--as", world.members["partner_admin"].user.email)
    assert Organization.objects.count() == before
    from channeldesk.accounts.csvio import import_accounts

    with open(_file(tmp_path, rows), encoding="utf-8") as fh:
        report = import_accounts(world.actor("partner_admin"), fh)
    problems = {(e.line, e.field) for e in report.errors}
    assert (3, "name") in problems
    assert (4, "postal_code") in problems
    assert (5, "country") in problems
    assert (6, "subdivision") in problems
    assert (7, "business_type") in problems
    assert (8, "partner_id") in problems  # another tree's partner does not exist for A
    assert (9, "") in problems
    assert not any(line == 2 for line, _ in problems)
    assert report.rows == 8 and report.created == 0


def test_the_header_is_checked(world, tmp_path):
    with pytest.raises(CommandError):
        _import(_file(tmp_path, "name,colour\nX,blue\n"))
    from channeldesk.accounts.csvio import import_accounts

    report = import_accounts(world.actor("operator_admin"), io.StringIO("street,colour\n"))
    assert {(e.field, e.message) for e in report.errors} == {
        ("colour", "Unknown column."),
        ("name", "This column is required."),
        ("country", "This column is required."),
    }


def test_rights_and_reach_apply_to_the_import(world, tmp_path):
    rows = HEADER + "Member Made,Weg 1,Berlin,10115,DE,DE-BE,,\n"
    for key in ("member", "account_admin", "operator_support"):
        with pytest.raises(CommandError):
            _import(_file(tmp_path, rows), "--as", world.members[key].user.email)
    assert not Account.objects.filter(name="Member Made").exists()
    _import(_file(tmp_path, rows), "--as", world.members["partner_agent"].user.email)
    assert Account.objects.get(name="Member Made").parent_id == world.a.reseller.id


def test_dry_run_validates_and_writes_nothing(world, tmp_path):
    rows = HEADER + "Dry One,Weg 1,Berlin,10115,DE,DE-BE,,\n"
    out, _ = _import(_file(tmp_path, rows), "--dry-run")
    assert out.startswith("validated 1 account(s)")
    assert not Account.objects.filter(name="Dry One").exists()


def test_imported_accounts_reach_the_partners_webhooks(world, tmp_path):
    hook = Webhook.objects.create(
        organization=world.a.distributor, url="https://hooks.example.test/x", events=["account"]
    )
    rows = HEADER + "".join(f"Hooked {i},Weg {i},Berlin,10115,DE,DE-BE,,\n" for i in range(5))
    _import(_file(tmp_path, rows), "--partner", world.a.reseller.id)
    deliveries = WebhookDelivery.objects.filter(webhook=hook, event="account.created")
    assert deliveries.count() == 5
    names = sorted(d.payload["changes"]["name"] for d in deliveries)
    assert names == [f"Hooked {i}" for i in range(5)]


def test_export_is_the_reach_with_formulas_neutralised(world, tmp_path, capsys):
    create_account(
        world.actor("partner_admin"),
        partner=None,
        name="=HYPERLINK(evil)",
        street="Weg 1",
        city="Berlin",
        postal_code="10115",
        country="DE",
        subdivision="DE-BE",
    )
    out = tmp_path / "export.csv"
    call_command(
        "export_csv",
        "accounts",
        "--out",
        str(out),
        "--as",
        world.members["partner_admin"].user.email,
    )
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    names = {r["name"] for r in rows}
    assert "'=HYPERLINK(evil)" in names and world.a.customer.name in names
    assert world.b.customer.name not in names and world.a.sibling_customer.name not in names
    assert {r["partner_id"] for r in rows} == {world.a.reseller.id}
    # The operator exports everything; direct customers have no partner.
    everything = tmp_path / "all.csv"
    call_command("export_csv", "accounts", "--out", str(everything))
    by_name = {r["name"]: r for r in csv.DictReader(everything.open(encoding="utf-8"))}
    assert world.b.customer.name in by_name
    assert by_name[world.direct_customer.name]["partner_id"] == ""
    assert all(r for r in by_name)
    assert Organization.objects.filter(kind=Kind.CUSTOMER).count() == len(by_name)


@pytest.mark.django_db(transaction=True)  # the command line closes the connection when done
def test_the_command_line_names_import_and_export(world, tmp_path, monkeypatch, capsys):
    from channeldesk import cli

    rows = HEADER + "Via CLI,Weg 1,Berlin,10115,DE,DE-BE,,\n"
    monkeypatch.setattr(sys, "argv", ["channeldesk", "import", "accounts", _file(tmp_path, rows)])
    cli.main()
    assert Account.objects.filter(name="Via CLI").exists()
    monkeypatch.setattr(sys, "argv", ["channeldesk", "export", "accounts"])
    cli.main()
    assert "Via CLI" in capsys.readouterr().out
