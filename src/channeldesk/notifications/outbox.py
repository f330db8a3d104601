"""Queue e-mails in the change's transaction; deliver them later over SMTP (SMTP_URL)."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from channeldesk.notifications.models import OutboxAttachment, OutboxEmail
from channeldesk.tenancy.models import Organization

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
# A worker claims an e-mail for this long before sending; if it dies meanwhile, the e-mail
# is due again once the claim has run out (delivered at least once, quality.md 21).
CLAIM = dt.timedelta(minutes=10)


@dataclass
class Attachment:
    """A file attached to an e-mail: its `content`, or the name of a registered `renderer`
    (with JSON `args`) that makes it when the worker sends the e-mail, in its language."""

    filename: str
    mimetype: str
    content: bytes = b""
    renderer: str = ""
    args: dict[str, Any] = field(default_factory=dict)


# name -> func(language=..., **args) -> bytes. Apps register theirs in AppConfig.ready().
RENDERERS: dict[str, Callable[..., bytes]] = {}


def register_renderer(name: str, func: Callable[..., bytes]) -> None:
    RENDERERS[name] = func


class AttachmentError(ValueError):
    """A deferred attachment could not be made: the e-mail is retried like a send failure."""


def language_for(user: Any = None, organization: Organization | None = None) -> str:
    """The recipient's language: their own choice, else their organization's default."""
    lang = getattr(user, "language", "") or (organization.default_language if organization else "")
    return lang if lang in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def queue_email(
    *,
    to: str,
    template: str,
    context: dict[str, Any],
    language: str,
    organization: Organization | None,
    attachments: list[Attachment] | None = None,
) -> OutboxEmail:
    """Render `notifications/email/<template>` in `language` and store it in the outbox.

    Must run inside the transaction of the change that causes the e-mail, so a rolled-back
    change sends nothing and a committed one is never lost.
    """
    ctx = {"base_url": settings.BASE_URL, **context}
    with translation.override(language):
        subject = render_to_string(f"email/{template}.subject.txt", ctx).strip()
        text = render_to_string(f"email/{template}.txt", ctx)
        html = render_to_string(f"email/{template}.html", ctx)
    email = OutboxEmail.objects.create(
        organization=organization,
        organization_path=organization.path if organization else "",
        to=to,
        language=language,
        template=template,
        subject=" ".join(subject.split())[:300],
        body_text=text,
        body_html=html,
        next_attempt_at=timezone.now(),
    )
    for a in attachments or []:
        if a.renderer and a.renderer not in RENDERERS:
            raise KeyError(f"unknown attachment renderer {a.renderer!r}")
        OutboxAttachment.objects.create(
            email=email,
            filename=a.filename,
            mimetype=a.mimetype,
            content=a.content,
            renderer=a.renderer,
            renderer_args=a.args,
        )
    from channeldesk.notifications.tasks import kick_worker

    kick_worker()
    return email


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(3600, 60 * 2 ** max(0, attempts - 1)))


class _Smtp:
    def __init__(self, url: str):
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps"):
            raise ValueError("SMTP_URL must start with smtp:// or smtps://")
        self.secure = parts.scheme == "smtps"
        self.host = parts.hostname or "localhost"
        self.port = parts.port or (465 if self.secure else 25)
        self.user = unquote(parts.username or "")
        self.password = unquote(parts.password or "")
        self.starttls = "starttls=1" in (parts.query or "")

    def connect(self) -> smtplib.SMTP:
        conn: smtplib.SMTP
        if self.secure:
            conn = smtplib.SMTP_SSL(
                self.host, self.port, timeout=15, context=ssl.create_default_context()
            )
        else:
            conn = smtplib.SMTP(self.host, self.port, timeout=15)
            if self.starttls:
                conn.starttls(context=ssl.create_default_context())
        if self.user:
            conn.login(self.user, self.password)
        return conn


def build_message(email: OutboxEmail) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = email.subject
    msg["From"] = settings.DEFAULT_FROM_EMAIL
    msg["To"] = email.to
    msg["Message-ID"] = make_msgid(idstring=email.id, domain="channeldesk")
    msg.set_content(email.body_text)
    if email.body_html:
        msg.add_alternative(email.body_html, subtype="html")
    # After set_content: it drops Content-* headers set before it.
    msg["Content-Language"] = email.language
    for a in email.attachments.all():
        maintype, _, subtype = a.mimetype.partition("/")
        msg.add_attachment(
            _content(a, email.language), maintype=maintype, subtype=subtype, filename=a.filename
        )
    return msg


def _content(a: OutboxAttachment, language: str) -> bytes:
    content = bytes(a.content or b"")
    if content or not a.renderer:
        return content
    func = RENDERERS.get(a.renderer)
    if func is None:
        raise AttachmentError(f"unknown attachment renderer {a.renderer!r}")
    try:
        content = func(language=language, **(a.renderer_args or {}))
    except Exception as exc:  # retried with back-off, then failed: visible to operators
        log.exception("attachment %s of e-mail %s not rendered", a.filename, a.email_id)
        raise AttachmentError(f"attachment {a.filename} not rendered: {exc!r}"[:400]) from exc
    OutboxAttachment.objects.filter(id=a.id).update(content=content)
    return content


def claim(email_id: str, now: dt.datetime) -> bool:
    """Take a due e-mail for sending: a concurrent worker skips rows pushed into the future."""
    with transaction.atomic():
        return bool(
            OutboxEmail.objects.filter(
                id=email_id, status=OutboxEmail.Status.PENDING, next_attempt_at__lte=now
            ).update(next_attempt_at=now + CLAIM)
        )


def deliver_due(
    limit: int = 100, smtp_url: str | None = None, now: dt.datetime | None = None
) -> int:
    """Send due outbox e-mails; without SMTP_URL they are held for operators to read."""
    url = settings.SMTP_URL if smtp_url is None else smtp_url
    now = now or timezone.now()
    if not url:
        OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING).update(
            status=OutboxEmail.Status.HELD
        )
        return 0
    due = list(
        OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("id", flat=True)[:limit]
    )
    if not due:
        return 0
    smtp = _Smtp(url)
    conn: smtplib.SMTP | None = None
    sent = 0
    try:
        for email_id in due:
            if not claim(email_id, now):
                continue
            email = OutboxEmail.objects.get(id=email_id)
            try:
                if conn is None:
                    conn = smtp.connect()
                conn.send_message(build_message(email))
            except (smtplib.SMTPException, OSError, ValueError) as exc:
                conn = None
                email.attempts += 1
                email.last_error = str(exc)[:500]
                if email.attempts >= MAX_ATTEMPTS:
                    email.status = OutboxEmail.Status.FAILED
                else:
                    email.next_attempt_at = timezone.now() + backoff(email.attempts)
                email.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
                log.warning("e-mail %s not sent: %s", email.id, email.last_error)
                continue
            email.attempts += 1
            email.status = OutboxEmail.Status.SENT
            email.sent_at = timezone.now()
            email.last_error = ""
            email.save(update_fields=["attempts", "status", "sent_at", "last_error"])
            sent += 1
    finally:
        if conn is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                conn.quit()
    return sent


def release_held() -> int:
    """Put held e-mails back in the queue (after an SMTP_URL has been configured). The worker
    does this when it starts with SMTP_URL set."""
    return OutboxEmail.objects.filter(status=OutboxEmail.Status.HELD).update(
        status=OutboxEmail.Status.PENDING, next_attempt_at=timezone.now()
    )
