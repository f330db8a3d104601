from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from channeldesk.catalog.catalog import localized
from channeldesk.subscriptions.actions import MAX_QUANTITY
from channeldesk.subscriptions.catalog_products import product_choices, products
from channeldesk.tenancy.validation import country_choices


class SubscriptionForm(forms.Form):
    """The "New customer subscription" dialog (seed 004)."""

    product = forms.ChoiceField(label=_("Product"))
    customer_name = forms.CharField(
        label=_("Customer company name"),
        max_length=200,
        required=False,
        help_text=_("Type to pick an existing customer, or enter the name of a new one."),
    )
    account_id = forms.CharField(required=False, max_length=26, widget=forms.HiddenInput)
    customer_country = forms.ChoiceField(label=_("Country of a new customer"), required=False)
    customer_postal_code = forms.CharField(
        label=_("Postal code of a new customer"), max_length=20, required=False
    )
    quantity = forms.IntegerField(
        label=_("Number of users"),
        min_value=1,
        max_value=MAX_QUANTITY,
        help_text=_("The exact number of users in the customer's company (1 to 100,000)."),
    )
    customer_managed = forms.BooleanField(label=_("Let the customer manage it"), required=False)
    contact_name = forms.CharField(label=_("Customer contact name"), max_length=200, required=False)
    contact_email = forms.EmailField(label=_("Customer e-mail address"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = [("", "—"), *product_choices()]
        # Choosing a product shows "Let the customer manage it" only where it is offered.
        self.fields["product"].widget.attrs.update(
            {
                "hx-get": "/subscriptions/new",
                "hx-trigger": "change",
                "hx-target": "#self-service",
                "hx-swap": "outerHTML",
            }
        )
        self.fields["customer_country"].choices = [("", "—"), *country_choices()]
        names = ", ".join(label for key, label in product_choices() if _self_service(key))
        self.fields["customer_managed"].help_text = _(
            "The contact gets an invitation e-mail, sets a password and manages licenses and "
            "settings, without seeing prices or billing. Offered for: %(products)s."
        ) % {"products": names}
        self.fields["customer_name"].widget.attrs.update(
            {
                "autocomplete": "off",
                "hx-get": "/subscriptions/customers",
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "#customer-matches",
                "hx-swap": "innerHTML",
                "aria-describedby": "id_customer_name_help customer-matches",
            }
        )


def _self_service(key: str) -> bool:
    return any(p["key"] == key and p.get("self_service") for p in products())


class QuantityForm(forms.Form):
    quantity = forms.IntegerField(label=_("Number of users"), min_value=1, max_value=MAX_QUANTITY)


class CancelForm(forms.Form):
    when = forms.ChoiceField(
        label=_("When"),
        choices=[("term_end", _("At the end of the term")), ("now", _("Now"))],
        widget=forms.RadioSelect,
        initial="term_end",
    )
    confirm = forms.CharField(label=_("Type the customer name to confirm"), max_length=200)


class LicenseCsvForm(forms.Form):
    file = forms.FileField(label=_("CSV file with e-mail addresses"), required=False)
    emails = forms.CharField(
        label=_("…or paste e-mail addresses"),
        required=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ProductSettingsForm(forms.Form):
    """The product's settings as the catalog defines them (one typed field per setting)."""

    prefix = "settings"

    def __init__(self, defs: list[dict], *args, **kwargs):
        super().__init__(*args, **kwargs)
        for d in defs:
            label = localized(d["name"])
            kind = d["type"]
            field: forms.Field
            if kind == "bool":
                field = forms.BooleanField(label=label, required=False)
            elif kind == "integer":
                field = forms.IntegerField(label=label, min_value=d["min"], max_value=d["max"])
            elif kind == "choice":
                field = forms.ChoiceField(
                    label=label, choices=[(c["key"], localized(c["name"])) for c in d["choices"]]
                )
            else:
                limit = d.get("max_length", 200)
                field = forms.CharField(
                    label=label,
                    required=False,
                    max_length=limit,
                    widget=forms.Textarea(attrs={"rows": 3}) if limit > 200 else None,
                )
            self.fields[d["key"]] = field
