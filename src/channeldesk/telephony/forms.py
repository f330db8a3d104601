"""Forms of the account's Telephony page; the actions do the real validation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from channeldesk.catalog.catalog import current
from channeldesk.telephony.models import Extension
from channeldesk.telephony.validation import MENU_KEYS, WEEKDAYS

WEEKDAY_LABELS = {
    "mon": _("Monday"),
    "tue": _("Tuesday"),
    "wed": _("Wednesday"),
    "thu": _("Thursday"),
    "fri": _("Friday"),
    "sat": _("Saturday"),
    "sun": _("Sunday"),
}
KIND_LABELS = {
    Extension.Kind.USER: _("User"),
    Extension.Kind.DEVICE: _("Device"),
    Extension.Kind.GROUP: _("Group"),
    Extension.Kind.ATTENDANT: _("Attendant"),
}


class Prefixed(forms.Form):
    """Each section's form has its own id prefix so that labels stay unique on the page."""

    prefix_name = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", self.prefix_name)
        super().__init__(*args, **kwargs)

    def data_for_action(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class EquipmentForm(Prefixed):
    prefix_name = "eq"
    kind = forms.ChoiceField(label=_("Equipment type"))
    name = forms.CharField(label=_("Name (optional)"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = current().choices("voice_equipment")


class EquipmentNameForm(Prefixed):
    """The declared equipment's name (its kind is fixed once declared)."""

    prefix_name = "eq"
    name = forms.CharField(label=_("Name (optional)"), max_length=200, required=False)


def _user_field() -> forms.CharField:
    # An e-mail address, not a list of every user: accounts have thousands.
    return forms.CharField(
        label=_("User (e-mail address)"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


def _extension_field(label) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=8,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6}),
    )


class PlanForm(Prefixed):
    prefix_name = "plan"
    extension_length = forms.IntegerField(
        label=_("Extension length (digits)"),
        min_value=2,
        max_value=6,
        help_text=_("Fixed once ranges or extensions exist."),
    )


class RangeForm(Prefixed):
    prefix_name = "range"
    first = forms.CharField(label=_("First extension"), max_length=8)
    last = forms.CharField(label=_("Last extension"), max_length=8)
    label = forms.CharField(label=_("Label (optional)"), max_length=100, required=False)


def _choices(rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("", "—"), *rows]


class ExtensionForm(Prefixed):
    prefix_name = "ext"
    number = forms.CharField(label=_("Extension"), max_length=8)
    kind = forms.ChoiceField(label=_("Used by"), choices=list(KIND_LABELS.items()))
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    user_id = _user_field()
    attendant_id = forms.ChoiceField(label=_("Attendant"), required=False)
    phone_number = forms.CharField(
        label=_("Routed phone number (optional)"),
        max_length=30,
        required=False,
        help_text=_("One of the account's phone numbers, e.g. +4930123456."),
    )

    def __init__(self, *args: Any, attendants=(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendant_id"].choices = _choices(list(attendants))


class DeviceForm(Prefixed):
    prefix_name = "dev"
    model = forms.CharField(label=_("Model"), max_length=100)
    mac = forms.CharField(label=_("MAC address"), max_length=30)
    extension = _extension_field(_("Extension"))
    user_id = _user_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user_id"].help_text = _(
            "Empty: the user of a user extension; a device extension has none."
        )


class AttendantForm(Prefixed):
    prefix_name = "att"
    name = forms.CharField(label=_("Name"), max_length=100)
    greeting = forms.CharField(
        label=_("Greeting"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    timeout_seconds = forms.IntegerField(
        label=_("Timeout (seconds)"), min_value=3, max_value=120, initial=10
    )
    timeout_destination = _extension_field(_("On timeout, route to"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for day in WEEKDAYS:
            self.fields[f"{day}_open"] = forms.CharField(
                label=_("%(day)s opens") % {"day": WEEKDAY_LABELS[day]},
                required=False,
                widget=forms.TimeInput(attrs={"type": "time"}),
            )
            self.fields[f"{day}_close"] = forms.CharField(
                label=_("%(day)s closes") % {"day": WEEKDAY_LABELS[day]},
                required=False,
                widget=forms.TimeInput(attrs={"type": "time"}),
            )
        for key in MENU_KEYS:
            self.fields[f"digit_{key}"] = _extension_field(_("Digit %(d)s") % {"d": key})

    def hour_rows(self):
        return [(WEEKDAY_LABELS[d], self[f"{d}_open"], self[f"{d}_close"]) for d in WEEKDAYS]

    def menu_fields(self):
        return [self[f"digit_{k}"] for k in MENU_KEYS]

    def data_for_action(self) -> dict[str, Any]:
        c = self.cleaned_data
        hours: dict[str, Any] = {}
        for day in WEEKDAYS:
            o, cl = c.get(f"{day}_open") or "", c.get(f"{day}_close") or ""
            hours[day] = {"open": o, "close": cl} if (o or cl) else None
        return {
            "name": c["name"],
            "greeting": c["greeting"],
            "timeout_seconds": c["timeout_seconds"],
            "timeout_destination": c["timeout_destination"] or None,
            "business_hours": hours,
            "menu": {k: c[f"digit_{k}"] for k in MENU_KEYS if c.get(f"digit_{k}")},
        }


class WelcomeForm(Prefixed):
    prefix_name = "wel"
    greeting = forms.CharField(
        label=_("Greeting before routing"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    enabled = forms.BooleanField(label=_("Welcome service on"), required=False, initial=True)


class EmergencyForm(Prefixed):
    prefix_name = "em"
    site_product_id = forms.ChoiceField(label=_("Site"))
    number = forms.CharField(label=_("Emergency number"), max_length=8)
    caller_location = forms.CharField(
        label=_("Caller location (optional)"),
        max_length=300,
        required=False,
        help_text=_(
            "Sent with emergency calls. Empty: the site's address; give more, e.g. the floor."
        ),
    )

    def __init__(self, *args: Any, sites=(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site_product_id"].choices = _choices(
            [(s.id, f"{s.name} ({s.address})") for s in sites]
        )
