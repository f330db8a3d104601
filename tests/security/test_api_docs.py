"""The API docs page serves Swagger UI from the portal's own static files: no CDN and no
inline script in its CSP, and the page works under that CSP in a real browser."""

from __future__ import annotations

import pytest
from django.test import Client


def test_docs_page_uses_local_assets_only(db):
    r = Client().get("/api/v1/docs")
    assert r.status_code == 200
    html = r.content.decode()
    assert "cdn.jsdelivr.net" not in html and "django-ninja.dev" not in html
    assert "/static/ninja/swagger-ui-bundle.js" in html
    csp = r["Content-Security-Policy"]
    assert "https:" not in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_docs_page_renders_under_its_csp(page, live_server):
    page.goto("/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info .title", timeout=20000)
    assert "Channeldesk API" in page.inner_text(".swagger-ui .info .title")
    assert page.locator(".opblock").count() > 50  # the operations of the served document
    csp_errors = [e for e in page.console_errors if "Content Security Policy" in e]
    assert not csp_errors, csp_errors
