"""Contract actions: orders, provisioning, phone numbers, the number pool, credential links."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import logging
import secrets
import zoneinfo
from decimal import Decimal
from typing import Any

import orjson
import phonenumbers
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from channeldesk.audit.events import record
from channeldesk.billing.sequences import next_value
from channeldesk.contracts import pricing
from channeldesk.contracts.models import (
    BasePackage,
    CredentialLink,
    IpConnection,
    Order,
    OrderItem,
    PhoneNumber,
    Resource,
    SiteProduct,
)
from channeldesk.core.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from channeldesk.identity.models import User, hash_secret
from channeldesk.notifications.actions import notify
from channeldesk.notifications.outbox import Attachment, language_for, queue_email
from channeldesk.tenancy import permissions
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.models import Membership, Organization
from channeldesk.tenancy.roles import Kind, Role

log = logging.getLogger(__name__)

MAX_NUMBERS_PER_SITE = 100
MAX_BLOCK = 10000
CREDENTIAL_LINK_LIFETIME = dt.timedelta(days=7)


class ProvisioningFailed(Exception):
    """Provisioning cannot complete (e.g. the pool is exhausted); nothing of it is kept."""


# ---- helpers -----------------------------------------------------------------------------


def account_admins(account: Organization) -> list[User]:
    return [
        m.user
        for m in Membership.objects.filter(
            organization=account, role=Role.ACCOUNT_ADMIN, user__is_active=True
        )
        .select_related("user")
        .order_by("id")
    ]


def partner_admins(account: Organization) -> list[tuple[User, Organization]]:
    """The account's partner (its parent): its partner_admins; for a direct customer, the
    operator's admins."""
    parent = account.parent
    if parent is None:
        return []
    role = Role.OPERATOR_ADMIN if parent.kind == Kind.OPERATOR else Role.PARTNER_ADMIN
    return [
        (m.user, parent)
        for m in Membership.objects.filter(organization=parent, role=role, user__is_active=True)
        .select_related("user")
        .order_by("id")
    ]


def provisioning_time(now: dt.datetime | None = None) -> dt.datetime:
    """When provisioning runs: after PROVISIONING_DELAY_SECONDS, or by default the next day
    at 06:00 in the operator's time zone (the seed: credentials "am Folgetag")."""
    now = now or timezone.now()
    delay = settings.PROVISIONING_DELAY_SECONDS
    if delay is not None:
        return now + dt.timedelta(seconds=delay)
    tz = zoneinfo.ZoneInfo(settings.OPERATOR_TIME_ZONE)
    local = now.astimezone(tz)
    next_day = (local + dt.timedelta(days=1)).date()
    return dt.datetime.combine(next_day, dt.time(6, 0), tzinfo=tz)


def _enqueue_provisioning(order_id: str, at: dt.datetime) -> None:
    from channeldesk.contracts.tasks import provision_order_task

    transaction.on_commit(
        lambda: provision_order_task.using(run_after=at).enqueue(order_id), robust=False
    )


def _order_context(order: Order) -> dict[str, Any]:
    return {
        "order": order,
        "account": order.account,
        "items": list(order.items.all()),
    }


def order_pdf(order: Order, language: str) -> bytes:
    from channeldesk.billing.pdf import render_pdf

    return render_pdf("contracts/order_confirmation_pdf.html", _order_context(order), language)


# ---- orders --------------------------------------------------------------------------------


def _clean_site(raw: Any, index: int) -> tuple[dict[str, str], list[FieldError]]:
    errors: list[FieldError] = []
    raw = raw if isinstance(raw, dict) else {}
    site = {k: str(raw.get(k) or "").strip() for k in ("name", "street", "postal_code", "city")}
    site["country"] = str(raw.get("country") or "").strip().upper()
    limits = {"name": 200, "street": 200, "postal_code": 20, "city": 100}
    for k, limit in limits.items():
        if not site[k]:
            errors.append(FieldError(f"items.{index}.site.{k}", _("This field is required.")))
        elif len(site[k]) > limit:
            errors.append(FieldError(f"items.{index}.site.{k}", _("This value is too long.")))
    if site["country"] not in phonenumbers.SUPPORTED_REGIONS:
        errors.append(FieldError(f"items.{index}.site.country", _("Choose a valid country.")))
    return site, errors


