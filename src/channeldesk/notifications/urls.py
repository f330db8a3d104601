from django.urls import include, path

from channeldesk.notifications import views

patterns = [
    path("", views.notification_list, name="list"),
    path("read", views.mark_all_read, name="read-all"),
    path("<str:notification_id>/open", views.open_notification, name="open"),
    path("outbox/", views.outbox_list, name="outbox"),
    path("outbox/<str:email_id>", views.outbox_detail, name="outbox-detail"),
]

urlpatterns = [path("notifications/", include((patterns, "notifications")))]
