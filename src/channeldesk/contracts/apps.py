import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "channeldesk.contracts"
    label = "contracts"

    def ready(self) -> None:
        from channeldesk.billing import sources
        from channeldesk.contracts import actions, billing_source, panels, rendering
        from channeldesk.core import jobs, navigation
        from channeldesk.core import panels as core_panels
        from channeldesk.notifications import outbox

        sources.register(billing_source.SOURCE, billing_source.base_package_drafts)
        outbox.register_renderer(rendering.PDF_RENDERER, rendering.render_confirmation)
        jobs.register(
            "contracts.sweep_stale_provisioning",
            dt.timedelta(minutes=5),
            actions.sweep_stale_claims,
        )
        jobs.register(
            "contracts.purge_credential_links",
            dt.timedelta(hours=1),
            actions.purge_expired_credential_links,
        )
        core_panels.register(
            "account_page", "contracts/panel_base_packages.html", panels.base_packages, order=30
        )
        core_panels.register(
            "account_page", "contracts/panel_orders.html", panels.order_data, order=35
        )
        navigation.register(
            "contracts:number_pool", _("Number pool"), "number_pool.manage", ("operator",)
        )