@transaction.atomic
def place_order(actor: Actor, account: Organization, items: list[dict[str, Any]]) -> Order:
    """Place and confirm an order at once: price it from the catalog, e-mail the confirmation
    (with a PDF) and schedule provisioning.

    `items`: {"item": catalog key, "quantity"?, "base_package_id"?, "site"?, "numbers"?,
    "name"?}. A site product or service without base_package_id goes onto the base package
    ordered in the same order.
    """
    if account.kind != Kind.CUSTOMER:
        raise NotFound("account not found")
    if not permissions.can(actor, "order.create", account):
        raise Forbidden(_("You are not allowed to place orders for this account."))
    if not items:
        raise ValidationFailed.field("items", _("Add at least one item."))
    if len(items) > 20:
        raise ValidationFailed.field("items", _("An order has at most 20 items."))
    errors: list[FieldError] = []
    lines: list[dict[str, Any]] = []
    new_packages = sum(
        1
        for i in items
        if (pricing.item(str(i.get("item") or "")) or {}).get("kind") == "base_package"
    )
    packages = {p.id: p for p in BasePackage.objects.filter(account=account)}
    currency = ""
    for n, raw in enumerate(items):
        key = str(raw.get("item") or "")
        entry = pricing.item(key)
        if entry is None or entry.get("kind") not in pricing.ORDERABLE_KINDS:
            errors.append(FieldError(f"items.{n}.item", _("Unknown contract item.")))
            continue
        kind = entry["kind"]
        quantity = raw.get("quantity") or 1
        if not isinstance(quantity, int) or not 1 <= quantity <= 100:
            errors.append(FieldError(f"items.{n}.quantity", _("Enter a quantity from 1 to 100.")))
            continue
        line: dict[str, Any] = {
            "item": key,
            "kind": kind,
            "quantity": quantity,
            "unit_price": pricing.price(entry),
            "currency": entry.get("currency", "EUR"),
            "base_package": None,
            "params": {},
        }
        if kind != "base_package":
            bp_id = raw.get("base_package_id")
            if bp_id:
                if bp_id not in packages:
                    errors.append(
                        FieldError(f"items.{n}.base_package_id", _("Unknown base package."))
                    )
                    continue
                line["base_package"] = packages[bp_id]
            elif new_packages != 1:
                errors.append(
                    FieldError(f"items.{n}.base_package_id", _("Choose the base package."))
                )
                continue
        else:
            pkg_name = str(raw.get("name") or "").strip()[:200] or pricing.name(entry)
            line["params"] = {"name": pkg_name}
            if quantity != 1:
                errors.append(
                    FieldError(f"items.{n}.quantity", _("Order one base package per item."))
                )
                continue
        if kind == "site_product":
            site, site_errors = _clean_site(raw.get("site"), n)
            errors += site_errors
            numbers = raw.get("numbers")
            if not isinstance(numbers, int) or not 1 <= numbers <= MAX_NUMBERS_PER_SITE:
                errors.append(
                    FieldError(
                        f"items.{n}.numbers",
                        _("Enter how many phone numbers (1 to %(max)d).")
                        % {"max": MAX_NUMBERS_PER_SITE},
                    )
                )
                continue
            if quantity != 1:
                errors.append(FieldError(f"items.{n}.quantity", _("Order one site per item.")))
                continue
            line["params"] = {"site": site, "numbers": numbers}
            # the numbers are priced per month with the site product
            line["unit_price"] = (
                pricing.price(entry) + pricing.price(entry, "number_price") * numbers
            )
        if currency and line["currency"] != currency:
            errors.append(FieldError(f"items.{n}.item", _("All items must be in one currency.")))
        currency = currency or line["currency"]
        lines.append(line)
    if errors:
        raise ValidationFailed(_("The order is not valid."), errors=errors)
    number = f"ORD-{next_value('orders'):06d}"
    total = sum((ln["unit_price"] * ln["quantity"] for ln in lines), Decimal("0"))
    order = Order.objects.create(
        number=number,
        account=account,
        ordered_by=actor.user,
        ordered_by_organization=actor.organization,
        currency=currency,
        total=total,
        language=language_for(actor.user, actor.organization),
    )
    for pos, ln in enumerate(lines, start=1):
        entry = pricing.item(ln["item"]) or {}
        OrderItem.objects.create(
            order=order,
            position=pos,
            item=ln["item"],
            kind=ln["kind"],
            description=_describe(entry, ln["params"], order.language),
            quantity=ln["quantity"],
            unit_price=ln["unit_price"],
            amount=ln["unit_price"] * ln["quantity"],
            currency=ln["currency"],
            base_package=ln["base_package"],
            params=ln["params"],
        )
    record(
        actor,
        "order.confirmed",
        organization=account,
        target=order,
        # No total: the audit log is read by roles without billing (partner_agent); the
        # price stays on the order, shown to those who see prices.
        changes={"number": number, "items": [ln["item"] for ln in lines]},
    )
    _send_confirmation(order, actor)
    _enqueue_provisioning(order.id, provisioning_time())
    return order


