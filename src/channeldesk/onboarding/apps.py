from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnboardingConfig(AppConfig):
    name = "channeldesk.onboarding"
    label = "onboarding"

    def ready(self) -> None:
        from channeldesk.core import navigation, panels
        from channeldesk.onboarding.panels import drafts_panel

        panels.register("partner_dashboard", "onboarding/panel_drafts.html", drafts_panel, order=10)
        navigation.register(
            "onboarding:start", _("New onboarding"), "onboarding.manage", ("operator", "reseller")
        )
