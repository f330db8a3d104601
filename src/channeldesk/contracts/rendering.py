"""What an order says to its reader: item descriptions in the reader's language (from the
catalog and the item's parameters), and the order confirmation PDF made when the e-mail is
sent (notifications.outbox renderer "contracts.order_confirmation")."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from channeldesk.contracts import areas, pricing
from channeldesk.contracts.models import Charge, Order, OrderItem

PDF_RENDERER = "contracts.order_confirmation"


def describe_params(entry: dict[str, Any] | None, params: dict[str, Any], lang: str) -> str:
    with translation.override(lang):
        base = pricing.name(entry, lang) if entry else ""
        if "site" in params:
            s = params["site"]
            values = {
                "item": base,
                "site": s["name"],
                "street": s["street"],
                "postal": s["postal_code"],
                "city": s["city"],
                "n": params["numbers"],
            }
            if s.get("area") is not None and s.get("area") != "":
                values["area"] = areas.dialled(s["country"], s["area"])
                return (
                    _(
                        "%(item)s %(site)s, %(street)s, %(postal)s %(city)s "
                        "(%(n)d numbers, area code %(area)s)"
                    )
                    % values
                )
            return _("%(item)s %(site)s, %(street)s, %(postal)s %(city)s (%(n)d numbers)") % values
        text = base
        if params.get("name") and params["name"] != base:
            text = f"{base}: {params['name']}"
        included = [pricing.item(k) for k in params.get("includes", [])]
        names = [pricing.name(e, lang) for e in included if e]
        if names:
            text = _("%(item)s, includes %(resources)s") % {
                "item": text,
                "resources": ", ".join(names),
            }
        return text


def describe(item: OrderItem, lang: str) -> str:
    entry = pricing.item(item.item)
    if entry is None:  # no longer in the catalog: the text stored at order time
        return item.description
    return describe_params(entry, item.params, lang)


@dataclass
class Line:
    description: str
    quantity: int
    unit_price: Decimal
    amount: Decimal
    currency: str
    charge: str
    base_package_id: str | None

    @property
    def once(self) -> bool:
        return self.charge == Charge.ONCE


def lines(order: Order, lang: str, items: list[OrderItem] | None = None) -> list[Line]:
    rows = items if items is not None else list(order.items.all())
    return [
        Line(
            describe(i, lang),
            i.quantity,
            i.unit_price,
            i.amount,
            i.currency,
            i.charge,
            i.base_package_id,
        )
        for i in rows
    ]


def context(order: Order, lang: str) -> dict[str, Any]:
    items = lines(order, lang)
    return {
        "order": order,
        "account": order.account,
        "items": items,
        "has_one_time": any(i.once for i in items),
    }


def order_pdf(order: Order, language: str) -> bytes:
    from channeldesk.billing.pdf import render_pdf

    return render_pdf("contracts/order_confirmation_pdf.html", context(order, language), language)


def render_confirmation(*, language: str, order_id: str) -> bytes:
    """The outbox renderer: the PDF from the order as it is when the e-mail is sent."""
    order = Order.objects.select_related("account").get(id=order_id)
    return order_pdf(order, language)