def _describe(entry: dict[str, Any], params: dict[str, Any], lang: str) -> str:
    with translation.override(lang):
        base = pricing.name(entry, lang)
        if "site" in params:
            s = params["site"]
            return _("%(item)s %(site)s, %(street)s, %(postal)s %(city)s (%(n)d numbers)") % {
                "item": base,
                "site": s["name"],
                "street": s["street"],
                "postal": s["postal_code"],
                "city": s["city"],
                "n": params["numbers"],
            }
        if params.get("name") and params["name"] != base:
            return f"{base}: {params['name']}"
        return base


def _send_confirmation(order: Order, actor: Actor) -> None:
    recipients: dict[str, tuple[User, Organization]] = {}
    if actor.user is not None:
        recipients[actor.user.email] = (actor.user, actor.organization)
    for u in account_admins(order.account):
        recipients.setdefault(u.email, (u, order.account))
    pdfs: dict[str, bytes] = {}
    for email, (user, org) in recipients.items():
        lang = language_for(user, org)
        if lang not in pdfs:
            pdfs[lang] = order_pdf(order, lang)
        queue_email(
            to=email,
            template="order_confirmation",
            context={**_order_context(order), "user": user},
            language=lang,
            organization=order.account,
            attachments=[
                Attachment(f"{order.number}.pdf", "application/pdf", pdfs[lang]),
            ],
        )


@transaction.atomic
def retry_order(actor: Actor, order: Order) -> Order:
    """Put a failed order back in the queue; provisioning runs again at once."""
    if not permissions.can(actor, "order.create", order.account):
        raise Forbidden(_("You are not allowed to retry this order."))
    updated = Order.objects.filter(id=order.id, status=Order.Status.FAILED).update(
        status=Order.Status.CONFIRMED, failure_reason=""
    )
    if not updated:
        raise Conflict(_("Only a failed order can be retried."))
    order.refresh_from_db()
    record(actor, "order.retried", organization=order.account, target=order, changes={})
    _enqueue_provisioning(order.id, timezone.now())
    return order


# ---- provisioning ------------------------------------------------------------------------


def provision_order(order_id: str) -> str:
    """The background job: build what the order bought, all or nothing.

    Claims the order (confirmed -> provisioning) with a conditional UPDATE so that two workers
    never provision it twice; on failure rolls everything back and marks it failed.
    """
    with transaction.atomic():
        claimed = Order.objects.filter(id=order_id, status=Order.Status.CONFIRMED).update(
            status=Order.Status.PROVISIONING, attempts=F("attempts") + 1
        )
    if not claimed:
        return "skipped"
    order = Order.objects.select_related("account", "account__parent").get(id=order_id)
    try:
        with transaction.atomic():
            _build(order)
    except ProvisioningFailed as exc:
        _fail(order, str(exc))
        return "failed"
    except Exception as exc:
        log.exception("provisioning of order %s failed", order.number)
        _fail(
            order, _("Provisioning failed unexpectedly: %(error)s") % {"error": type(exc).__name__}
        )
        return "failed"
    return "completed"


def _today() -> dt.date:
    return timezone.now().astimezone(zoneinfo.ZoneInfo(settings.OPERATOR_TIME_ZONE)).date()


