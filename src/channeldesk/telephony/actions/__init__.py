"""Telephony changes (product.md §9). Every function is one audited transaction.

Numbering changes (ranges, extensions, devices, attendants, emergency numbers, the plan itself)
first lock the account's NumberingPlan row, so overlap and collision checks are never raced;
unique constraints back the same rules up (IntegrityError -> 409)."""

from channeldesk.telephony.actions.attendants import (
    ATTENDANT_NAME_TAKEN,
    WELCOME_EXISTS,
    attendant_snapshot,
    create_attendant,
    create_welcome,
    delete_attendant,
    delete_welcome,
    update_attendant,
    update_welcome,
    welcome_snapshot,
)
from channeldesk.telephony.actions.common import (
    DECLARE,
    MANAGE,
    NO_CLOUD_PBX,
    is_cloud,
    locked_plan,
)
from channeldesk.telephony.actions.devices import (
    MAC_TAKEN,
    create_device,
    delete_device,
    device_snapshot,
    update_device,
)
from channeldesk.telephony.actions.emergency import (
    EMERGENCY_TAKEN,
    create_emergency,
    delete_emergency,
    emergency_snapshot,
    update_emergency,
)
from channeldesk.telephony.actions.equipment import (
    declare_equipment,
    equipment_snapshot,
    remove_equipment,
    update_equipment,
)
from channeldesk.telephony.actions.numbering import (
    create_extension,
    create_range,
    delete_extension,
    delete_range,
    extension_snapshot,
    range_snapshot,
    update_extension,
    update_plan,
    update_range,
)

__all__ = [
    "ATTENDANT_NAME_TAKEN",
    "DECLARE",
    "EMERGENCY_TAKEN",
    "MAC_TAKEN",
    "MANAGE",
    "NO_CLOUD_PBX",
    "WELCOME_EXISTS",
    "attendant_snapshot",
    "create_attendant",
    "create_device",
    "create_emergency",
    "create_extension",
    "create_range",
    "create_welcome",
    "declare_equipment",
    "delete_attendant",
    "delete_device",
    "delete_emergency",
    "delete_extension",
    "delete_range",
    "delete_welcome",
    "device_snapshot",
    "emergency_snapshot",
    "equipment_snapshot",
    "extension_snapshot",
    "is_cloud",
    "locked_plan",
    "range_snapshot",
    "remove_equipment",
    "update_attendant",
    "update_device",
    "update_emergency",
    "update_equipment",
    "update_extension",
    "update_plan",
    "update_range",
    "update_welcome",
    "welcome_snapshot",
]
