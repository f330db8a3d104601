"""/accounts/{id}/voice-equipment, devices, extensions, auto-attendants, welcome-service,
emergency-numbers (api.md "Telephony"), plus numbering-plan and extension-ranges."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpResponse
from ninja import Router

from channeldesk.core.etag import check_if_match
from channeldesk.core.pagination import keyset
from channeldesk.telephony import actions, queries
from channeldesk.telephony import schemas as s

router = Router(tags=["telephony"])

ACC = "/accounts/{account_id}"


def _page(qs, out: Callable[[Any], dict], limit: int, cursor: str | None) -> dict:
    page = keyset(qs, order=["id"], limit=limit, cursor=cursor)
    return {"items": [out(x) for x in page.items], "next_cursor": page.next_cursor}


def _tagged(response: HttpResponse, body: dict) -> dict:
    response["ETag"] = body["etag"]
    return body


def _ctx(request, account_id: str, *, cloud: bool = False):
    """The account (404/403); `cloud`: lists answer 409 without a cloud PBX. Writes check
    the permission first (403) and the cloud PBX in the action (409)."""
    account = queries.get_account(request.auth, account_id)
    if cloud:
        queries.require_plan(account)
    return account


# ---- voice equipment --------------------------------------------------------------------


@router.get(f"{ACC}/voice-equipment", response=s.EquipmentList)
def equipment_list(request, account_id: str, limit: int = 50, cursor: str | None = None):
    account = _ctx(request, account_id)
    return _page(queries.equipment(request.auth, account), queries.equipment_out, limit, cursor)


@router.post(f"{ACC}/voice-equipment", response={201: s.EquipmentOut})
def equipment_create(request, account_id: str, payload: s.EquipmentIn):
    account = _ctx(request, account_id)
    eq = actions.declare_equipment(request.auth, account, **payload.dict())
    return 201, queries.equipment_out(eq)


def _equipment(request, account_id: str, item_id: str):
    account = _ctx(request, account_id)
    return queries.item(queries.equipment(request.auth, account), item_id, "Voice equipment")


@router.get(f"{ACC}/voice-equipment/{{item_id}}", response=s.EquipmentOut)
def equipment_get(request, response: HttpResponse, account_id: str, item_id: str):
    return _tagged(response, queries.equipment_out(_equipment(request, account_id, item_id)))


@router.patch(f"{ACC}/voice-equipment/{{item_id}}", response=s.EquipmentOut)
def equipment_patch(
    request, response: HttpResponse, account_id: str, item_id: str, payload: s.EquipmentPatch
):
    eq = _equipment(request, account_id, item_id)
    check_if_match(request, eq.etag)
    eq = actions.update_equipment(request.auth, eq, **payload.dict(exclude_unset=True))
    return _tagged(response, queries.equipment_out(eq))


@router.delete(f"{ACC}/voice-equipment/{{item_id}}", response={204: None})
def equipment_delete(request, account_id: str, item_id: str):
    actions.remove_equipment(request.auth, _equipment(request, account_id, item_id))
    return 204, None


# ---- numbering plan and ranges ----------------------------------------------------------


@router.get(f"{ACC}/numbering-plan", response=s.PlanOut)
def plan_get(request, response: HttpResponse, account_id: str):
    plan = queries.require_plan(_ctx(request, account_id))
    return _tagged(response, queries.plan_out(plan))


@router.patch(f"{ACC}/numbering-plan", response=s.PlanOut)
def plan_patch(request, response: HttpResponse, account_id: str, payload: s.PlanPatch):
    account = _ctx(request, account_id)
    plan = queries.plan_of(account)
    if plan is not None:
        check_if_match(request, plan.etag)
    plan = actions.update_plan(request.auth, account, extension_length=payload.extension_length)
    return _tagged(response, queries.plan_out(plan))


@router.get(f"{ACC}/extension-ranges", response=s.RangeList)
def range_list(request, account_id: str, limit: int = 50, cursor: str | None = None):
    account = _ctx(request, account_id, cloud=True)
    return _page(queries.ranges(request.auth, account), queries.range_out, limit, cursor)


@router.post(f"{ACC}/extension-ranges", response={201: s.RangeOut})
def range_create(request, account_id: str, payload: s.RangeIn):
    r = actions.create_range(request.auth, _ctx(request, account_id), **payload.dict())
    return 201, queries.range_out(r)


def _range(request, account_id: str, item_id: str):
    account = _ctx(request, account_id)
    return queries.item(queries.ranges(request.auth, account), item_id, "Extension range")


@router.get(f"{ACC}/extension-ranges/{{item_id}}", response=s.RangeOut)
def range_get(request, response: HttpResponse, account_id: str, item_id: str):
    return _tagged(response, queries.range_out(_range(request, account_id, item_id)))


@router.patch(f"{ACC}/extension-ranges/{{item_id}}", response=s.RangeOut)
def range_patch(
    request, response: HttpResponse, account_id: str, item_id: str, payload: s.RangePatch
):
    r = _range(request, account_id, item_id)
    check_if_match(request, r.etag)
    r = actions.update_range(request.auth, r, **payload.dict(exclude_unset=True))
    return _tagged(response, queries.range_out(r))


@router.delete(f"{ACC}/extension-ranges/{{item_id}}", response={204: None})
def range_delete(request, account_id: str, item_id: str):
    actions.delete_range(request.auth, _range(request, account_id, item_id))
    return 204, None


# ---- extensions -------------------------------------------------------------------------


@router.get(f"{ACC}/extensions", response=s.ExtensionList)
def extension_list(request, account_id: str, limit: int = 50, cursor: str | None = None):
    account = _ctx(request, account_id, cloud=True)
    return _page(queries.extensions(request.auth, account), queries.extension_out, limit, cursor)


@router.post(f"{ACC}/extensions", response={201: s.ExtensionOut})
def extension_create(request, account_id: str, payload: s.ExtensionIn):
    e = actions.create_extension(request.auth, _ctx(request, account_id), **payload.dict())
    return 201, queries.extension_out(e)


def _ext(request, account_id: str, item_id: str):
    account = _ctx(request, account_id)
    return queries.item(queries.extensions(request.auth, account), item_id, "Extension")


@router.get(f"{ACC}/extensions/{{item_id}}", response=s.ExtensionOut)
def extension_get(request, response: HttpResponse, account_id: str, item_id: str):
    return _tagged(response, queries.extension_out(_ext(request, account_id, item_id)))


@router.patch(f"{ACC}/extensions/{{item_id}}", response=s.ExtensionOut)
def extension_patch(
    request, response: HttpResponse, account_id: str, item_id: str, payload: s.ExtensionPatch
):
    e = _ext(request, account_id, item_id)
    check_if_match(request, e.etag)
    e = actions.update_extension(request.auth, e, **payload.dict(exclude_unset=True))
    return _tagged(response, queries.extension_out(e))


@router.delete(f"{ACC}/extensions/{{item_id}}", response={204: None})
def extension_delete(request, account_id: str, item_id: str):
    actions.delete_extension(request.auth, _ext(request, account_id, item_id))
    return 204, None


# ---- devices ----------------------------------------------------------------------------


@router.get(f"{ACC}/devices", response=s.DeviceList)
def device_list(request, account_id: str, limit: int = 50, cursor: str | None = None):
    account = _ctx(request, account_id, cloud=True)
    return _page(queries.devices(request.auth, account), queries.device_out, limit, cursor)


@router.post(f"{ACC}/devices", response={201: s.DeviceOut})
def device_create(request, account_id: str, payload: s.DeviceIn):
    d = actions.create_device(request.auth, _ctx(request, account_id), **payload.dict())
    return 201, queries.device_out(d)


def _device(request, account_id: str, item_id: str):
    account = _ctx(request, account_id)
    return queries.item(queries.devices(request.auth, account), item_id, "Device")


@router.get(f"{ACC}/devices/{{item_id}}", response=s.DeviceOut)
def device_get(request, response: HttpResponse, account_id: str, item_id: str):
    return _tagged(response, queries.device_out(_device(request, account_id, item_id)))


@router.patch(f"{ACC}/devices/{{item_id}}", response=s.DeviceOut)
def device_patch(
    request, response: HttpResponse, account_id: str, item_id: str, payload: s.DevicePatch
):
    d = _device(request, account_id, item_id)
    check_if_match(request, d.etag)
    d = actions.update_device(request.auth, d, **payload.dict(exclude_unset=True))
    return _tagged(response, queries.device_out(d))


@router.delete(f"{ACC}/devices/{{item_id}}", response={204: None})
def device_delete(request, account_id: str, item_id: str):
    actions.delete_device(request.auth, _device(request, account_id, item_id))
    return 204, None


# ---- automated attendants ---------------------------------------------------------------


@router.get(f"{ACC}/auto-attendants", response=s.AttendantList)
def attendant_list(request, account_id: str, limit: int = 50, cursor: str | None = None):
    account = _ctx(request, account_id, cloud=True)
    return _page(queries.attendants(request.auth, account), queries.attendant_out, limit, cursor)


def _attendant(request, account_id: str, item_id: str):
    account = _ctx(request, account_id)
    return queries.item(queries.attendants(request.auth, account), item_id, "Attendant")


@router.post(f"{ACC}/auto-attendants", response={201: s.AttendantOut})
def attendant_create(request, account_id: str, payload: s.AttendantIn):
    a = actions.create_attendant(request.auth, _ctx(request, account_id), **payload.dict())
    return 201, queries.attendant_out(_attendant(request, account_id, a.id))


@router.get(f"{ACC}/auto-attendants/{{item_id}}", response=s.AttendantOut)
def attendant_get(request, response: HttpResponse, account_id: str, item_id: str):
    return _tagged(response, queries.attendant_out(_attendant(request, account_id, item_id)))


@router.patch(f"{ACC}/auto-attendants/{{item_id}}", response=s.AttendantOut)
def attendant_patch(
    request, response: HttpResponse, account_id: str, item_id: str, payload: s.AttendantPatch
):
    a = _attendant(request, account_id, item_id)
    check_if_match(request, a.etag)
    actions.update_attendant(request.auth, a, **payload.dict(exclude_unset=True))
    return _tagged(response, queries.attendant_out(_attendant(request, account_id, item_id)))


@router.delete(f"{ACC}/auto-attendants/{{item_id}}", response={204: None})
def attendant_delete(request, account_id: str, item_id: str):
    actions.delete_attendant(request.auth, _attendant(request, account_id, item_id))
    return 204, None


# ---- welcome service --------------------------------------------------------------------


@router.get(f"{ACC}/welcome-service", response=s.WelcomeList)
def welcome_list(request, account_id: str, limit: int = 50, cursor: str | None = None):
    account = _ctx(request, account_id, cloud=True)
    return _page(queries.welcome(request.auth, account), queries.welcome_out, limit, cursor)


@router.post(f"{ACC}/welcome-service", response={201: s.WelcomeOut})
def welcome_create(request, account_id: str, payload: s.WelcomeIn):
    w = actions.create_welcome(request.auth, _ctx(request, account_id), **payload.dict())
    return 201, queries.welcome_out(w)


def _welcome(request, account_id: str, item_id: str):
    account = _ctx(request, account_id)
    return queries.item(queries.welcome(request.auth, account), item_id, "Welcome service")


@router.get(f"{ACC}/welcome-service/{{item_id}}", response=s.WelcomeOut)
def welcome_get(request, response: HttpResponse, account_id: str, item_id: str):
    return _tagged(response, queries.welcome_out(_welcome(request, account_id, item_id)))


@router.patch(f"{ACC}/welcome-service/{{item_id}}", response=s.WelcomeOut)
def welcome_patch(
    request, response: HttpResponse, account_id: str, item_id: str, payload: s.WelcomePatch
):
    w = _welcome(request, account_id, item_id)
    check_if_match(request, w.etag)
    w = actions.update_welcome(request.auth, w, **payload.dict(exclude_unset=True))
    return _tagged(response, queries.welcome_out(w))


@router.delete(f"{ACC}/welcome-service/{{item_id}}", response={204: None})
def welcome_delete(request, account_id: str, item_id: str):
    actions.delete_welcome(request.auth, _welcome(request, account_id, item_id))
    return 204, None


# ---- emergency numbers ------------------------------------------------------------------


@router.get(f"{ACC}/emergency-numbers", response=s.EmergencyList)
def emergency_list(request, account_id: str, limit: int = 50, cursor: str | None = None):
    account = _ctx(request, account_id, cloud=True)
    return _page(queries.emergency(request.auth, account), queries.emergency_out, limit, cursor)


@router.post(f"{ACC}/emergency-numbers", response={201: s.EmergencyOut})
def emergency_create(request, account_id: str, payload: s.EmergencyIn):
    n = actions.create_emergency(request.auth, _ctx(request, account_id), **payload.dict())
    return 201, queries.emergency_out(n)


def _emergency(request, account_id: str, item_id: str):
    account = _ctx(request, account_id)
    return queries.item(queries.emergency(request.auth, account), item_id, "Emergency number")


@router.get(f"{ACC}/emergency-numbers/{{item_id}}", response=s.EmergencyOut)
def emergency_get(request, response: HttpResponse, account_id: str, item_id: str):
    return _tagged(response, queries.emergency_out(_emergency(request, account_id, item_id)))


@router.patch(f"{ACC}/emergency-numbers/{{item_id}}", response=s.EmergencyOut)
def emergency_patch(
    request, response: HttpResponse, account_id: str, item_id: str, payload: s.EmergencyPatch
):
    n = _emergency(request, account_id, item_id)
    check_if_match(request, n.etag)
    n = actions.update_emergency(request.auth, n, **payload.dict(exclude_unset=True))
    return _tagged(response, queries.emergency_out(n))


@router.delete(f"{ACC}/emergency-numbers/{{item_id}}", response={204: None})
def emergency_delete(request, account_id: str, item_id: str):
    actions.delete_emergency(request.auth, _emergency(request, account_id, item_id))
    return 204, None
