"""The e-mail domains of a customer account: checked host names, any number (bounded), each
once per account. Stored lower case in their Unicode form ("bücher.example"); an A-label
("xn--bcher-kva.example") is accepted and shown the same way."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from channeldesk.accounts.models import AccountDomain
from channeldesk.core.errors import FieldError
from channeldesk.core.statements import prepared
from channeldesk.tenancy.models import Organization

MAX_DOMAINS = 100
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_TLD = re.compile(r"^([a-z]{2,63}|xn--[a-z0-9-]{1,59})$")


def normalize_domain(raw: str) -> str | None:
    """The domain in its stored form, or None when it is no valid host name."""
    text = (raw or "").strip().lower().rstrip(".")
    if not text or len(text) > 253:
        return None
    try:
        ascii_form = text.encode("idna").decode("ascii")
        unicode_form = ascii_form.encode("ascii").decode("idna")
    except UnicodeError:
        return None
    labels = ascii_form.split(".")
    if len(ascii_form) > 253 or len(labels) < 2:
        return None
    if not all(_LABEL.match(label) for label in labels) or not _TLD.match(labels[-1]):
        return None
    return unicode_form


def split_domains(text: str) -> list[str]:
    """Domains typed into a text box: one per line (commas, semicolons and spaces also split)."""
    return [d for d in re.split(r"[\s,;]+", text or "") if d]


def clean_domains(raw: Any, field: str = "domains") -> tuple[list[str], list[FieldError]]:
    """(normalised domains in the given order, one error per bad entry: `domains.<i>`)."""
    if raw is None:
        return [], []
    if isinstance(raw, str):
        raw = split_domains(raw)
    if not isinstance(raw, list | tuple):
        return [], [FieldError(field, _("Expected a list of domains."))]
    if len(raw) > MAX_DOMAINS:
        return [], [FieldError(field, _("At most %(n)d domains.") % {"n": MAX_DOMAINS})]
    out: list[str] = []
    errors: list[FieldError] = []
    for i, value in enumerate(raw):
        text = str(value if value is not None else "").strip()
        if "@" in text:
            errors.append(
                FieldError(
                    f"{field}.{i}",
                    _("%(value)s: enter only the domain (e.g. example.com), not an e-mail address.")
                    % {"value": text[:100]},
                )
            )
            continue
        domain = normalize_domain(text)
        if domain is None:
            errors.append(
                FieldError(
                    f"{field}.{i}",
                    _("%(value)s is not a valid domain name (e.g. example.com).")
                    % {"value": text[:100] or "—"},
                )
            )
        elif domain in out:
            errors.append(
                FieldError(f"{field}.{i}", _("%(value)s is listed twice.") % {"value": domain})
            )
        else:
            out.append(domain)
    return out, errors


def domains_of(account: Organization) -> list[str]:
    return list(
        AccountDomain.objects.filter(account=account)
        .order_by("domain")
        .values_list("domain", flat=True)
    )


def domains_by_account(ids: Iterable[str]) -> dict[str, list[str]]:
    """{account id: its domains, sorted} for a page of accounts: one query."""
    out: dict[str, list[str]] = {}
    ids = list(ids)
    if not ids:
        return out
    # On every account read of the API (lists and detail): compiled once per page size.
    stmt = prepared(
        ("accounts.domains", len(ids)),
        lambda m: (
            AccountDomain.objects.filter(
                account_id__in=[getattr(m, f"id{i}") for i in range(len(ids))]
            )
            .order_by("account_id", "domain")
            .values("account_id", "domain")
        ),
    )
    for row in stmt.rows(**{f"id{i}": v for i, v in enumerate(ids)}):
        out.setdefault(row["account_id"], []).append(row["domain"])
    return out


def replace_domains(account: Organization, domains: list[str]) -> tuple[list[str], list[str]]:
    """Make `domains` (already clean) the account's domains; (before, after), sorted. Runs in
    the caller's transaction, which holds the account row lock."""
    before = domains_of(account)
    after = sorted(domains)
    if before != after:
        AccountDomain.objects.filter(account=account).exclude(domain__in=after).delete()
        AccountDomain.objects.bulk_create(
            [AccountDomain(account=account, domain=d) for d in after if d not in before]
        )
    return before, after
