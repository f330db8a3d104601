"""The scheduled billing run: it bills the previous month of the operator's time zone, once."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from channeldesk.billing import actions
from channeldesk.billing.models import BillingRun, Invoice
from channeldesk.core import jobs
from tests.contracts import factories as cf

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def test_previous_period_is_the_operators_last_month(settings):
    settings.OPERATOR_TIME_ZONE = "Europe/Berlin"
    # 1 December 00:30 in Berlin is still 30 November in UTC: November is over in Berlin.
    just_after = dt.datetime(2026, 12, 1, 0, 30, tzinfo=BERLIN).astimezone(dt.UTC)
    assert actions.previous_period(just_after) == "2026-11"
    just_before = dt.datetime(2026, 11, 30, 23, 30, tzinfo=BERLIN).astimezone(dt.UTC)
    assert actions.previous_period(just_before) == "2026-10"
    assert actions.previous_period(dt.datetime(2027, 1, 15, 12, tzinfo=dt.UTC)) == "2026-12"
    settings.OPERATOR_TIME_ZONE = "America/New_York"
    assert actions.previous_period(just_after) == "2026-10"  # still November in New York


def test_monthly_job_bills_the_previous_month_once(world, settings):
    settings.OPERATOR_TIME_ZONE = "Europe/Berlin"
    assert jobs.JOBS["billing.monthly_run"].func is actions.monthly_job
    assert jobs.JOBS["billing.monthly_run"].every == dt.timedelta(hours=1)
    first = cf.base_package(world.a.customer, name="Contract 1", start=dt.date(2026, 1, 1))
    now = dt.datetime(2026, 12, 1, 0, 30, tzinfo=BERLIN).astimezone(dt.UTC)

    result = actions.monthly_job(now)
    assert result is not None and result.period == "2026-11" and result.issued == 1
    assert Invoice.objects.filter(key=first.id, period="2026-11").exists()
    run = BillingRun.objects.get(period="2026-11")
    assert run.finished_at is not None and run.issued == 1

    # The hourly check comes again: the period has run, so it is skipped, even though a new
    # contract would now be billable for it.
    late = cf.base_package(world.a.customer, name="Contract 2", start=dt.date(2026, 11, 1))
    assert actions.monthly_job(now + dt.timedelta(hours=1)) is None
    assert not Invoice.objects.filter(key=late.id).exists()

    # A run by hand still bills what is missing, and the count adds up instead of being reset.
    assert actions.run_billing("2026-11").issued == 1
    assert actions.run_billing("2026-11").issued == 0
    assert BillingRun.objects.get(period="2026-11").issued == 2

    # A month later the job bills December.
    result = actions.monthly_job(dt.datetime(2027, 1, 1, 6, tzinfo=BERLIN))
    assert result is not None and result.period == "2026-12" and result.issued == 2


def test_the_worker_runs_the_job(world, run_worker):
    cf.base_package(world.a.customer, name="Contract", start=dt.date(2020, 1, 1))
    run_worker()
    period = actions.previous_period()
    run = BillingRun.objects.get(period=period)
    assert run.finished_at is not None and run.issued >= 1
