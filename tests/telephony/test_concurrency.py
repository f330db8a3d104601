"""Numbering invariants hold under concurrent requests (real threads, real database)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import close_old_connections

from channeldesk.core.errors import Conflict
from channeldesk.telephony import actions
from channeldesk.telephony.models import Device, Extension, ExtensionRange

N = 4


def race(calls: list[Callable[[], object]]) -> list[str]:
    """Run the calls at once in threads; 'ok' or 'conflict' per call (anything else fails)."""
    barrier = threading.Barrier(len(calls))
    results: list[str] = [""] * len(calls)

    def run(i: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            call()
            results[i] = "ok"
        except Conflict:
            results[i] = "conflict"
        except Exception as exc:
            results[i] = f"error: {exc!r}"
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(results)


@pytest.mark.django_db(transaction=True)
def test_concurrent_overlapping_ranges_and_duplicate_extensions(world):
    account = world.a.customer
    actor = world.actor("site_admin")
    actions.declare_equipment(world.actor("partner_admin"), account, kind="cloud_pbx")
    bounds = [("200", "299"), ("250", "349"), ("150", "260"), ("100", "250")]  # all hold 250
    results = race(
        [
            (lambda f=f, lst=lst: actions.create_range(actor, account, first=f, last=lst))
            for f, lst in bounds
        ]
    )
    assert results == ["conflict"] * (N - 1) + ["ok"]
    assert ExtensionRange.objects.filter(account=account).count() == 1
    r = ExtensionRange.objects.get(account=account)
    number = r.first
    results = race(
        [
            (
                lambda i=i: actions.create_extension(
                    actor, account, number=number, kind="group", name=f"G{i}"
                )
            )
            for i in range(N)
        ]
    )
    assert results == ["conflict"] * (N - 1) + ["ok"]
    assert Extension.objects.filter(account=account, number=number).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_same_mac_in_two_accounts(world):
    operator = world.actor("operator_admin")
    accounts = [world.a.customer, world.b.customer, world.a.sibling_customer, world.direct_customer]
    for acc in accounts:
        actions.declare_equipment(operator, acc, kind="cloud_pbx")
    results = race(
        [
            (
                lambda acc=acc: actions.create_device(
                    operator, acc, model="X", mac="02:AA:BB:CC:DD:EE"
                )
            )
            for acc in accounts
        ]
    )
    assert results == ["conflict"] * (N - 1) + ["ok"]
    assert Device.objects.filter(mac="02:AA:BB:CC:DD:EE").count() == 1
