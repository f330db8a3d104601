"""Value checks of telephony input: MAC addresses, digits, E.164 numbers, business hours."""

from __future__ import annotations

import re
from typing import Any

import phonenumbers
from django.utils.translation import gettext as _

from channeldesk.core.errors import FieldError, ValidationFailed

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MENU_KEYS = tuple("1234567890*#")
MIN_EXTENSION_LENGTH, MAX_EXTENSION_LENGTH = 2, 6
_HEX = re.compile(r"^[0-9A-F]{12}$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def normalize_mac(value: str) -> str:
    """ "001a2b3c4d5e", "00-1A-2B-3C-4D-5E", "001A.2B3C.4D5E" -> "00:1A:2B:3C:4D:5E"."""
    raw = re.sub(r"[\s:.\-]", "", (value or "").upper())
    if not _HEX.match(raw):
        raise ValidationFailed.field(
            "mac", _("Enter a MAC address of 12 hexadecimal digits, e.g. 00:1A:2B:3C:4D:5E.")
        )
    if raw in ("000000000000", "FFFFFFFFFFFF") or int(raw[1], 16) & 1:
        raise ValidationFailed.field("mac", _("This is not the MAC address of a single device."))
    return ":".join(raw[i : i + 2] for i in range(0, 12, 2))


def digits(value: Any, field: str, *, length: int | None = None, lo: int = 1, hi: int = 8) -> str:
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit():
        raise ValidationFailed.field(field, _("Enter digits only."))
    if length is not None and len(text) != length:
        raise ValidationFailed.field(
            field, _("Enter exactly %(n)d digits (the extension length).") % {"n": length}
        )
    if not lo <= len(text) <= hi:
        raise ValidationFailed.field(
            field, _("Enter between %(lo)d and %(hi)d digits.") % {"lo": lo, "hi": hi}
        )
    return text


def e164(value: str | None, field: str = "phone_number") -> str:
    """A valid phone number in E.164 form, or "" for none."""
    text = (value or "").strip()
    if not text:
        return ""
    try:
        parsed = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        raise ValidationFailed.field(
            field, _("Enter a valid phone number in international format, e.g. +4930123456.")
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def business_hours(value: Any) -> dict[str, dict[str, str] | None]:
    """{weekday: {"open": "HH:MM", "close": "HH:MM"} | None}; missing weekdays are closed."""
    if value is None:
        return {d: None for d in WEEKDAYS}
    if not isinstance(value, dict):
        raise ValidationFailed.field("business_hours", _("Give the hours per weekday."))
    errors: list[FieldError] = []
    out: dict[str, dict[str, str] | None] = {}
    for key in value:
        if key not in WEEKDAYS:
            errors.append(FieldError(f"business_hours.{key}", _("Unknown weekday.")))
    for day in WEEKDAYS:
        hours = value.get(day)
        if hours in (None, {}):
            out[day] = None
            continue
        if not isinstance(hours, dict) or set(hours) != {"open", "close"}:
            errors.append(
                FieldError(f"business_hours.{day}", _("Give an opening and closing time."))
            )
            continue
        opens, closes = str(hours["open"]), str(hours["close"])
        if not (_TIME.match(opens) and _TIME.match(closes)):
            errors.append(FieldError(f"business_hours.{day}", _("Times are HH:MM (24 hours).")))
        elif opens >= closes:
            errors.append(
                FieldError(f"business_hours.{day}", _("The closing time must be after opening."))
            )
        else:
            out[day] = {"open": opens, "close": closes}
    if errors:
        raise ValidationFailed(errors[0].message, errors=errors)
    return out
