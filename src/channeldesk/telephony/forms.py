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
    user_id = forms.ChoiceField(label=_("User"), required=False)
    attendant_id = forms.ChoiceField(label=_("Attendant"), required=False)
    phone_number = forms.CharField(
        label=_("Routed phone number (optional)"),
        max_length=30,
        required=False,
        help_text=_("International format, e.g. +4930123456."),
    )

    def __init__(self, *args: Any, users=(), attendants=(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user_id"].choices = _choices(list(users))
        self.fields["attendant_id"].choices = _choices(list(attendants))


class DeviceForm(Prefixed):
    prefix_name = "dev"
    model = forms.CharField(label=_("Model"), max_length=100)
    mac = forms.CharField(label=_("MAC address"), max_length=30)
    user_id = forms.ChoiceField(label=_("User"), required=False)
    extension = forms.ChoiceField(label=_("Extension"), required=False)

    def __init__(self, *args: Any, users=(), extensions=(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user_id"].choices = _choices(list(users))
        self.fields["extension"].choices = _choices(list(extensions))


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
    timeout_destination = forms.ChoiceField(label=_("On timeout, route to"), required=False)

    def __init__(self, *args: Any, extensions=(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ext = _choices(list(extensions))
        self.fields["timeout_destination"].choices = ext
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
            self.fields[f"digit_{key}"] = forms.ChoiceField(
                label=_("Digit %(d)s") % {"d": key}, required=False, choices=ext
            )

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
    site = forms.CharField(label=_("Site"), max_length=100)
    number = forms.CharField(label=_("Emergency number"), max_length=8)
    caller_location = forms.CharField(
        label=_("Caller location"),
        max_length=300,
        help_text=_("The site's address sent with emergency calls."),
    )
