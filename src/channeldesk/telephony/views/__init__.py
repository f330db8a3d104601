"""The account's Telephony page and its changes."""

from channeldesk.telephony.views.changes import (
    delete,
    edit,
    equipment_add,
    equipment_delete,
    save,
)
from channeldesk.telephony.views.page import page, panel_context

__all__ = ["delete", "edit", "equipment_add", "equipment_delete", "page", "panel_context", "save"]