def _build(order: Order) -> None:
    system = Actor.system()
    account = order.account
    items = list(order.items.all())
    new_package: BasePackage | None = None
    created_sites: list[SiteProduct] = []
    credentials: list[tuple[SiteProduct, str, str]] = []
    for it in items:
        if it.kind == "base_package":
            entry = pricing.item(it.item) or {}
            new_package = BasePackage.objects.create(
                account=account,
                number=f"BP-{next_value('base_packages'):06d}",
                name=it.params.get("name") or pricing.name(entry),
                start_date=_today(),
                monthly_fee=it.unit_price,
                currency=it.currency,
            )
            OrderItem.objects.filter(id=it.id).update(base_package=new_package)
    for it in items:
        if it.kind == "base_package":
            continue
        package = it.base_package or new_package
        if package is None or package.account_id != account.id:
            raise ProvisioningFailed(_("The base package of an item no longer exists."))
        found = pricing.item(it.item)
        if found is None:
            raise ProvisioningFailed(
                _("The item %(item)s is no longer in the catalog.") % {"item": it.item}
            )
        entry = found
        if it.kind in pricing.RESOURCE_KINDS:
            for _n in range(it.quantity):
                Resource.objects.create(
                    base_package=package,
                    kind=it.kind,
                    item=it.item,
                    name=pricing.name(entry, "en"),
                    quantity=int(entry.get("quantity", 0)) if it.kind == "parallel_calls" else 0,
                    amount=Decimal(str(entry["amount"])) if it.kind == "budget" else None,
                    period=entry.get("period", "") if it.kind == "budget" else "",
                    scope=entry.get("scope", "") if it.kind == "flatrate" else "",
                    monthly_price=it.unit_price,
                    currency=it.currency,
                )
        elif it.kind == "site_product":
            site, password = _build_site(order, it, package, entry)
            created_sites.append(site)
            credentials.append((site, site.username, password))
    order.status = Order.Status.COMPLETED
    order.provisioned_at = timezone.now()
    order.failure_reason = ""
    order.save(update_fields=["status", "provisioned_at", "failure_reason"])
    record(
        system,
        "order.completed",
        organization=account,
        target=order,
        changes={
            "site_products": [s.id for s in created_sites],
            "base_package": new_package.id if new_package else None,
        },
    )
    admins = account_admins(account)
    for site, username, password in credentials:
        for admin in admins:
            _send_credential_link(site, admin, username, password)
    for admin in admins:
        queue_email(
            to=admin.email,
            template="site_product_available",
            context={
                "user": admin,
                "order": order,
                "account": account,
                "sites": created_sites,
                "package": new_package,
                "link": f"{settings.BASE_URL}/accounts/{account.id}/",
            },
            language=language_for(admin, account),
            organization=account,
        )
    notify(
        admins,
        organization=account,
        kind="order.completed",
        text=_("Order %(number)s is provisioned; the new services are available.")
        % {"number": order.number},
        link=f"/accounts/{account.id}/",
    )


def _build_site(
    order: Order, it: OrderItem, package: BasePackage, entry: dict[str, Any]
) -> tuple[SiteProduct, str]:
    s = it.params["site"]
    count = int(it.params["numbers"])
    username = f"cd{secrets.randbelow(10**10):010d}"
    site = SiteProduct.objects.create(
        base_package=package,
        name=s["name"],
        street=s["street"],
        postal_code=s["postal_code"],
        city=s["city"],
        country=s["country"],
        monthly_fee=pricing.price(entry),
        number_fee=pricing.price(entry, "number_price"),
        currency=it.currency,
        username=username,
        order=order,
    )
    conn = entry.get("ip_connection") or {}
    for _attempt in range(5):
        try:
            with transaction.atomic():
                IpConnection.objects.create(
                    site_product=site,
                    type=conn.get("type", "FTTH"),
                    bandwidth=conn.get("bandwidth", "100 Mbit/s"),
                    access_identifier=f"AK{secrets.randbelow(10**12):012d}",
                )
            break
        except IntegrityError:  # an access identifier collision: draw another
            continue
    _allocate_numbers(site, package, count, s["country"])
    password = secrets.token_urlsafe(18)  # 144 bits from the OS CSPRNG
    return site, password


def _allocate_numbers(site: SiteProduct, package: BasePackage, count: int, country: str) -> None:
    free = list(
        PhoneNumber.objects.select_for_update(skip_locked=True)
        .filter(account__isnull=True, country=country)
        .order_by("e164")
        .values_list("id", flat=True)[:count]
    )
    if len(free) < count:
        raise ProvisioningFailed(
            _(
                "The number pool for %(country)s is exhausted: %(needed)d numbers needed, "
                "%(free)d free."
            )
            % {"country": country, "needed": count, "free": len(free)}
        )
    taken = PhoneNumber.objects.filter(id__in=free, account__isnull=True).update(
        account=package.account,
        base_package=package,
        site_product=site,
        usage=PhoneNumber.Usage.UNASSIGNED,
        is_new=True,
        allocated_at=timezone.now(),
    )
    if taken != count:
        raise ProvisioningFailed(_("Numbers were taken concurrently; retry the order."))


