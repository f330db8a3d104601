"""Demo telephony: the first customer runs a cloud PBX with a small numbering plan, devices, a
main-menu attendant, a welcome greeting and emergency numbers; the second has an OXO Connect."""

from __future__ import annotations

from typing import Any

from channeldesk.contracts.models import PhoneNumber, SiteProduct
from channeldesk.telephony import actions
from channeldesk.telephony.models import VoiceEquipment
from channeldesk.tenancy.models import Membership


def extend(ctx: Any) -> None:
    if not ctx.accounts or VoiceEquipment.objects.filter(account=ctx.accounts[0]).exists():
        return
    actor = ctx.system
    account = ctx.accounts[0]
    actions.declare_equipment(actor, account, kind="cloud_pbx", name="Headquarters")
    actions.create_range(actor, account, first="200", last="299", label="Staff")
    actions.create_range(actor, account, first="800", last="819", label="Services")
    # The account's own numbers and sites (contracts' demo ran before: apps are in order).
    numbers = list(
        PhoneNumber.objects.filter(account=account, usage=PhoneNumber.Usage.UNASSIGNED)
        .order_by("e164")
        .values_list("e164", flat=True)[:4]
    )
    site = SiteProduct.objects.filter(base_package__account=account).order_by("id").first()
    if site is not None:
        actions.create_emergency(actor, account, site_product_id=site.id, number="112")
        actions.create_emergency(
            actor,
            account,
            site_product_id=site.id,
            number="110",
            caller_location=f"{site.address}, reception",
        )
    members = list(
        Membership.objects.filter(organization=account).select_related("user").order_by("id")
    )
    for i, m in enumerate(members[:3]):
        number = f"2{i + 1:02d}"
        actions.create_extension(
            actor,
            account,
            number=number,
            kind="user",
            user_id=m.user.id,
            phone_number=numbers[i + 1] if i + 1 < len(numbers) else None,
        )
        mac = "00:80:9F:{:02X}:{:02X}:{:02X}".format(*ctx.rnd.sample(range(256), 3))
        actions.create_device(
            actor, account, model="ALE-300 DeskPhone", mac=mac, user_id=m.user.id, extension=number
        )
    actions.create_extension(actor, account, number="801", kind="group", name="Sales")
    actions.create_extension(actor, account, number="802", kind="group", name="Support")
    hours = {d: {"open": "08:00", "close": "18:00"} for d in ("mon", "tue", "wed", "thu", "fri")}
    attendant = actions.create_attendant(
        actor,
        account,
        name="Main menu",
        greeting="Welcome. Press 1 for sales, 2 for support.",
        business_hours=hours,
        menu={"1": "801", "2": "802"},
        timeout_seconds=10,
        timeout_destination="802",
    )
    actions.create_extension(
        actor,
        account,
        number="800",
        kind="attendant",
        attendant_id=attendant.id,
        phone_number=numbers[0] if numbers else None,
    )
    actions.create_welcome(actor, account, greeting="Thank you for calling.", enabled=True)
    if len(ctx.accounts) > 1:
        actions.declare_equipment(actor, ctx.accounts[1], kind="oxo_connect")
