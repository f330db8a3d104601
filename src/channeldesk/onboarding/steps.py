"""Validation of each wizard step: clean the submitted data or raise ValidationFailed with one
FieldError per problem (fields named as in the API body, e.g. `support_contacts.1.email`)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from channeldesk.accounts.domains import clean_domains
from channeldesk.accounts.models import SupportContact
from channeldesk.catalog.catalog import current
from channeldesk.core.errors import FieldError
from channeldesk.tenancy.validation import raise_if, validate_address

CUSTOMER_FIELDS = (
    "name",
    "street",
    "city",
    "postal_code",
    "country",
    "subdivision",
    "default_language",
    "business_type",
    "cloud_region",
)
MAX_CONTACTS = 50
MAX_SYNC_ROWS = 5000
MAX_CSV_BYTES = 1_000_000
HOST_RE = re.compile(
    r"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$"
)
SERIAL_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{3,39}$")
EXTENSION_RE = re.compile(r"^[0-9]{2,8}$")
SYSTEM_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$")


def _text(value: Any, limit: int) -> str:
    return str(value if value is not None else "").strip()[:limit]


def _email_ok(email: str) -> bool:
    try:
        validate_email(email)
    except ValidationError:
        return False
    return True


def clean_customer(data: dict[str, Any]) -> dict[str, Any]:
    cat = current()
    errors: list[FieldError] = []
    out: dict[str, Any] = {f: _text(data.get(f), 200) for f in CUSTOMER_FIELDS}
    out["default_language"] = out["default_language"] or "en"
    if not out["name"]:
        errors.append(FieldError("name", _("Enter the customer name.")))
    if not out["street"]:
        errors.append(FieldError("street", _("Enter the street address.")))
    if not out["city"]:
        errors.append(FieldError("city", _("Enter the city.")))
    errors += validate_address(out, required=True)
    if out["default_language"] not in cat.keys("languages"):
        errors.append(FieldError("default_language", _("Unknown language.")))
    if out["business_type"] and out["business_type"] not in cat.keys("business_types"):
        errors.append(FieldError("business_type", _("Unknown business type.")))
    if out["cloud_region"] and out["cloud_region"] not in cat.keys("regions"):
        errors.append(FieldError("cloud_region", _("Unknown cloud location.")))
    if not out["cloud_region"] and out["country"] and not errors:
        out["cloud_region"] = cat.region_for_country(out["country"])
    out["domains"], domain_errors = clean_domains(data.get("domains"))
    errors += domain_errors

    admins, admin_errors = _contacts(data.get("admin_contacts"), "admin_contacts", roles=False)
    supports, support_errors = _contacts(data.get("support_contacts"), "support_contacts")
    errors += admin_errors + support_errors
    if not support_errors:
        roles = {c["role"] for c in supports}
        missing = []
        if SupportContact.Role.ADMINISTRATOR not in roles:
            missing.append(_("Add at least one support contact with the role Administrator."))
        if SupportContact.Role.SITE_ADMIN not in roles:
            missing.append(_("Add at least one support contact with the role Site admin."))
        errors += [FieldError("support_contacts", m) for m in missing]
    out["admin_contacts"] = admins
    out["support_contacts"] = supports
    raise_if(errors)
    return out


def _contacts(
    raw: Any, field: str, *, roles: bool = True
) -> tuple[list[dict[str, str]], list[FieldError]]:
    errors: list[FieldError] = []
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        return [], [FieldError(field, _("Expected a list of contacts."))]
    if len(raw) > MAX_CONTACTS:
        return [], [FieldError(field, _("At most %(n)d contacts.") % {"n": MAX_CONTACTS})]
    out: list[dict[str, str]] = []
    seen: set[str] = set()
    for i, c in enumerate(raw):
        if not isinstance(c, dict):
            errors.append(FieldError(f"{field}.{i}", _("Expected a contact.")))
            continue
        name = _text(c.get("name"), 200)
        email = _text(c.get("email"), 254).lower()
        row = {"name": name, "email": email}
        if not name:
            errors.append(FieldError(f"{field}.{i}.name", _("Enter a name.")))
        if not _email_ok(email):
            errors.append(FieldError(f"{field}.{i}.email", _("Enter a valid e-mail address.")))
        elif not roles and email in seen:
            errors.append(
                FieldError(f"{field}.{i}.email", _("This e-mail address is listed twice."))
            )
        seen.add(email)
        if roles:
            role = _text(c.get("role"), 20)
            if role not in SupportContact.Role.values:
                errors.append(
                    FieldError(f"{field}.{i}.role", _("Choose Administrator, Site admin or Other."))
                )
            row["role"] = role
        out.append(row)
    return out, errors


def clean_pbx(data: dict[str, Any], platform: str) -> dict[str, Any]:
    errors: list[FieldError] = []
    out = {
        "pbx_type": _text(data.get("pbx_type"), 50),
        "name": _text(data.get("name"), 100),
        "software_version": _text(data.get("software_version"), 50),
    }
    types = [t["key"] for t in current().pbx_types(platform)]
    if out["pbx_type"] not in types:
        errors.append(FieldError("pbx_type", _("Choose a PBX type of this platform.")))
    if not out["name"]:
        errors.append(FieldError("name", _("Enter the PBX name.")))
    if not out["software_version"]:
        errors.append(FieldError("software_version", _("Enter the software version.")))
    elif not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 ._-]*", out["software_version"]):
        errors.append(
            FieldError(
                "software_version", _("Use letters, digits, dots and dashes (e.g. 9.4 SP1).")
            )
        )
    raise_if(errors)
    return out


def clean_connection(data: dict[str, Any], *, has_password: bool) -> tuple[dict[str, Any], str]:
    """(the stored fields, the new password or "" to keep the stored one)."""
    errors: list[FieldError] = []
    host = _text(data.get("host"), 253)
    username = _text(data.get("username"), 100)
    password = str(data.get("password") or "")
    port_raw = data.get("port")
    port: int | None = None
    if not host:
        errors.append(FieldError("host", _("Enter the PBX host name or IP address.")))
    elif not (HOST_RE.match(host) or _is_ip(host)):
        errors.append(FieldError("host", _("Enter a valid host name or IP address.")))
    try:
        port = int(str(port_raw).strip()) if port_raw not in (None, "") else None
    except ValueError:
        port = None
        errors.append(FieldError("port", _("Enter a port number between 1 and 65535.")))
    else:
        if port is None or not 1 <= port <= 65535:
            errors.append(FieldError("port", _("Enter a port number between 1 and 65535.")))
    if not username:
        errors.append(FieldError("username", _("Enter the user name.")))
    if len(password) > 200:
        errors.append(FieldError("password", _("The password is too long.")))
    elif not password and not has_password:
        errors.append(FieldError("password", _("Enter the password.")))
    raise_if(errors)
    return {"host": host, "port": port, "username": username}, password


def _is_ip(host: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def normalize_mac(value: str) -> str | None:
    digits = re.sub(r"[\s:.-]", "", value or "").upper()
    if not re.fullmatch(r"[0-9A-F]{12}", digits):
        return None
    if digits in ("000000000000", "FFFFFFFFFFFF") or int(digits[1], 16) & 1:
        return None  # not a unicast device address
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


def clean_gateway(data: dict[str, Any], customer: dict[str, Any]) -> dict[str, Any]:
    errors: list[FieldError] = []
    serial = _text(data.get("serial_number"), 40).upper()
    mac_raw = _text(data.get("mac_address"), 40)
    if not SERIAL_RE.match(serial):
        errors.append(
            FieldError(
                "serial_number", _("Enter the serial number: 4 to 40 letters, digits or dashes.")
            )
        )
    mac = normalize_mac(mac_raw)
    if mac is None:
        errors.append(
            FieldError(
                "mac_address",
                _("Enter the device's MAC address as six hexadecimal pairs (00:1A:2B:3C:4D:5E)."),
            )
        )
    site_raw = data.get("site_address")
    if site_raw is None or site_raw == {}:
        site = {f: customer.get(f, "") for f in ("street", "postal_code", "city", "country")}
        site["subdivision"] = customer.get("subdivision", "")
    elif not isinstance(site_raw, dict):
        site = {}
        errors.append(FieldError("site_address", _("Expected an address.")))
    else:
        site = {
            f: _text(site_raw.get(f), 200)
            for f in ("street", "postal_code", "city", "country", "subdivision")
        }
        sub_errors = validate_address(site, required=True)
        if not site["street"]:
            sub_errors.append(FieldError("street", _("Enter the street address.")))
        if not site["city"]:
            sub_errors.append(FieldError("city", _("Enter the city.")))
        errors += [FieldError(f"site_address.{e.field}", e.message) for e in sub_errors]
    raise_if(errors)
    return {"serial_number": serial, "mac_address": mac, "site_address": site}


@dataclass
class CsvProblem:
    row: int
    column: str
    message: str


def parse_sync_csv(text: str) -> tuple[list[dict[str, str]], list[CsvProblem]]:
    """Rows {email, name, extension} of the export file and the problems found, row by row.
    A header row (email,name,extension in any order) is optional."""
    problems: list[CsvProblem] = []
    if len(text.encode("utf-8", "replace")) > MAX_CSV_BYTES:
        return [], [CsvProblem(0, "file", _("The file is larger than 1 MB."))]
    text = text.lstrip("\ufeff")
    try:
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    columns = ["email", "name", "extension"]
    rows: list[dict[str, str]] = []
    seen_email: dict[str, int] = {}
    seen_ext: dict[str, int] = {}
    try:
        lines = list(reader)
    except csv.Error as exc:
        return [], [CsvProblem(0, "file", _("The file is not valid CSV: %(e)s") % {"e": exc})]
    start = 0
    if lines and {c.strip().lower() for c in lines[0]} >= {"email", "name", "extension"}:
        columns = [c.strip().lower() for c in lines[0]]
        start = 1
    data_lines = [(n, line) for n, line in enumerate(lines[start:], start=start + 1) if any(line)]
    if not data_lines:
        return [], [CsvProblem(0, "file", _("The file contains no users."))]
    if len(data_lines) > MAX_SYNC_ROWS:
        return [], [
            CsvProblem(0, "file", _("At most %(n)d users per file.") % {"n": MAX_SYNC_ROWS})
        ]
    for n, line in data_lines:
        if len(line) != len(columns):
            problems.append(
                CsvProblem(
                    n,
                    "row",
                    _("Expected %(n)d columns (email, name, extension).") % {"n": len(columns)},
                )
            )
            continue
        rec = {c: v.strip() for c, v in zip(columns, line, strict=True)}
        email = rec.get("email", "").lower()[:254]
        name = rec.get("name", "")[:200]
        ext = rec.get("extension", "")[:20]
        if not _email_ok(email):
            problems.append(CsvProblem(n, "email", _("Not a valid e-mail address.")))
        elif email in seen_email:
            problems.append(
                CsvProblem(n, "email", _("Already in row %(row)d.") % {"row": seen_email[email]})
            )
        else:
            seen_email[email] = n
        if not name:
            problems.append(CsvProblem(n, "name", _("The name is missing.")))
        if not EXTENSION_RE.match(ext):
            problems.append(CsvProblem(n, "extension", _("The extension must be 2 to 8 digits.")))
        elif ext in seen_ext:
            problems.append(
                CsvProblem(n, "extension", _("Already in row %(row)d.") % {"row": seen_ext[ext]})
            )
        else:
            seen_ext[ext] = n
        rows.append({"email": email, "name": name, "extension": ext})
    return rows, problems


def clean_sync(data: dict[str, Any], platform: str) -> dict[str, Any]:
    errors: list[FieldError] = []
    types = [t["key"] for t in current().pbx_types(platform)]
    pbx_type = _text(data.get("pbx_type"), 50) or (types[0] if len(types) == 1 else "")
    if pbx_type not in types:
        errors.append(FieldError("pbx_type", _("Choose a PBX type of this platform.")))
    system_id = _text(data.get("system_id"), 100)
    if not SYSTEM_ID_RE.match(system_id):
        errors.append(
            FieldError(
                "system_id",
                _("Enter the existing system's identifier (letters, digits, . _ : -)."),
            )
        )
    text = data.get("csv")
    rows: list[dict[str, str]] = []
    if not isinstance(text, str) or not text.strip():
        errors.append(FieldError("csv", _("Upload the export file of users and extensions.")))
    else:
        rows, problems = parse_sync_csv(text)
        for p in problems[:200]:
            where = f"csv.{p.row}.{p.column}" if p.row else "csv"
            label = _("Row %(row)d: %(message)s") % {"row": p.row, "message": p.message}
            errors.append(FieldError(where, label if p.row else p.message))
    raise_if(errors)
    return {"pbx_type": pbx_type, "system_id": system_id, "rows": rows}
