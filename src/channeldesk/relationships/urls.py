from django.urls import include, path

from channeldesk.relationships import views

patterns = [
    path("partner/define", views.define_partner, name="define"),
    path("partner/search", views.search, name="search"),
    path("notifications/requests/", views.requests_page, name="requests"),
    path("notifications/requests/<str:invitation_id>/resend", views.resend, name="resend"),
    path("notifications/requests/<str:invitation_id>/cancel", views.cancel, name="cancel"),
    path("notifications/requests/<str:invitation_id>/accept", views.accept, name="accept"),
    path("notifications/requests/<str:invitation_id>/decline", views.decline, name="decline"),
    path("conversations/contact", views.contact, name="contact"),
    path("conversations/<str:conversation_id>/", views.conversation, name="conversation"),
    path("conversations/<str:conversation_id>/read", views.read_thread, name="read"),
    path("accounts/<str:account_id>/partner-history", views.history, name="history"),
]

urlpatterns = [path("", include((patterns, "relationships")))]
