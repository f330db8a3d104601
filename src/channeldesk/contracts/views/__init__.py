"""The contracts' pages (one module per use case)."""

from channeldesk.contracts.views.numbers import (
    number_acknowledge,
    number_assign,
    numbers,
    numbers_acknowledge_all,
    numbers_csv,
)
from channeldesk.contracts.views.orders import (
    order_detail,
    order_new,
    order_retry,
    site_credentials,
)
from channeldesk.contracts.views.other import credentials, number_pool

__all__ = [
    "credentials",
    "number_acknowledge",
    "number_assign",
    "number_pool",
    "numbers",
    "numbers_acknowledge_all",
    "numbers_csv",
    "order_detail",
    "order_new",
    "order_retry",
    "site_credentials",
]
