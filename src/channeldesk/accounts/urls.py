from django.urls import include, path

from channeldesk.accounts import views

account_patterns = [
    path("", views.account_list, name="list"),
    path("new", views.account_create, name="create"),
    path("subdivisions", views.subdivisions, name="subdivisions"),
    path("<str:account_id>/", views.account_detail, name="detail"),
    path("<str:account_id>/edit", views.account_edit, name="edit"),
]

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("accounts/", include((account_patterns, "accounts"))),
]
