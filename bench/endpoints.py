"""The measured endpoints (issue 8), shared by the runner, the query counter and the baseline."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote


@dataclass(frozen=True)
class Endpoint:
    name: str
    principal: str  # key in the principals file; "search" rotates the partner-search tokens
    path: str  # may contain {account} and {q}
    html: bool = False
    optional: bool = False  # measured only when the app serves it (200)

    def url_path(self, principals: dict) -> str:
        return self.path.format(
            account=principals["sample_account_id"],
            q=quote(principals["accounts_q"]),
            pq=quote(principals["partners_q"]),
        )


ENDPOINTS = [
    Endpoint("accounts reseller", "reseller", "/api/v1/accounts?limit=50"),
    Endpoint("accounts distributor", "distributor", "/api/v1/accounts?limit=50"),
    Endpoint("accounts operator", "operator", "/api/v1/accounts?limit=50"),
    Endpoint("accounts q= reseller", "reseller", "/api/v1/accounts?limit=50&q={q}"),
    Endpoint("accounts q= distributor", "distributor", "/api/v1/accounts?limit=50&q={q}"),
    Endpoint("accounts q= operator", "operator", "/api/v1/accounts?limit=50&q={q}"),
    Endpoint("account detail", "reseller", "/api/v1/accounts/{account}"),
    Endpoint("partner search", "search", "/api/v1/partners/search?q={pq}"),
    Endpoint("subscriptions active", "reseller", "/api/v1/subscriptions?status=active&limit=50"),
    Endpoint("accounts HTML page", "reseller", "/accounts/", html=True),
]
