"""Background work of contracts: provisioning an order after its delay."""

from __future__ import annotations

from django.tasks import task


@task
def provision_order_task(order_id: str) -> str:
    from channeldesk.contracts.actions import provision_order

    return provision_order(order_id)
