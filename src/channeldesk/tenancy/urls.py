from django.urls import include, path

from channeldesk.tenancy import views

partner_patterns = [
    path("", views.partner_list, name="list"),
    path("new", views.partner_create, name="create"),
    path("<str:partner_id>/", views.partner_detail, name="detail"),
    path("<str:partner_id>/edit", views.partner_edit, name="edit"),
]

urlpatterns = [path("partners/", include((partner_patterns, "partners")))]
