from django.urls import include, path

from channeldesk.contracts import views

app_patterns = [
    path("accounts/<str:account_id>/phone-numbers", views.numbers, name="numbers"),
    path("accounts/<str:account_id>/phone-numbers.csv", views.numbers_csv, name="numbers_csv"),
    path(
        "accounts/<str:account_id>/phone-numbers/acknowledge",
        views.numbers_acknowledge_all,
        name="numbers_acknowledge_all",
    ),
    path(
        "phone-numbers/<str:number_id>/acknowledge",
        views.number_acknowledge,
        name="number_acknowledge",
    ),
    path("phone-numbers/<str:number_id>/assign", views.number_assign, name="number_assign"),
    path("accounts/<str:account_id>/orders/new", views.order_new, name="order_new"),
    path("orders/<str:order_id>", views.order_detail, name="order_detail"),
    path("orders/<str:order_id>/retry", views.order_retry, name="order_retry"),
    path("credentials", views.credentials, name="credentials"),
    path(
        "site-products/<str:site_id>/credentials",
        views.site_credentials,
        name="site_credentials",
    ),
    path("operator/number-pool", views.number_pool, name="number_pool"),
]

urlpatterns = [path("", include((app_patterns, "contracts")))]
