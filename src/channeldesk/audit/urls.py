from django.urls import include, path

from channeldesk.audit import views

audit_patterns = [path("", views.audit_list, name="list")]

urlpatterns = [path("audit/", include((audit_patterns, "audit")))]
