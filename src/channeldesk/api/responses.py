"""Pre-built JSON responses for hot read endpoints.

A list endpoint that builds its rows as plain dicts in exactly the declared schema's shape can
return them through `json_response`, skipping Ninja's per-row pydantic validation (measured as
a large share of a 50-row page by the benchmark in bench/). The schema stays declared on the
route for OpenAPI; tests/bench/test_fast_paths.py checks the shapes stay equal.
"""

from __future__ import annotations

from typing import Any

import orjson
from django.http import HttpResponse


def dumps(data: Any) -> bytes:
    return orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS)


def json_response(data: Any, status: int = 200) -> HttpResponse:
    return HttpResponse(dumps(data), status=status, content_type="application/json")
