from django import forms
from django.utils.translation import gettext_lazy as _

from channeldesk.contracts import pricing
from channeldesk.contracts.actions import MAX_BLOCK, MAX_NUMBERS_PER_SITE
from channeldesk.tenancy.validation import country_choices


class OrderForm(forms.Form):
    """One form for the three kinds of order of the seed; the kind decides which fields count."""

    KINDS = [
        ("site_product", _("An additional site product on a base package")),
        ("services", _("More services on a base package (budget, flatrate, parallel calls)")),
        ("base_package", _("An additional base package")),
    ]
    kind = forms.ChoiceField(
        label=_("What do you want to order?"), choices=KINDS, widget=forms.RadioSelect
    )
    base_package = forms.ChoiceField(label=_("Base package"), required=False)
    service = forms.ChoiceField(label=_("Service"), required=False)
    quantity = forms.IntegerField(
        label=_("Quantity"), min_value=1, max_value=100, initial=1, required=False
    )
    site_name = forms.CharField(label=_("Site name"), max_length=200, required=False)
    street = forms.CharField(label=_("Street address"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    numbers = forms.IntegerField(
        label=_("How many phone numbers?"),
        min_value=1,
        max_value=MAX_NUMBERS_PER_SITE,
        required=False,
        initial=5,
    )
    package_name = forms.CharField(
        label=_("Name of the new base package"), max_length=200, required=False
    )

    def __init__(self, *args, packages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["base_package"].choices = [(p.id, f"{p.number} {p.name}") for p in packages]
        self.fields["service"].choices = pricing.service_choices()
        self.fields["country"].choices = [("", "—"), *country_choices()]

    def items(self) -> list[dict]:
        d = self.cleaned_data
        kind = d["kind"]
        if kind == "base_package":
            bp = pricing.first_of_kind("base_package") or {}
            return [{"item": bp.get("key", ""), "name": d.get("package_name") or ""}]
        if kind == "services":
            return [
                {
                    "item": d.get("service") or "",
                    "quantity": d.get("quantity") or 1,
                    "base_package_id": d.get("base_package") or None,
                }
            ]
        site_item = pricing.first_of_kind("site_product")
        return [
            {
                "item": site_item["key"] if site_item else "",
                "base_package_id": d.get("base_package") or None,
                "numbers": d.get("numbers"),
                "site": {
                    "name": d.get("site_name"),
                    "street": d.get("street"),
                    "postal_code": d.get("postal_code"),
                    "city": d.get("city"),
                    "country": d.get("country"),
                },
            }
        ]


ERROR_FIELDS = {
    "items.0.site.name": "site_name",
    "items.0.site.street": "street",
    "items.0.site.postal_code": "postal_code",
    "items.0.site.city": "city",
    "items.0.site.country": "country",
    "items.0.numbers": "numbers",
    "items.0.base_package_id": "base_package",
    "items.0.item": "service",
    "items.0.quantity": "quantity",
}


class AssignForm(forms.Form):
    usage = forms.ChoiceField(label=_("Usage"))
    user_id = forms.ChoiceField(label=_("User of the seat"), required=False)

    def __init__(self, *args, users=(), **kwargs):
        from channeldesk.contracts.models import PhoneNumber

        super().__init__(*args, **kwargs)
        self.fields["usage"].choices = PhoneNumber.Usage.choices
        self.fields["user_id"].choices = [("", "—"), *[(u.id, u.display_name) for u in users]]


class NumberBlockForm(forms.Form):
    start = forms.CharField(
        label=_("First number (E.164)"), max_length=16, help_text=_("For example +493012345600")
    )
    count = forms.IntegerField(label=_("How many numbers"), min_value=1, max_value=MAX_BLOCK)
