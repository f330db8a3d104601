from django.urls import include, path

from channeldesk.api.main import api

# Each app's urls.py contributes its pages; every route must have an entry in the
# authorization matrix (tests/security/matrix.py) or the build fails.
urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("channeldesk.identity.urls")),
    path("", include("channeldesk.tenancy.urls")),
    path("", include("channeldesk.accounts.urls")),
    path("", include("channeldesk.audit.urls")),
    path("", include("channeldesk.notifications.urls")),
    path("", include("channeldesk.onboarding.urls")),
    path("", include("channeldesk.relationships.urls")),
    path("", include("channeldesk.subscriptions.urls")),
    path("", include("channeldesk.contracts.urls")),
    path("", include("channeldesk.billing.urls")),
    path("", include("channeldesk.telephony.urls")),
]

handler404 = "channeldesk.core.views.not_found"
handler403 = "channeldesk.core.views.forbidden"
handler500 = "channeldesk.core.views.server_error"
