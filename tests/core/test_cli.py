"""CLI commands: init (idempotent), token create, backup (SQLite online backup API)."""

from __future__ import annotations

import io
import sqlite3

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from channeldesk.tenancy.models import Membership, Organization
from channeldesk.tenancy.roles import Kind


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_init_is_idempotent_and_the_admin_can_sign_in(db):
    args = ("init", "--operator", "Vendor", "--email", "Admin@Vendor.test")
    first = run(*args, "--password", "a long admin passphrase")
    again = run(*args, "--password", "a long admin passphrase")
    assert first.startswith("created") and again.startswith("already there")
    assert Organization.objects.filter(kind=Kind.OPERATOR).count() == 1
    assert Membership.objects.filter(user__email="admin@vendor.test").count() == 1
    r = Client().post(
        "/api/v1/auth/login",
        {"email": "admin@vendor.test", "password": "a long admin passphrase"},
        content_type="application/json",
    )
    assert r.status_code == 200


def test_init_refuses_a_weak_password(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        run("init", "--operator", "Vendor", "--email", "a@vendor.test", "--password", "short")


def test_token_create_prints_a_working_token(world):
    raw = run("token", "create", "--email", world.members["partner_admin"].user.email).strip()
    r = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 200


@pytest.mark.django_db(transaction=True)
def test_backup_copies_a_consistent_database(tmp_path):
    if connection.vendor != "sqlite":
        assert "pg_dump" in run("backup")
        return
    Organization.objects.create(kind=Kind.OPERATOR, name="Backed Up", path="x/", depth=0)
    target = tmp_path / "copy.sqlite3"
    out = run("backup", str(target))
    assert str(target) in out
    db = sqlite3.connect(target)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        names = [r[0] for r in db.execute("SELECT name FROM tenancy_organization")]
    finally:
        db.close()
    assert "Backed Up" in names