def _fernet(raw_token: str) -> Fernet:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{raw_token}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _send_credential_link(site: SiteProduct, user: User, username: str, password: str) -> None:
    raw = secrets.token_urlsafe(32)
    CredentialLink.objects.create(
        site_product=site,
        user=user,
        token_hash=hash_secret(raw),
        ciphertext=_fernet(raw).encrypt(orjson.dumps({"username": username, "password": password})),
        expires_at=timezone.now() + CREDENTIAL_LINK_LIFETIME,
    )
    account = site.base_package.account
    queue_email(
        to=user.email,
        template="credentials_link",
        context={
            "user": user,
            "site": site,
            "account": account,
            "link": f"{settings.BASE_URL}/credentials?token={raw}",
            "days": CREDENTIAL_LINK_LIFETIME.days,
        },
        language=language_for(user, account),
        organization=account,
    )


def _fail(order: Order, reason: str) -> None:
    with transaction.atomic():
        Order.objects.filter(id=order.id).update(
            status=Order.Status.FAILED, failure_reason=reason[:500]
        )
        order.refresh_from_db()
        account = order.account
        record(
            Actor.system(),
            "order.failed",
            organization=account,
            target=order,
            changes={"reason": reason[:500]},
        )
        recipients = partner_admins(account)
        if order.ordered_by is not None and all(
            u.id != order.ordered_by.id for u, _o in recipients
        ):
            recipients.append((order.ordered_by, order.ordered_by_organization))
        for user, org in recipients:
            queue_email(
                to=user.email,
                template="order_failed",
                context={
                    "user": user,
                    "order": order,
                    "account": account,
                    "reason": reason,
                    "link": f"{settings.BASE_URL}/orders/{order.id}",
                },
                language=language_for(user, org),
                organization=account,
            )
        notify(
            [u for u, _o in recipients],
            organization=account,
            kind="order.failed",
            text=_("Order %(number)s for %(account)s failed: %(reason)s")
            % {"number": order.number, "account": account.name, "reason": reason},
            link=f"/orders/{order.id}",
        )


# ---- credential links --------------------------------------------------------------------


def credential_link(raw_token: str) -> CredentialLink | None:
    """The usable link for a raw token, or None (unknown, used or expired)."""
    if not raw_token or len(raw_token) > 100:
        return None
    link = (
        CredentialLink.objects.select_related("site_product", "site_product__base_package")
        .filter(token_hash=hash_secret(raw_token))
        .first()
    )
    if link is None or link.used_at is not None or link.expires_at <= timezone.now():
        return None
    return link


@transaction.atomic
def reveal_credentials(raw_token: str) -> dict[str, str] | None:
    """Show the credentials once: decrypt, then erase the ciphertext and mark the link used
    (a conditional UPDATE, so two clicks cannot both see them)."""
    link = credential_link(raw_token)
    if link is None or link.ciphertext is None:
        return None
    used = CredentialLink.objects.filter(id=link.id, used_at__isnull=True).update(
        used_at=timezone.now(), ciphertext=None
    )
    if not used:
        return None
    try:
        data = orjson.loads(_fernet(raw_token).decrypt(bytes(link.ciphertext)))
    except InvalidToken:
        return None
    record(
        None,
        "contract.credentials_viewed",
        organization=link.site_product.base_package.account,
        target=link.site_product,
        changes={"user": link.user_id},
    )
    return {
        "username": data["username"],
        "password": data["password"],
        "site": link.site_product.name,
    }


def purge_expired_credential_links() -> int:
    return CredentialLink.objects.filter(
        expires_at__lte=timezone.now(), ciphertext__isnull=False
    ).update(ciphertext=None)


# ---- phone numbers -----------------------------------------------------------------------


@transaction.atomic
def acknowledge_number(actor: Actor, number: PhoneNumber) -> PhoneNumber:
    """Stop highlighting a newly provisioned number."""
    permissions.require(actor, "phone_number.manage", number.account)
    if number.is_new:
        PhoneNumber.objects.filter(id=number.id).update(is_new=False, version=F("version") + 1)
        number.refresh_from_db()
        record(
            actor,
            "contract.number_acknowledged",
            organization=number.account,
            target=number,
            changes={"e164": number.e164},
        )
    return number


@transaction.atomic
def acknowledge_all(actor: Actor, account: Organization) -> int:
    permissions.require(actor, "phone_number.manage", account)
    n = PhoneNumber.objects.filter(account=account, is_new=True).update(
        is_new=False, version=F("version") + 1
    )
    if n:
        record(
            actor,
            "contract.numbers_acknowledged",
            organization=account,
            target=account,
            changes={"count": n},
        )
    return n


