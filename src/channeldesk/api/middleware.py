"""API request hygiene before Ninja sees the request: content type (415), body size (413),
and Idempotency-Key replay for creating POSTs (quality.md 13, 17)."""

from __future__ import annotations

import datetime as dt
import hashlib
import time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from channeldesk.api.problems import problem
from channeldesk.core.models import IdempotencyRecord

API_PREFIX = "/api/v1/"
UNSAFE_WITH_BODY = {"POST", "PUT", "PATCH"}
WAIT_FOR_FIRST_SECONDS = 10
KEY_LIFETIME = dt.timedelta(hours=24)
# A claim whose request never finished (its process died) is given up after this long.
STALE_CLAIM = dt.timedelta(minutes=5)
# Headers of the first answer that a replay repeats (the rest are per request: request id...).
REPLAYED_HEADERS = ("ETag", "Location", "Content-Type", "Retry-After")


class ApiMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        if request.method in UNSAFE_WITH_BODY:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                return problem(400, "The Content-Length header is not a number.")
            if length < 0:
                return problem(400, "The Content-Length header is not a number.")
            if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
                return problem(413, "The request body is too large.")
            ctype = request.content_type or ""
            if length and ctype != "application/json":
                return problem(415, "Send the body as application/json.")
            key = request.headers.get("Idempotency-Key")
            if key and request.method == "POST":
                return self._idempotent(request, key)
        return self.get_response(request)

    def _identity(self, request) -> tuple[str, str] | None:
        from channeldesk.identity.actions import actor_for_token

        header = request.headers.get("Authorization", "")
        actor = None
        if header.lower().startswith("bearer "):
            actor = actor_for_token(header[7:].strip())
        else:
            actor = getattr(request, "actor", None)
        if actor is None or actor.user is None:
            return None
        return actor.organization.id, actor.user.id

    def _idempotent(self, request, key: str):
        if len(key) > 255:
            return problem(
                422,
                "Idempotency-Key is too long.",
                errors=[{"field": "Idempotency-Key", "message": "at most 255 characters"}],
            )
        ident = self._identity(request)
        if ident is None:
            return self.get_response(request)  # unauthenticated: let the API answer 401
        org_id, user_id = ident
        digest = hashlib.sha256(
            request.method.encode() + request.path.encode() + b"\0" + request.body
        ).hexdigest()
        deadline = time.monotonic() + WAIT_FOR_FIRST_SECONDS
        while True:
            rec = IdempotencyRecord.objects.filter(
                organization_id=org_id, user_id=user_id, key=key
            ).first()
            now = timezone.now()
            if rec is not None and (
                now - rec.created_at > KEY_LIFETIME
                or (rec.status_code is None and now - rec.created_at > STALE_CLAIM)
            ):
                # Expired key (24 h) or an abandoned claim: the key is free again.
                IdempotencyRecord.objects.filter(pk=rec.pk, created_at=rec.created_at).delete()
                continue
            if rec is None:
                try:
                    with transaction.atomic():
                        rec = IdempotencyRecord.objects.create(
                            organization_id=org_id,
                            user_id=user_id,
                            key=key,
                            method_path=f"{request.method} {request.path}"[:300],
                            body_hash=digest,
                        )
                except IntegrityError:
                    continue  # a concurrent duplicate claimed the key first
                break
            if rec.body_hash != digest:
                return problem(
                    422,
                    "This Idempotency-Key was used with another request.",
                    errors=[
                        {"field": "Idempotency-Key", "message": "reused with a different body"}
                    ],
                )
            if rec.status_code is not None:
                return self._replay(rec)
            if time.monotonic() > deadline:
                return problem(409, "A request with this Idempotency-Key is still in progress.")
            time.sleep(0.05)
        try:
            response = self.get_response(request)
        except Exception:
            IdempotencyRecord.objects.filter(pk=rec.pk).delete()
            raise
        # Answers given before the operation ran (auth, CSRF, throttling) or failures on our
        # side do not bind the key: the client may retry with it.
        if response.status_code >= 500 or response.status_code in (401, 403, 429):
            IdempotencyRecord.objects.filter(pk=rec.pk).delete()
        else:
            IdempotencyRecord.objects.filter(pk=rec.pk).update(
                status_code=response.status_code,
                response_body=bytes(response.content),
                response_headers={h: response[h] for h in REPLAYED_HEADERS if h in response},
            )
        return response

    @staticmethod
    def _replay(rec: IdempotencyRecord):
        from django.http import HttpResponse

        ctype = (
            "application/problem+json" if (rec.status_code or 200) >= 400 else "application/json"
        )
        response = HttpResponse(
            bytes(rec.response_body or b""), status=rec.status_code or 200, content_type=ctype
        )
        for name, value in (rec.response_headers or {}).items():
            response[name] = value
        response["Idempotent-Replayed"] = "true"
        return response
