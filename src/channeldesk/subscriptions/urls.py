from django.urls import include, path

from channeldesk.subscriptions import views

subscription_patterns = [
    path("", views.subscription_list, name="list"),
    path("export.csv", views.subscription_export, name="export"),
    path("new", views.subscription_create, name="create"),
    path("customers", views.customer_matches, name="customers"),
    path("<str:subscription_id>/", views.subscription_detail, name="detail"),
    path("<str:subscription_id>/quantity", views.subscription_quantity, name="quantity"),
    path("<str:subscription_id>/settings", views.subscription_settings, name="settings"),
    path("<str:subscription_id>/auto-renew", views.subscription_auto_renew, name="auto_renew"),
    path("<str:subscription_id>/suspend", views.subscription_suspend, name="suspend"),
    path("<str:subscription_id>/reactivate", views.subscription_reactivate, name="reactivate"),
    path("<str:subscription_id>/cancel", views.subscription_cancel, name="cancel"),
    path("<str:subscription_id>/licenses", views.license_assign, name="assign"),
    path("<str:subscription_id>/licenses/csv", views.license_csv, name="assign_csv"),
    path(
        "<str:subscription_id>/licenses/<str:user_id>/unassign",
        views.license_unassign,
        name="unassign",
    ),
]

patterns = [
    path("subscriptions/", include(subscription_patterns)),
    path("licenses/", views.my_licenses, name="my_licenses"),
    path("accounts/<str:account_id>/licenses", views.account_licenses, name="account_licenses"),
]

urlpatterns = [path("", include((patterns, "subscriptions")))]
