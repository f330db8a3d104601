"""quality.md 15: errors never show stack traces or SQL; debug is off unless asked for. And
requests naming a foreign Host are refused (ALLOWED_HOSTS from the base URL)."""

from __future__ import annotations

import os
import subprocess
import sys

import orjson
import pytest
from django.db import connection
from django.test import Client, RequestFactory

from channeldesk.api.main import api

LEAKS = ("Traceback", "no_such_table_zq", "secret_column", "SELECT", 'File "', "OperationalError")


@pytest.mark.urls("tests.core.urls_boom")
def test_a_failing_page_gives_the_generic_500_page(db):
    client = Client(raise_request_exception=False)
    r = client.get("/boom")
    assert r.status_code == 500
    body = r.content.decode()
    assert "<html" in body.lower()
    assert not [leak for leak in LEAKS if leak in body], body[:500]


def test_a_failing_api_operation_gives_a_bare_problem(db):
    """The API's handler for unexpected errors (what every operation's exception reaches)."""
    request = RequestFactory().get("/api/v1/accounts")
    request.request_id = "req-1"
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT secret_column FROM no_such_table_zq")
    except Exception as exc:  # a real database error, as an operation would raise it
        response = api.on_exception(request, exc)
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    doc = orjson.loads(response.content)
    assert doc["status"] == 500 and set(doc) == {"type", "title", "status", "detail"}
    assert not [leak for leak in LEAKS if leak in response.content.decode()]


def test_debug_is_off_unless_asked_for():
    env = {k: v for k, v in os.environ.items() if k != "CHANNELDESK_DEBUG"}
    code = "from django.conf import settings; print(settings.DEBUG)"
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={**env, "DJANGO_SETTINGS_MODULE": "channeldesk.settings"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert out == "False"
    asked = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={**env, "DJANGO_SETTINGS_MODULE": "channeldesk.settings", "CHANNELDESK_DEBUG": "1"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert asked == "True"


def test_a_foreign_host_is_refused(db, settings):
    from channeldesk.settings import _allowed_hosts

    hosts = _allowed_hosts()
    assert "*" not in hosts and "127.0.0.1" in hosts and "localhost" in hosts
    settings.ALLOWED_HOSTS = hosts
    assert Client(HTTP_HOST="evil.example").get("/healthz").status_code == 400
    assert Client(HTTP_HOST="127.0.0.1").get("/healthz").status_code == 200
