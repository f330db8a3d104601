"""Define partner (type-ahead), issued/received requests, conversations, dashboard panels."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from channeldesk.core.errors import DomainError, Forbidden, NotFound, RateLimited, ValidationFailed
from channeldesk.core.htmx import is_htmx, render_page
from channeldesk.core.pagination import keyset
from channeldesk.core.web import actor_required
from channeldesk.relationships import actions, queries
from channeldesk.relationships.models import InvitationStatus
from channeldesk.tenancy import permissions, reach
from channeldesk.tenancy.roles import Kind

TABS = ("received", "issued")


def _cursor_page(qs, request, order):
    try:
        return keyset(qs, order=order, limit=25, cursor=request.GET.get("cursor"))
    except DomainError:
        return keyset(qs, order=order, limit=25)


# ---- panels on shared pages ------------------------------------------------------------------


def customer_panel(request, account) -> dict | None:
    actor = request.actor
    if not permissions.can(actor, "invitation.view"):
        return None
    partner = reach.partner_of(actor)
    conversation = None
    if partner is not None and permissions.can(actor, "conversation.view"):
        conversation = queries.conversation_for_account(actor, account)
    return {
        "partner": partner,
        "conversation": conversation,
        "can_contact": partner is not None and permissions.can(actor, "conversation.post"),
        "can_define": permissions.can(actor, "invitation.issue"),
        "pending": queries.pending_invitation_for(actor, account),
        "history": list(queries.links(actor, account).order_by("-id")[:3]),
    }


def partner_panel(request, org) -> dict | None:
    actor = request.actor
    if actor.kind not in (Kind.RESELLER, Kind.DISTRIBUTOR) or not permissions.can(
        actor, "invitation.view"
    ):
        return None
    received = queries.invitations(actor, direction="received", status="pending")
    return {
        "received": list(received.order_by("-id")[:5]),
        "can_define": actor.kind == Kind.RESELLER and permissions.can(actor, "invitation.issue"),
    }


def account_panel(request, account) -> dict | None:
    actor = request.actor
    if not actor.is_partner or account.parent_id != actor.organization.id:
        return None
    if not permissions.can(actor, "conversation.view"):
        return None
    return {
        "account": account,
        "conversation": queries.conversation_for_account(actor, account),
        "can_contact": permissions.can(actor, "conversation.post"),
    }


# ---- define partner ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@actor_required
def define_partner(request):
    """Customer account: pick a reseller by typing its name. Reseller: pick a distributor ("become
    a reseller of this dealer") or invite an existing customer account by its id."""
    actor = request.actor
    permissions.require(actor, "invitation.issue", actor.organization)
    if actor.kind not in (Kind.CUSTOMER, Kind.RESELLER):
        raise Forbidden("Only customer accounts and resellers look for a partner.")
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            if request.POST.get("account_id"):
                target = queries.invitable_account(actor, request.POST["account_id"].strip())
                inv = actions.send_invitation(actor, account=target)
            else:
                partner_id = request.POST.get("partner_id", "")
                if not partner_id:
                    raise ValidationFailed.field("partner_id", _("Choose a partner from the list."))
                inv = actions.send_invitation(
                    actor, partner=queries.listed_partner(actor, partner_id)
                )
        except NotFound:
            field = "account_id" if request.POST.get("account_id") else "partner_id"
            errors[field] = (
                _("No customer account with this ID.")
                if field == "account_id"
                else _("Choose a partner from the list.")
            )
        except (RateLimited, Forbidden):
            raise
        except DomainError as exc:
            field = exc.errors[0].field if exc.errors else "partner_id"
            errors[field if field in ("account_id", "partner_id") else "partner_id"] = (
                exc.errors[0].message if exc.errors else exc.detail
            )
        else:
            messages.success(
                request,
                _("Your invitation has been sent to %(org)s. You will be notified of the answer.")
                % {"org": inv.recipient.name},
            )
            return redirect(f"{_requests_url()}?tab=issued")
    return render(
        request,
        "relationships/define.html",
        {
            "errors": errors,
            "as_reseller": actor.kind == Kind.RESELLER,
            "pending": queries.pending_invitation_for(actor, actor.organization),
            "q": request.POST.get("q", ""),
        },
        status=422 if errors else 200,
    )


def _requests_url() -> str:
    from django.urls import reverse

    return reverse("relationships:requests")


@require_GET
@actor_required
def search(request):
    """HTMX type-ahead: at most 10 listed partners by name prefix (≥2 characters)."""
    actor = request.actor
    permissions.require(actor, "invitation.issue", actor.organization)
    q = request.GET.get("q", "")[:100]
    results, hint = [], ""
    try:
        results = queries.directory_search(actor, q)
    except ValidationFailed:
        hint = _("Type at least 2 characters.")
    except RateLimited as exc:
        response = render(
            request,
            "relationships/search_results.html",
            {"results": [], "hint": _("Too many searches, wait a moment."), "q": q},
            status=429,
        )
        response["Retry-After"] = str(exc.retry_after)
        return response
    if not results and not hint:
        hint = _("No listed partner starts with these letters.")
    return render(
        request, "relationships/search_results.html", {"results": results, "hint": hint, "q": q}
    )


# ---- issued / received requests -------------------------------------------------------------


@require_GET
@actor_required
def requests_page(request):
    actor = request.actor
    tab = request.GET.get("tab", "received")
    if tab not in TABS:
        tab = "received"
    status = request.GET.get("status") or None
    if status not in (None, *InvitationStatus.values):
        status = None
    qs = queries.invitations(actor, direction=tab, status=status)
    return render_page(
        request,
        "relationships/requests.html",
        {
            "tab": tab,
            "status": status or "",
            "statuses": InvitationStatus.choices,
            "page": _cursor_page(qs, request, ["-id"]),
            "can_define": actor.kind in (Kind.CUSTOMER, Kind.RESELLER)
            and permissions.can(actor, "invitation.issue"),
            "counts": {
                t: queries.invitations(actor, direction=t, status="pending").count() for t in TABS
            },
        },
        partial="list",
    )


def _act(request, invitation_id: str, fn, done: str, tab: str):
    actor = request.actor
    inv = queries.invitation(actor, invitation_id)
    try:
        fn(actor, inv)
    except RateLimited as exc:
        messages.error(request, exc.detail)
        response = redirect(f"{_requests_url()}?tab={tab}")
        response["Retry-After"] = str(exc.retry_after)
        return response
    except DomainError as exc:
        if isinstance(exc, NotFound | Forbidden):
            raise
        messages.error(request, exc.detail)
    else:
        messages.success(request, done)
    return redirect(f"{_requests_url()}?tab={tab}")


@require_POST
@actor_required
def resend(request, invitation_id: str):
    return _act(
        request,
        invitation_id,
        actions.resend_invitation,
        _("The invitation was sent again."),
        "issued",
    )


@require_POST
@actor_required
def cancel(request, invitation_id: str):
    return _act(
        request,
        invitation_id,
        actions.cancel_invitation,
        _("The invitation was cancelled."),
        "issued",
    )


@require_POST
@actor_required
def decline(request, invitation_id: str):
    return _act(
        request,
        invitation_id,
        actions.decline_invitation,
        _("You declined the request."),
        "received",
    )


@require_http_methods(["GET", "POST"])
@actor_required
def accept(request, invitation_id: str):
    """Accepting changes a partner: typed confirmation (quality.md 12)."""
    actor = request.actor
    inv = queries.invitation(actor, invitation_id)
    error = ""
    if request.method == "POST":
        if request.POST.get("confirm", "").strip() != inv.account.name:
            error = _("Type the name of the account to confirm.")
        else:
            return _act(
                request,
                invitation_id,
                actions.accept_invitation,
                _("Accepted: %(partner)s is now the partner of %(account)s.")
                % {"partner": inv.partner.name, "account": inv.account.name},
                "received",
            )
    return render(
        request,
        "relationships/accept.html",
        {"inv": inv, "error": error},
        status=422 if error else 200,
    )


# ---- conversations ---------------------------------------------------------------------------


@require_POST
@actor_required
def contact(request):
    """Open (or create) the conversation of an account with its partner and go there."""
    actor = request.actor
    account_id = request.POST.get("account_id") or actor.organization.id
    account = reach.organization_in_reach(actor, account_id, kinds=(Kind.CUSTOMER,))
    permissions.require(actor, "conversation.view")
    conv = queries.conversation_for_account(actor, account)
    if conv is None:
        try:
            conv = actions.open_conversation(actor, account)
        except DomainError as exc:
            if isinstance(exc, NotFound | Forbidden):
                raise
            messages.error(request, exc.detail)
            return redirect("dashboard")
    return redirect("relationships:conversation", conversation_id=conv.id)


@require_http_methods(["GET", "POST"])
@actor_required
def conversation(request, conversation_id: str):
    actor = request.actor
    conv = queries.conversation(actor, conversation_id)
    error = ""
    text = ""
    if request.method == "POST":
        text = request.POST.get("text", "")
        try:
            actions.post_message(actor, conv, text)
        except (RateLimited, Forbidden):
            raise
        except DomainError as exc:
            if isinstance(exc, NotFound):
                raise
            error = exc.errors[0].message if exc.errors else exc.detail
        else:
            text = ""
            if not is_htmx(request):
                return redirect("relationships:conversation", conversation_id=conv.id)
    thread = list(queries.messages(actor, conv).order_by("-id")[:100])
    thread.reverse()
    own = actor.organization.id
    return render_page(
        request,
        "relationships/conversation.html",
        {
            "conv": conv,
            "thread": thread,
            "own_org": own,
            "other": conv.partner if own == conv.account_id else conv.account,
            "can_post": own in (conv.account_id, conv.partner_id)
            and permissions.can(actor, "conversation.post"),
            "error": error,
            "text": text,
        },
        partial="thread",
        status=422 if error else 200,
    )
