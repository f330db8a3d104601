"""The wizard's forms. Validation rules live in steps.py (shared with the API); these forms
only render fields and collect the submitted values."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from channeldesk.accounts.forms import domains_field
from channeldesk.accounts.models import SupportContact
from channeldesk.catalog.catalog import current
from channeldesk.tenancy.validation import (
    country_choices,
    subdivision_blank,
    subdivision_choices,
)


class PlatformForm(forms.Form):
    platform = forms.ChoiceField(label=_("Platform"), widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cat = current()
        self.fields["platform"].choices = cat.choices("platforms")
        self.fields["platform"].initial = cat.default_platform()


class CustomerForm(forms.Form):
    name = forms.CharField(label=_("Customer name"), max_length=200)
    street = forms.CharField(label=_("Street and number"), max_length=200)
    postal_code = forms.CharField(label=_("Postal code"), max_length=20)
    city = forms.CharField(label=_("City"), max_length=100)
    country = forms.ChoiceField(label=_("Country"))
    subdivision = forms.ChoiceField(label=_("Province/state"), required=False)
    business_type = forms.ChoiceField(
        label=_("Business type"),
        required=False,
        help_text=_("Choose the closest value. It is used for statistics only."),
    )
    default_language = forms.ChoiceField(
        label=_("Default language"),
        help_text=_("Language of e-mails to the account's users."),
    )
    cloud_region = forms.ChoiceField(
        label=_("Cloud location"),
        required=False,
        help_text=_("Where the customer's data is stored. It cannot be changed later."),
    )
    domains = domains_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cat = current()
        self.fields["country"].choices = [("", "—"), *country_choices()]
        country = (self.data.get("country") if self.is_bound else self.initial.get("country")) or ""
        self.fields["subdivision"].choices = [
            subdivision_blank(country),
            *subdivision_choices(country),
        ]
        self.fields["default_language"].choices = cat.choices("languages")
        self.fields["business_type"].choices = [("", "—"), *cat.choices("business_types")]
        self.fields["cloud_region"].choices = [
            ("", _("Derived from the country")),
            *cat.choices("regions"),
        ]
        self.fields["cloud_region"].widget.attrs.update(
            {
                "hx-get": "/onboarding/regions",
                "hx-trigger": "change from:#id_country",
                "hx-include": "#id_country",
                "hx-target": "this",
                "hx-swap": "innerHTML",
            }
        )
        self.fields["country"].widget.attrs.update(
            {
                "hx-get": "/accounts/subdivisions",
                "hx-target": "#id_subdivision",
                "hx-trigger": "change",
                "hx-swap": "innerHTML",
                "hx-include": "this",
            }
        )


def contacts_from_post(post, prefix: str, *, roles: bool) -> list[dict[str, str]]:
    """Contact rows posted as `<prefix>-<i>-name|email|role`, in index order."""
    rows: dict[int, dict[str, str]] = {}
    pattern = re.compile(rf"^{prefix}-(\d{{1,3}})-(name|email|role)$")
    for key in post:
        m = pattern.match(key)
        if m:
            rows.setdefault(int(m.group(1)), {})[m.group(2)] = post.get(key, "")[:254]
    out = []
    for i in sorted(rows):
        r = rows[i]
        row = {"name": r.get("name", ""), "email": r.get("email", "")}
        if roles:
            row["role"] = r.get("role", "")
        out.append(row)
    return out


def role_choices() -> list[tuple[str, Any]]:
    """Support contact roles with this app's labels (seed 001 wording)."""
    labels: dict[str, Any] = {
        SupportContact.Role.ADMINISTRATOR: _("Administrator"),
        SupportContact.Role.SITE_ADMIN: _("Site admin"),
        SupportContact.Role.OTHER: _("Other"),
    }
    return [(value, labels.get(value, label)) for value, label in SupportContact.Role.choices]


class PbxForm(forms.Form):
    pbx_type = forms.ChoiceField(label=_("PBX type"))
    name = forms.CharField(label=_("PBX name"), max_length=100)
    software_version = forms.CharField(
        label=_("Software version"), max_length=50, help_text=_("For example 9.4 SP1.")
    )

    def __init__(self, *args, platform: str, **kwargs):
        super().__init__(*args, **kwargs)
        from channeldesk.catalog.catalog import localized

        self.fields["pbx_type"].choices = [
            ("", "—"),
            *((t["key"], localized(t["name"])) for t in current().pbx_types(platform)),
        ]


class ConnectionForm(forms.Form):
    host = forms.CharField(
        label=_("Host"), max_length=253, help_text=_("Host name or IP address of the PBX.")
    )
    port = forms.CharField(label=_("Port"), max_length=5)
    username = forms.CharField(label=_("User name"), max_length=100)
    password = forms.CharField(
        label=_("Password"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, has_password: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["port"].widget.attrs.update({"inputmode": "numeric"})
        self.fields["password"].help_text = (
            _("A password is stored (encrypted). Leave empty to keep it.")
            if has_password
            else _("Stored encrypted; never shown again.")
        )


class GatewayForm(forms.Form):
    serial_number = forms.CharField(label=_("Serial number"), max_length=40)
    mac_address = forms.CharField(
        label=_("MAC address"), max_length=40, help_text=_("For example 00:1A:2B:3C:4D:5E.")
    )
    site_street = forms.CharField(label=_("Street and number"), max_length=200)
    site_postal_code = forms.CharField(label=_("Postal code"), max_length=20)
    site_city = forms.CharField(label=_("City"), max_length=100)
    site_country = forms.ChoiceField(label=_("Country"))
    site_subdivision = forms.ChoiceField(label=_("Province/state"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site_country"].choices = [("", "—"), *country_choices()]
        country = (
            self.data.get("site_country") if self.is_bound else self.initial.get("site_country")
        ) or ""
        self.fields["site_subdivision"].choices = [
            subdivision_blank(country),
            *subdivision_choices(country),
        ]
        self.fields["site_country"].widget.attrs.update(
            {
                "hx-get": "/accounts/subdivisions",
                "hx-target": "#id_site_subdivision",
                "hx-trigger": "change",
                "hx-swap": "innerHTML",
                "hx-include": "this",
            }
        )


class SyncForm(forms.Form):
    pbx_type = forms.ChoiceField(label=_("PBX type"))
    system_id = forms.CharField(
        label=_("Existing system identifier"),
        max_length=100,
        help_text=_("The identifier of the SMB Controller or Virtual Appliance."),
    )
    export_file = forms.FileField(
        label=_("Export file (CSV)"),
        required=False,
        help_text=_("One user per line: e-mail, name, extension. A header line is optional."),
    )

    def __init__(self, *args, platform: str, **kwargs):
        super().__init__(*args, **kwargs)
        from channeldesk.catalog.catalog import localized

        types = current().pbx_types(platform)
        self.fields["pbx_type"].choices = [
            *([("", "—")] if len(types) != 1 else []),
            *((t["key"], localized(t["name"])) for t in types),
        ]
