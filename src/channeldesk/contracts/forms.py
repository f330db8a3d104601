from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from channeldesk.contracts import areas, pricing
from channeldesk.contracts.actions import MAX_BLOCK, MAX_NUMBERS_PER_SITE, MAX_SITES_PER_ORDER
from channeldesk.tenancy.validation import country_choices


class OrderForm(forms.Form):
    """The three kinds of order of the seed; the kind decides which fields count. Sites come
    from SiteFormSet (a site product, or the sites of a new base package)."""

    KINDS = [
        ("site_product", _("An additional site product on a base package")),
        ("services", _("More services on a base package (budget, flatrate, parallel calls)")),
        ("base_package", _("An additional base package, with its sites")),
    ]
    kind = forms.ChoiceField(
        label=_("What do you want to order?"), choices=KINDS, widget=forms.RadioSelect
    )
    base_package = forms.ChoiceField(label=_("Base package"), required=False)
    service = forms.ChoiceField(label=_("Service"), required=False)
    quantity = forms.IntegerField(
        label=_("Quantity"), min_value=1, max_value=100, initial=1, required=False
    )
    package_name = forms.CharField(
        label=_("Name of the new base package"), max_length=200, required=False
    )

    def __init__(self, *args, packages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["base_package"].choices = [(p.id, f"{p.number} {p.name}") for p in packages]
        self.fields["service"].choices = pricing.service_choices()


def area_choices() -> list[tuple[str, str]]:
    """The pool's areas with free numbers, as "DE:40" -> "DE 040 Hamburg"."""
    out: list[tuple[str, str]] = [("", str(_("From the site's city")))]
    countries = sorted({a.country for a in areas.NumberArea.objects.all()})
    for country in countries:
        for a in areas.with_free_numbers(country):
            out.append((f"{a.country}:{a.area}", f"{a.country} {areas.label(a)}"))
    return out


class SiteForm(forms.Form):
    site_name = forms.CharField(label=_("Site name"), max_length=200, required=False)
    street = forms.CharField(label=_("Street address"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    area = forms.ChoiceField(
        label=_("Area code of the phone numbers"),
        required=False,
        help_text=_("By default the area code of the site's city."),
    )
    numbers = forms.IntegerField(
        label=_("How many phone numbers?"),
        min_value=1,
        max_value=MAX_NUMBERS_PER_SITE,
        required=False,
        initial=5,
    )

    def __init__(self, *args, areas_offered=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "—"), *country_choices()]
        self.fields["area"].choices = list(areas_offered)

    def clean(self):
        d = super().clean()
        area_country = (d.get("area") or "").partition(":")[0]
        if area_country and d.get("country") and area_country != d["country"]:
            self.add_error("area", _("Choose an area code of the site's country."))
        return d

    def is_blank(self) -> bool:
        d = self.cleaned_data
        return not any(d.get(k) for k in ("site_name", "street", "postal_code", "city"))

    def item(self, site_item: str, base_package_id: str | None) -> dict[str, Any]:
        d = self.cleaned_data
        country = d.get("country") or ""
        area = (d.get("area") or "").partition(":")[2]
        return {
            "item": site_item,
            "base_package_id": base_package_id,
            "numbers": d.get("numbers"),
            "site": {
                "name": d.get("site_name"),
                "street": d.get("street"),
                "postal_code": d.get("postal_code"),
                "city": d.get("city"),
                "country": country,
                "area": area or None,
            },
        }


SiteFormSet = forms.formset_factory(
    SiteForm, extra=0, min_num=1, max_num=MAX_SITES_PER_ORDER, absolute_max=MAX_SITES_PER_ORDER
)

SITE_FIELDS = {
    "name": "site_name",
    "street": "street",
    "postal_code": "postal_code",
    "city": "city",
    "country": "country",
    "area": "area",
}
ITEM_FIELDS = {
    "base_package_id": "base_package",
    "item": "service",
    "quantity": "quantity",
    "name": "package_name",
}


def order_items(form: OrderForm, sites: Any) -> tuple[list[dict[str, Any]], dict[int, SiteForm]]:
    """The action's items from the (valid) forms, and which site form each item came from."""
    d = form.cleaned_data
    kind = d["kind"]
    if kind == "services":
        item = {
            "item": d.get("service") or "",
            "quantity": d.get("quantity") or 1,
            "base_package_id": d.get("base_package") or None,
        }
        return [item], {}
    site_item = (pricing.first_of_kind("site_product") or {}).get("key", "")
    items: list[dict[str, Any]] = []
    where: dict[int, SiteForm] = {}
    package_id = d.get("base_package") or None
    if kind == "base_package":
        bp = pricing.first_of_kind("base_package") or {}
        items.append({"item": bp.get("key", ""), "name": d.get("package_name") or ""})
        package_id = None  # the sites go onto the new package
    filled = [f for f in sites.forms if not f.is_blank()]
    if kind == "site_product" and not filled:
        filled = sites.forms[:1]  # a site product needs its site: show what is missing
    for f in filled:
        where[len(items)] = f
        items.append(f.item(site_item, package_id))
    return items, where


def place_errors(form: OrderForm, where: dict[int, SiteForm], errors) -> None:
    """Put the action's field errors ("items.1.site.city") on the form fields they concern."""
    for e in errors:
        parts = (e.field or "").split(".")
        target: forms.Form = form
        name: str | None = None
        if len(parts) >= 3 and parts[0] == "items" and parts[1].isdigit():
            index, rest = int(parts[1]), parts[2:]
            site_form = where.get(index)
            if site_form is not None and rest[0] in ("site", "numbers"):
                target = site_form
                name = "numbers" if rest[0] == "numbers" else SITE_FIELDS.get(rest[-1])
            else:
                name = ITEM_FIELDS.get(rest[0])
        if name is not None and name not in target.fields:
            name = None
        target.add_error(name, e.message)


class AssignForm(forms.Form):
    usage = forms.ChoiceField(label=_("Usage"))
    user_id = forms.CharField(label=_("User of the seat"), required=False, max_length=26)

    def __init__(self, *args, **kwargs):
        from channeldesk.contracts.models import PhoneNumber

        super().__init__(*args, **kwargs)
        self.fields["usage"].choices = PhoneNumber.Usage.choices


class NumberBlockForm(forms.Form):
    start = forms.CharField(
        label=_("First number (E.164)"), max_length=16, help_text=_("For example +493012345600")
    )
    count = forms.IntegerField(label=_("How many numbers"), min_value=1, max_value=MAX_BLOCK)
