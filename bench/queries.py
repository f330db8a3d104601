"""Queries per request for each endpoint, measured in the app itself (CaptureQueriesContext),
plus a signed-in session for the HTML page. Runs inside Django (`channeldesk bench queries`)."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.endpoints import ENDPOINTS
from channeldesk.identity.models import User


def session_cookie(principals: dict, who: str = "reseller") -> str:
    client = Client(HTTP_HOST="127.0.0.1")  # a loopback host is always allowed
    client.force_login(User.objects.get(id=principals["principals"][who]["user_id"]))
    return client.cookies["sessionid"].value


def measure(principals: dict) -> dict:
    """{"session": cookie, "endpoints": {name: {status, queries, sql}}}; each endpoint is
    requested twice and the second request is counted (warm caches, as under load)."""
    cookie = session_cookie(principals)
    out: dict = {"session": cookie, "endpoints": {}}
    for ep in ENDPOINTS:
        path = ep.url_path(principals)
        if ep.html:
            client = Client(HTTP_HOST="127.0.0.1")  # a loopback host is always allowed
            client.cookies["sessionid"] = cookie
            headers = {}
        else:
            client = Client(HTTP_HOST="127.0.0.1")  # a loopback host is always allowed
            token = (
                principals["search_tokens"][0]
                if ep.principal == "search"
                else principals["principals"][ep.principal]["token"]
            )
            headers = {"Authorization": f"Bearer {token}"}
        client.get(path, headers=headers)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path, headers=headers)
        out["endpoints"][ep.name] = {
            "status": response.status_code,
            "queries": len(ctx.captured_queries),
            "sql": [q["sql"] for q in ctx.captured_queries],
            "bytes": len(response.content),
        }
    return out
