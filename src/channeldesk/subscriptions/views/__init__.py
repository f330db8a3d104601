"""Reseller subscriptions console, new customer subscription dialog, subscription page with
license distribution, license pages; panels for the account page and the customer
dashboard."""

from channeldesk.subscriptions.views.console import (
    customer_matches,
    subscription_create,
    subscription_export,
    subscription_list,
)
from channeldesk.subscriptions.views.detail import (
    subscription_auto_renew,
    subscription_cancel,
    subscription_detail,
    subscription_quantity,
    subscription_reactivate,
    subscription_settings,
    subscription_suspend,
)
from channeldesk.subscriptions.views.licenses import (
    account_licenses,
    license_assign,
    license_csv,
    license_unassign,
    my_licenses,
)
from channeldesk.subscriptions.views.panels import account_panel, my_licenses_panel

__all__ = [
    "account_licenses",
    "account_panel",
    "customer_matches",
    "license_assign",
    "license_csv",
    "license_unassign",
    "my_licenses",
    "my_licenses_panel",
    "subscription_auto_renew",
    "subscription_cancel",
    "subscription_create",
    "subscription_detail",
    "subscription_export",
    "subscription_list",
    "subscription_quantity",
    "subscription_reactivate",
    "subscription_settings",
    "subscription_suspend",
]
