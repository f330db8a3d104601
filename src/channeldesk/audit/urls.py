from django.urls import include, path

from channeldesk.audit import views

audit_patterns = [
    path("", views.audit_list, name="list"),
    path("webhooks/", views.webhooks_view, name="webhooks"),
    path("webhooks/<str:webhook_id>/delete", views.webhook_delete_view, name="webhook-delete"),
]

urlpatterns = [path("audit/", include((audit_patterns, "audit")))]