@transaction.atomic
def set_number_usage(
    actor: Actor, number: PhoneNumber, usage: str, user_id: str | None = None
) -> PhoneNumber:
    """Assign a number: unassigned, to the SIP trunk, or to a user's cloud-PBX seat (the user
    must belong to the number's account)."""
    account = number.account
    permissions.require(actor, "phone_number.manage", account)
    if usage not in PhoneNumber.Usage.values:
        raise ValidationFailed.field("usage", _("Choose unassigned, SIP trunk or cloud PBX seat."))
    user = None
    if usage == PhoneNumber.Usage.CLOUD_PBX:
        if not user_id:
            raise ValidationFailed.field("user_id", _("Choose the user of the seat."))
        m = (
            Membership.objects.filter(organization=account, user_id=user_id)
            .select_related("user")
            .first()
        )
        if m is None:
            raise ValidationFailed.field("user_id", _("This user is not a user of the account."))
        user = m.user
    elif user_id:
        raise ValidationFailed.field("user_id", _("Only a cloud PBX seat has a user."))
    locked = PhoneNumber.objects.select_for_update().get(id=number.id)
    before = {"usage": locked.usage, "user": locked.user_id}
    locked.usage = usage
    locked.user = user
    locked.version += 1
    locked.save(update_fields=["usage", "user", "version"])
    record(
        actor,
        "contract.number_assigned",
        organization=account,
        target=locked,
        changes={
            "usage": {"before": before["usage"], "after": usage},
            "user": {"before": before["user"], "after": user.id if user else None},
        },
    )
    return locked


# ---- the number pool -----------------------------------------------------------------------


def parse_block(start: str, count: int) -> tuple[list[str], str]:
    """Validate a block of `count` consecutive numbers from `start` (E.164); returns the
    numbers and their country."""
    if not isinstance(count, int) or not 1 <= count <= MAX_BLOCK:
        raise ValidationFailed.field(
            "count", _("Enter a count from 1 to %(max)d.") % {"max": MAX_BLOCK}
        )
    start = (start or "").strip().replace(" ", "")
    if not start.startswith("+") or not start[1:].isdigit() or len(start) > 16:
        raise ValidationFailed.field(
            "start", _("Enter the first number in E.164 form, e.g. +493012345600.")
        )
    numbers = []
    first = int(start[1:])
    region = ""
    for i in range(count):
        candidate = f"+{first + i}"
        try:
            parsed = phonenumbers.parse(candidate, None)
        except phonenumbers.NumberParseException:
            raise ValidationFailed.field(
                "start", _("%(n)s is not a valid phone number.") % {"n": candidate}
            ) from None
        if not phonenumbers.is_valid_number(parsed) or len(candidate) > 16:
            raise ValidationFailed.field(
                "start", _("%(n)s is not a valid phone number.") % {"n": candidate}
            )
        r = phonenumbers.region_code_for_number(parsed) or ""
        if region and r != region:
            raise ValidationFailed.field("count", _("A block must stay within one country."))
        region = r
        numbers.append(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))
    return numbers, region


@transaction.atomic
def load_number_block(actor: Actor, start: str, count: int) -> int:
    """Load a block of numbers into the operator's pool. Numbers are unique platform-wide:
    a block overlapping existing numbers is refused as a whole (409)."""
    permissions.require(actor, "number_pool.manage")
    if not (actor.is_system or actor.is_operator):
        raise Forbidden(_("Only the operator manages the number pool."))
    numbers, country = parse_block(start, count)
    taken = list(PhoneNumber.objects.filter(e164__in=numbers).values_list("e164", flat=True)[:5])
    if taken:
        raise Conflict(
            _("These numbers exist already: %(numbers)s") % {"numbers": ", ".join(taken)}
        )
    block = f"{numbers[0]}+{count}"
    try:
        with transaction.atomic():
            PhoneNumber.objects.bulk_create(
                [PhoneNumber(e164=n, country=country, block=block) for n in numbers]
            )
    except IntegrityError:
        raise Conflict(_("Some of these numbers were loaded concurrently.")) from None
    record(
        actor,
        "contract.number_block_loaded",
        organization=actor.organization,
        target_type="contracts.numberblock",
        target_id=block,
        changes={"start": numbers[0], "count": count, "country": country},
    )
    return count
