"""Domain errors raised by actions and queries; the API maps them to problem+json, the UI to
messages and form errors."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class FieldError:
    field: str
    message: str


class DomainError(Exception):
    status = 400
    title = "Bad request"
    type = "about:blank"

    def __init__(self, detail: str = "", *, errors: list[FieldError] | None = None):
        super().__init__(detail or self.title)
        self.detail = str(detail or self.title)
        self.errors = errors or []


class ValidationFailed(DomainError):
    status = 422
    title = "Validation failed"

    @classmethod
    def field(cls, field: str, message: str) -> ValidationFailed:
        return cls(f"{field}: {message}", errors=[FieldError(field, str(message))])


class Conflict(DomainError):
    status = 409
    title = "Conflict"


class NotFound(DomainError):
    status = 404
    title = "Not found"


class Forbidden(DomainError):
    status = 403
    title = "Forbidden"


class PreconditionFailed(DomainError):
    status = 412
    title = "Precondition failed"


class RateLimited(DomainError):
    status = 429
    title = "Too many requests"

    def __init__(self, detail: str = "", *, retry_after: int = 60):
        super().__init__(detail)
        self.retry_after = max(1, int(retry_after))
