"""A tour of the whole UI as each role sees it, in a real browser (Chromium), on the demo tree.

For every role the pages in its navigation and the main detail pages are visited; each page
must load without console errors (CSP violations included), every form control must have an
accessible name, and a screenshot is saved (tests/artifacts/screenshots/tour-*.png). The partner
admin and the account admin are toured again in German and Dutch, checking that key labels are
translated."""

from __future__ import annotations

import re

import pytest

from channeldesk.core.management.commands.demo import DEMO_PASSWORD, build
from channeldesk.identity.models import User
from tests.conftest import screenshot

UNLABELLED_JS = """() => {
  const out = [];
  for (const el of document.querySelectorAll(
      'input:not([type=hidden]), select, textarea')) {
    if (el.closest('[hidden]')) continue;
    const named = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')
      || (el.labels && el.labels.length) || el.getAttribute('title');
    if (!named) out.push(el.outerHTML.slice(0, 120));
  }
  return out;
}"""

INLINE_STYLE_JS = (
    "() => [...document.querySelectorAll('[style]')].map(e => e.outerHTML.slice(0, 100))"
)

# Labels that must not stay English on German / Dutch pages (checked where they appear).
ENGLISH_LEAKS = ["Sign out", "Subscriptions", "Notifications", "Save", "Search", "Cancel"]


def _slug(text: str) -> str:
    text = re.sub(r"[0-9A-Z]{26}", "id", text)  # ids vary per run; names should not
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:48]


class Tour:
    def __init__(self, browser, live_server):
        self.browser = browser
        self.base = live_server.url
        self.problems: list[str] = []
        self.shots: list[str] = []

    def session(self, email: str):
        ctx = self.browser.new_context(viewport={"width": 1280, "height": 860}, base_url=self.base)
        page = ctx.new_page()
        page.set_default_timeout(15000)
        page.tour_errors = []  # type: ignore[attr-defined]

        def on_console(m):
            if m.type == "error":
                page.tour_errors.append(f"{m.text} @ {m.location.get('url')}")

        page.on("console", on_console)
        page.on("pageerror", lambda e: page.tour_errors.append(f"pageerror {e}"))
        page.goto("/auth/login")
        page.locator("#id_email").fill(email)
        page.locator("#id_password").fill(DEMO_PASSWORD)
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_url(lambda url: "/auth/login" not in url)
        return page

    def visit(self, page, prefix: str, path: str, lang: str = "en", optional=False) -> None:
        """Visit one page; `optional` pages may be refused (403) to this role."""
        response = page.goto(path)
        where = f"{prefix} {path}"
        if optional and response is not None and response.status == 403:
            page.tour_errors.clear()  # the browser logs the refused load
            return
        if response is None or response.status >= 400:
            self.problems.append(f"{where}: HTTP {response and response.status}")
            return
        page.wait_for_load_state("load")
        for err in page.tour_errors:
            self.problems.append(f"{where}: console: {err}")
        page.tour_errors.clear()
        for el in page.evaluate(UNLABELLED_JS):
            self.problems.append(f"{where}: unlabelled control {el}")
        for el in page.evaluate(INLINE_STYLE_JS):
            self.problems.append(f"{where}: inline style {el}")
        if lang != "en":
            text = page.locator("body").inner_text()
            for word in ENGLISH_LEAKS:
                if re.search(rf"\b{re.escape(word)}\b", text):
                    self.problems.append(f"{where}: English '{word}' on a {lang} page")
        name = f"tour-{prefix}-{_slug(path) or 'home'}"
        screenshot(page, name)
        self.shots.append(name)

    def first_href(self, page, pattern: str) -> str | None:
        for href in page.eval_on_selector_all(
            "main a[href]", "els => els.map(e => e.getAttribute('href'))"
        ):
            if re.fullmatch(pattern, href or ""):
                return href
        return None

    def nav_paths(self, page) -> list[str]:
        page.goto("/")
        return page.eval_on_selector_all(
            "header nav a[href]", "els => els.map(e => e.getAttribute('href'))"
        )


ID = r"[A-Za-z0-9_-]+"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_role_tours_its_pages(browser, live_server):
    logins = build(n_accounts=8)
    by_role = {role: email for role, email, _org in logins}
    # Everyone starts in English; the German/Dutch tours switch the user's language.
    User.objects.update(language="en")
    tour = Tour(browser, live_server)

    roles = [
        ("operator", by_role["operator_admin"]),
        ("distributor", by_role["partner_admin (distributor)"]),
        ("partner", by_role["partner_admin (reseller)"]),
        ("account", by_role["account_admin"]),
        ("site", by_role["site_admin"]),
        ("member", by_role["member"]),
    ]
    account_path = None
    for prefix, email in roles:
        page = tour.session(email)
        paths = tour.nav_paths(page)
        extra = ["/", "/me", "/tokens", "/users", "/notifications/", "/notifications/requests/"]
        for path in dict.fromkeys([*paths, *extra]):
            tour.visit(page, prefix, path, optional=path not in paths)
        # Detail pages, found the way a user finds them: through the lists.
        page.goto("/accounts/")
        acc = (
            tour.first_href(page, rf"/accounts/{ID}/") if page.url.endswith("/accounts/") else None
        )
        if acc is None and prefix in ("account", "site", "member"):
            acc = account_path
        if acc:
            account_path = account_path or acc
            tour.visit(page, prefix, acc)
            for sub in ("phone-numbers", "telephony/"):
                target = f"{acc}{sub}" if acc.endswith("/") else f"{acc}/{sub}"
                tour.visit(page, prefix, target, optional=True)
            order = tour.first_href(page, rf"/orders/{ID}")
            page.goto(f"{acc}phone-numbers")
            order = order or tour.first_href(page, rf"/orders/{ID}")
            if order:
                tour.visit(page, prefix, order)
        page.goto("/subscriptions/")
        sub = tour.first_href(page, rf"/subscriptions/{ID}/")
        if sub:
            tour.visit(page, prefix, sub)
        page.goto("/invoices/")
        inv = tour.first_href(page, rf"/invoices/{ID}")
        if inv:
            tour.visit(page, prefix, inv)
        if prefix in ("operator", "distributor", "partner"):
            page.goto("/partners/")
            partner = tour.first_href(page, rf"/partners/{ID}/")
            if partner:
                tour.visit(page, prefix, partner)
            tour.visit(page, prefix, "/onboarding/new", optional=True)
        page.context.close()

    # German and Dutch, for the partner admin and the account admin.
    assert account_path
    for lang in ("de", "nl"):
        for prefix, email in (roles[2], roles[3]):
            User.objects.filter(email=email).update(language=lang)
            page = tour.session(email)
            paths = [
                "/",
                account_path,
                "/subscriptions/",
                "/notifications/",
                "/notifications/requests/",
                "/users",
                "/me",
            ]
            if prefix == "partner":
                paths.append("/onboarding/new")
            else:
                paths.append(f"{account_path}telephony/")
            for path in paths:
                tour.visit(page, f"{prefix}-{lang}", path, lang=lang)
            page.context.close()

    assert len(tour.shots) > 60
    assert not tour.problems, "\n".join(tour.problems)
