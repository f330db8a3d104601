"""The contracts' invoice drafts: one invoice per base package listing its base fee, every
site product and every central resource (seed 002: "Je Grundpaket wird eine Rechnung mit
allen zugehörigen Standortprodukten erstellt")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import translation
from django.utils.translation import gettext as _

from channeldesk.billing.sources import InvoiceDraft, LineDraft
from channeldesk.contracts.models import BasePackage, Charge, Resource, SiteProduct
from channeldesk.contracts.pricing import item, name

SOURCE = "contracts.base_package"


def _end_of(period: str) -> dt.datetime:
    from channeldesk.billing.actions import period_bounds

    _first, last = period_bounds(period)
    return dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=dt.UTC)


def base_package_drafts(period: str) -> list[InvoiceDraft]:
    from channeldesk.billing.actions import period_bounds

    first, last = period_bounds(period)
    start = dt.datetime.combine(first, dt.time(0), tzinfo=dt.UTC)
    end = _end_of(period)
    packages = (
        BasePackage.objects.filter(start_date__lte=last)
        .select_related("account", "account__parent")
        .prefetch_related(
            Prefetch(
                "site_products",
                queryset=SiteProduct.objects.filter(created_at__lt=end)
                .order_by("id")
                .prefetch_related("numbers"),
            ),
            Prefetch(
                "resources", queryset=Resource.objects.filter(created_at__lt=end).order_by("id")
            ),
        )
        .order_by("id")
    )
    out = []
    for pkg in packages.iterator(chunk_size=500):
        account = pkg.account
        issuer = account.parent_id or account.id
        lang = account.default_language or "en"
        with translation.override(lang):
            lines = [
                LineDraft(
                    _("Base package %(number)s %(name)s")
                    % {"number": pkg.number, "name": pkg.name},
                    Decimal("1"),
                    pkg.monthly_fee,
                    pkg.currency,
                )
            ]
            for s in pkg.site_products.all():
                lines.append(
                    LineDraft(
                        _("Site product %(name)s, %(address)s")
                        % {"name": s.name, "address": s.address},
                        Decimal("1"),
                        s.monthly_fee,
                        s.currency,
                    )
                )
                count = len(s.numbers.all())
                if count and s.number_fee:
                    lines.append(
                        LineDraft(
                            _("Phone numbers at %(name)s") % {"name": s.name},
                            Decimal(count),
                            s.number_fee,
                            s.currency,
                        )
                    )
            for r in pkg.resources.all():
                entry = item(r.item)
                label = name(entry, lang) if entry else r.name
                if r.charge == Charge.ONCE:
                    if r.created_at < start:
                        continue  # a one-time service is billed in the month it was set up
                    label = _("%(service)s (one-time)") % {"service": label}
                    price = r.one_time_price or Decimal("0")
                else:
                    price = r.monthly_price
                if r.included:
                    label = _("%(resource)s (included in the base package)") % {"resource": label}
                lines.append(LineDraft(label, Decimal("1"), price, r.currency))
        out.append(
            InvoiceDraft(
                source=SOURCE,
                key=pkg.id,
                issuer_id=issuer,
                bill_to_id=account.id,
                currency=pkg.currency,
                lines=lines,
            )
        )
    return out
