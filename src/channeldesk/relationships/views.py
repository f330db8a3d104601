"""Define partner (type-ahead), issued/received requests, conversations, dashboard panels."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from channeldesk.core.errors import DomainError, Forbidden, NotFound, RateLimited, ValidationFailed
from channeldesk.core.htmx import is_htmx, render_page
from channeldesk.core.pagination import keyset
from channeldesk.core.web import actor_required
from channeldesk.notifications import tabs
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


def pending_count(direction: str):
    """The badge of the Received/Issued requests tab on the notifications page."""

    def count(actor) -> int:
        return queries.invitations(actor, direction=direction, status="pending").count()

    return count


def customer_panel(request, account) -> dict | None:
    """YOUR PARTNER on the customer dashboard (seed 003): the partner's address and contact
    details, Contact (the conversation) and Define partner, pending request and history."""
    actor = request.actor
    if actor.kind != Kind.CUSTOMER:
        return None
    partner = reach.partner_of(actor)
    relationships = permissions.can(actor, "invitation.view")
    conversation = None
    if partner is not None and permissions.can(actor, "conversation.view"):
        conversation = queries.conversation_for_account(actor, account)
    return {
        "partner": partner,
        "conversation": conversation,
        "can_contact": partner is not None and permissions.can(actor, "conversation.post"),
        "can_define": permissions.can(actor, "invitation.issue", account),
        "pending": queries.pending_invitation_for(actor, account) if relationships else None,
        "history": list(queries.links(actor, account).order_by("-id")[:3]) if relationships else [],
        "account": account,
    }


def partner_panel(request, org) -> dict | None:
    actor = request.actor
    if actor.kind not in (Kind.RESELLER, Kind.DISTRIBUTOR) or not permissions.can(
        actor, "invitation.view"
    ):
        return None
    received = queries.invitations(actor, direction="received", status="pending")
    parent = org.parent if actor.kind == Kind.RESELLER else None
    return {
        "received": list(received.order_by("-id")[:5]),
        "distributor": parent if parent is not None and parent.kind == Kind.DISTRIBUTOR else None,
        "can_define": actor.kind == Kind.RESELLER and permissions.can(actor, "invitation.issue"),
    }


def account_panel(request, account) -> dict | None:
    """The account page: the conversation (the current partner only) and the partner
    history (whoever reads the account's relationships)."""
    actor = request.actor
    current_partner = actor.is_partner and account.parent_id == actor.organization.id
    thread = current_partner and permissions.can(actor, "conversation.view")
    history = permissions.can(actor, "invitation.view", account)
    if not (thread or history):
        return None
    return {
        "account": account,
        "thread": thread,
        "conversation": queries.conversation_for_account(actor, account) if thread else None,
        "can_contact": thread and permissions.can(actor, "conversation.post"),
        "history": list(queries.links(actor, account).order_by("-id")[:5]) if history else [],
        "show_history": history,
    }


# ---- define partner ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@actor_required
def define_partner(request):
    """Define partner (seed 003): type the first letters, pick a match, Apply. A reseller ticks
    "Become a reseller of this dealer" (its partner is a distributor); it may also invite an
    existing customer account by its id."""
    actor = request.actor
    permissions.require(actor, "invitation.issue", actor.organization)
    if actor.kind not in (Kind.CUSTOMER, Kind.RESELLER):
        raise Forbidden("Only customer accounts and resellers look for a partner.")
    as_reseller = actor.kind == Kind.RESELLER
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            if request.POST.get("account_id"):
                target = queries.invitable_account(actor, request.POST["account_id"].strip())
                inv = actions.send_invitation(actor, account=target)
            else:
                if as_reseller and not request.POST.get("become_reseller"):
                    raise ValidationFailed.field(
                        "become_reseller",
                        _(
                            "A reseller's partner is a distributor: tick “Become a reseller "
                            "of this dealer”."
                        ),
                    )
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
            known = ("account_id", "partner_id", "become_reseller")
            errors[field if field in known else "partner_id"] = (
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
            "as_reseller": as_reseller,
            "become_reseller": bool(request.POST.get("become_reseller")),
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
            "tabs": tabs.for_actor(actor, tab),
            "query_without_cursor": "&".join(
                f"{k}={v}" for k, v in (("tab", tab), ("status", status or "")) if v
            ),
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


THREAD_PAGE = 30


@require_http_methods(["GET", "POST"])
@actor_required
def conversation(request, conversation_id: str):
    """The thread, newest page first and shown oldest to newest; "Older messages" pages back
    (keyset on the message id). Reading marks the thread read through a POST (read_thread)."""
    actor = request.actor
    conv = queries.conversation(actor, conversation_id)
    error = ""
    text = ""
    status = 200
    retry_after = None
    if request.method == "POST":
        text = request.POST.get("text", "")
        try:
            actions.post_message(actor, conv, text)
        except Forbidden:
            raise
        except RateLimited as exc:
            error, status, retry_after = exc.detail, 429, exc.retry_after
        except DomainError as exc:
            if isinstance(exc, NotFound):
                raise
            error = exc.errors[0].message if exc.errors else exc.detail
            status = 422
        else:
            text = ""
            if not is_htmx(request):
                return redirect("relationships:conversation", conversation_id=conv.id)
    cursor = request.GET.get("cursor") if request.method == "GET" else None
    page = _cursor_page_of(queries.messages(actor, conv), cursor)
    thread = list(reversed(page.items))
    own = actor.organization.id
    response = render_page(
        request,
        "relationships/conversation.html",
        {
            "conv": conv,
            "thread": thread,
            "older_cursor": page.next_cursor,
            "paged": bool(cursor),
            "own_org": own,
            "other": conv.partner if own == conv.account_id else conv.account,
            "can_post": own in (conv.account_id, conv.partner_id)
            and permissions.can(actor, "conversation.post"),
            "unread": queries.unread_in_thread(actor, conv),
            "error": error,
            "text": text,
        },
        partial="thread",
        status=status,
    )
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def _cursor_page_of(qs, cursor):
    try:
        return keyset(qs, order=["-id"], limit=THREAD_PAGE, cursor=cursor)
    except DomainError:
        return keyset(qs, order=["-id"], limit=THREAD_PAGE)


@require_POST
@actor_required
def read_thread(request, conversation_id: str):
    """Opening a thread reads it. The thread page posts here when it loads (HTMX), or the
    reader presses "Mark as read" without JavaScript."""
    actor = request.actor
    conv = queries.conversation(actor, conversation_id)
    actions.mark_thread_read(actor, conv)
    if is_htmx(request):
        return HttpResponse(status=204)
    return redirect("relationships:conversation", conversation_id=conv.id)


# ---- partner history ---------------------------------------------------------------------------


@require_GET
@actor_required
def history(request, account_id: str):
    """Every partner link of an account: previous partner, new partner, who asked, when. Only
    within reach: a partner that lost the account gets 404."""
    actor = request.actor
    account = queries.history_account(actor, account_id)
    return render_page(
        request,
        "relationships/history.html",
        {
            "account": account,
            "page": _cursor_page(queries.partner_history(actor, account), request, ["-id"]),
            "query_without_cursor": "",
        },
        partial="list",
    )
