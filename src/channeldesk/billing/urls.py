from django.urls import include, path

from channeldesk.billing import views

app_patterns = [
    path("invoices/", views.invoice_list, name="invoices"),
    path("invoices/<str:invoice_id>", views.invoice_detail, name="invoice_detail"),
    path("invoices/<str:invoice_id>/pdf", views.invoice_pdf, name="invoice_pdf"),
]

urlpatterns = [path("", include((app_patterns, "billing")))]
