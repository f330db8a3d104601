"""Actions on the organization tree (operator and partners)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from channeldesk.audit.events import diff, record
from channeldesk.core.errors import Conflict, ValidationFailed
from channeldesk.core.etag import require_match
from channeldesk.identity.models import User, normalize_email
from channeldesk.tenancy import permissions, reach
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.models import Membership, Organization
from channeldesk.tenancy.roles import Kind, Role, Status
from channeldesk.tenancy.validation import raise_if, validate_address

PARTNER_FIELDS = (
    "name",
    "street",
    "city",
    "postal_code",
    "country",
    "subdivision",
    "phone",
    "support_email",
    "listed",
    "default_language",
)


def snapshot(org: Organization, fields: tuple[str, ...]) -> dict[str, Any]:
    return {f: getattr(org, f) for f in fields}


@transaction.atomic
def init_operator(
    *, name: str, email: str, password: str, user_name: str = ""
) -> tuple[Organization, User, bool]:
    """Create the operator organization and its first operator_admin (idempotent)."""
    from channeldesk.identity.actions import validate_new_password

    created = False
    operator = Organization.objects.filter(kind=Kind.OPERATOR).first()
    if operator is None:
        operator = Organization(kind=Kind.OPERATOR, name=name.strip(), status=Status.ACTIVE)
        operator.place_under(None)
        operator.save()
        created = True
    email = normalize_email(email)
    user = User.objects.filter(email=email).first()
    if user is None:
        validate_new_password(password)
        user = User.objects.create_user(
            email=email, name=user_name or email.split("@")[0], password=password
        )
        created = True
    if not Membership.objects.filter(user=user, organization=operator).exists():
        Membership.objects.create(user=user, organization=operator, role=Role.OPERATOR_ADMIN)
        record(
            None,
            "operator.initialised",
            organization=operator,
            target=operator,
            changes={"admin": email},
        )
        created = True
    return operator, user, created


def _clean_partner(data: dict[str, Any], *, creating: bool) -> None:
    if "name" in data or creating:
        name = (data.get("name") or "").strip()
        if not name:
            raise ValidationFailed.field("name", _("Enter a name."))
        data["name"] = name[:200]
    raise_if(validate_address(data, required=False))


@transaction.atomic
def create_partner(
    actor: Actor, *, kind: str, parent: Organization | None, **data: Any
) -> Organization:
    """A distributor or reseller. The operator places it anywhere valid; a distributor's admin
    creates resellers under itself."""
    if kind not in (Kind.DISTRIBUTOR, Kind.RESELLER):
        raise ValidationFailed.field("kind", _("Must be distributor or reseller."))
    if parent is None:
        parent = (
            actor.organization
            if not actor.is_system
            else Organization.objects.get(kind=Kind.OPERATOR)
        )
    permissions.require(actor, "partner.create", parent)
    allowed_parents: dict[str, tuple[str, ...]] = {
        Kind.DISTRIBUTOR: (Kind.OPERATOR,),
        Kind.RESELLER: (Kind.OPERATOR, Kind.DISTRIBUTOR),
    }
    if parent.kind not in allowed_parents[kind]:
        raise ValidationFailed.field(
            "parent_id", _("A %(kind)s cannot be placed there.") % {"kind": kind}
        )
    if not reach.in_reach(actor, parent):
        raise ValidationFailed.field("parent_id", _("Unknown organization."))
    _clean_partner(data, creating=True)
    org = Organization(kind=kind, **{k: v for k, v in data.items() if k in PARTNER_FIELDS})
    org.place_under(parent)
    org.save()
    record(
        actor,
        "partner.created",
        organization=org,
        target=org,
        changes=snapshot(org, PARTNER_FIELDS),
    )
    return org


@transaction.atomic
def update_partner(
    actor: Actor, org: Organization, *, if_match: str | None = None, **data: Any
) -> Organization:
    """Change a partner's profile. The row is locked and `if_match` compared under the lock,
    so concurrent updates with the same tag cannot both win (no lost update)."""
    permissions.require(actor, "partner.edit", org)
    org = Organization.objects.select_for_update().get(pk=org.pk)
    require_match(if_match, org.etag)
    _clean_partner(data, creating=False)
    before = snapshot(org, PARTNER_FIELDS)
    for k, v in data.items():
        if k in PARTNER_FIELDS:
            setattr(org, k, v)
    org.version += 1
    org.save()
    record(
        actor,
        "partner.updated",
        organization=org,
        target=org,
        changes=diff(before, snapshot(org, PARTNER_FIELDS)),
    )
    return org


@transaction.atomic
def set_partner_status(actor: Actor, org: Organization, status: str) -> Organization:
    permissions.require(actor, "partner.edit", org)
    if org.kind not in (Kind.DISTRIBUTOR, Kind.RESELLER):
        raise Conflict(_("Not a partner."))
    org = Organization.objects.select_for_update().get(pk=org.pk)
    before = org.status
    org.status = status
    org.version += 1
    org.save(update_fields=["status", "version", "updated_at"])
    record(
        actor,
        f"partner.{'deactivated' if status == Status.DEACTIVATED else 'reactivated'}",
        organization=org,
        target=org,
        changes={"status": {"before": before, "after": status}},
    )
    return org


# Which kinds of organization may sit under which (product.md §1).
ALLOWED_PARENTS: dict[str, tuple[str, ...]] = {
    Kind.DISTRIBUTOR: (Kind.OPERATOR,),
    Kind.RESELLER: (Kind.OPERATOR, Kind.DISTRIBUTOR),
    Kind.CUSTOMER: (Kind.OPERATOR, Kind.RESELLER),
}


@transaction.atomic
def move_organization(actor: Actor, org: Organization, new_parent: Organization) -> Organization:
    """Re-parent `org` under `new_parent` and rewrite `path`/`depth` of its whole subtree.

    Reach follows the materialized path, so the previous ancestors lose access the moment this
    commits. Who may move is decided by the caller (a relationship change accepted by both
    sides, relationships.actions); this is not a route of its own.
    """
    from django.db.models import F, Value
    from django.db.models.functions import Concat, Substr
    from django.utils import timezone

    from channeldesk.tenancy.models import subtree_upper

    if new_parent.kind not in ALLOWED_PARENTS.get(org.kind, ()):
        raise ValidationFailed.field("parent_id", _("The organization cannot be placed there."))
    # Lock the moving root and the new parent (ordered by id: no deadlock between two moves).
    locked = {
        o.id: o
        for o in Organization.objects.select_for_update()
        .filter(id__in=[org.id, new_parent.id])
        .order_by("id")
    }
    current, parent = locked[org.id], locked[new_parent.id]
    if parent.path.startswith(current.path):
        raise ValidationFailed.field("parent_id", _("An organization cannot move below itself."))
    before = current.parent_id
    if before == parent.id:
        return current
    old_path = current.path
    new_path = f"{parent.path}{current.id}/"
    delta = parent.depth + 1 - current.depth
    Organization.objects.filter(path__gte=old_path, path__lt=subtree_upper(old_path)).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + delta,
    )
    Organization.objects.filter(id=current.id).update(
        parent=parent, version=F("version") + 1, updated_at=timezone.now()
    )
    current.refresh_from_db()
    org.parent, org.path, org.depth, org.version = (
        current.parent,
        current.path,
        current.depth,
        current.version,
    )
    record(
        actor,
        "account.partner_changed" if org.kind == Kind.CUSTOMER else "partner.moved",
        organization=current,
        target=current,
        changes={"parent_id": {"before": before, "after": parent.id}},
    )
    return current
