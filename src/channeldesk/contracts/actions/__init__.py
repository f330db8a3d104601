"""Contract actions (one audited transaction each): orders, provisioning, phone numbers, the
number pool, credential links."""

from channeldesk.contracts.actions.common import (
    CREDENTIAL_LINK_LIFETIME,
    MAX_BLOCK,
    MAX_NUMBERS_PER_SITE,
    MAX_SITES_PER_ORDER,
    STALE_CLAIM,
    ProvisioningFailed,
    account_admins,
    partner_admins,
    provisioning_time,
)
from channeldesk.contracts.actions.credentials import (
    credential_link,
    purge_expired_credential_links,
    reissue_credentials,
    reveal_credentials,
)
from channeldesk.contracts.actions.numbers import (
    acknowledge_all,
    acknowledge_number,
    set_number_usage,
)
from channeldesk.contracts.actions.orders import place_order, retry_order
from channeldesk.contracts.actions.pool import load_number_block, parse_block
from channeldesk.contracts.actions.provisioning import provision_order, sweep_stale_claims

__all__ = [
    "CREDENTIAL_LINK_LIFETIME",
    "MAX_BLOCK",
    "MAX_NUMBERS_PER_SITE",
    "MAX_SITES_PER_ORDER",
    "STALE_CLAIM",
    "ProvisioningFailed",
    "account_admins",
    "acknowledge_all",
    "acknowledge_number",
    "credential_link",
    "load_number_block",
    "parse_block",
    "partner_admins",
    "place_order",
    "provision_order",
    "provisioning_time",
    "purge_expired_credential_links",
    "reissue_credentials",
    "retry_order",
    "reveal_credentials",
    "set_number_usage",
    "sweep_stale_claims",
]
