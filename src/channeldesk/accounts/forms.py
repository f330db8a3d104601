from django import forms
from django.utils.translation import gettext_lazy as _

from channeldesk.catalog.catalog import current
from channeldesk.tenancy.validation import (
    country_choices,
    subdivision_blank,
    subdivision_choices,
)


def domains_field() -> forms.CharField:
    """The customer's e-mail domains as one text box (checked by accounts.domains)."""
    return forms.CharField(
        label=_("E-mail domains"),
        required=False,
        max_length=30000,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "autocapitalize": "off"}),
        help_text=_("The customer's e-mail domains, one per line (for example example.com)."),
    )


class AccountForm(forms.Form):
    name = forms.CharField(label=_("Customer name"), max_length=200)
    street = forms.CharField(label=_("Street address"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    country = forms.ChoiceField(label=_("Country"))
    subdivision = forms.ChoiceField(label=_("Province/state"), required=False)
    default_language = forms.ChoiceField(label=_("Default language"))
    business_type = forms.ChoiceField(
        label=_("Business type"), required=False, help_text=_("Used for statistics only.")
    )
    domains = domains_field()

    def __init__(self, *args, creating: bool = False, **kwargs):
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
        self.fields["country"].widget.attrs.update(
            {
                "hx-get": "/accounts/subdivisions",
                "hx-target": "#id_subdivision",
                "hx-trigger": "change",
                "hx-swap": "innerHTML",
                "hx-include": "this",
            }
        )
        if creating:
            self.fields["cloud_region"] = forms.ChoiceField(
                label=_("Cloud location"),
                required=False,
                choices=[("", _("Derived from the country")), *cat.choices("regions")],
                help_text=_("Where the customer's data is stored. It cannot be changed later."),
            )
            self.fields["platform"] = forms.ChoiceField(
                label=_("Platform"),
                choices=cat.choices("platforms"),
                initial=cat.default_platform(),
            )


class SupportContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    role = forms.ChoiceField(label=_("Role"))
    language = forms.ChoiceField(label=_("E-mail language"), required=False)

    def __init__(self, *args, **kwargs):
        from channeldesk.accounts.models import SupportContact

        super().__init__(*args, **kwargs)
        self.fields["role"].choices = SupportContact.Role.choices
        self.fields["language"].choices = [
            ("", _("Account default")),
            *current().choices("languages"),
        ]


class ProblemReportForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(label=_("Description"), max_length=5000, widget=forms.Textarea)
    integration = forms.ChoiceField(label=_("Affected integration"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["integration"].choices = [
            ("", _("None / not sure")),
            *current().choices("integrations"),
        ]


class ConfirmNameForm(forms.Form):
    """Typed confirmation of a dangerous action (quality.md 12)."""

    confirm_name = forms.CharField(label=_("Type the account name to confirm"), max_length=200)

    def __init__(self, *args, expected: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.expected = expected

    def clean_confirm_name(self) -> str:
        value = self.cleaned_data["confirm_name"].strip()
        if value != self.expected:
            raise forms.ValidationError(_("The name you typed does not match the account name."))
        return value
