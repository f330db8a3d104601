from django.urls import include, path

from channeldesk.telephony import views

telephony_patterns = [
    path("", views.page, name="page"),
    path("equipment", views.equipment_add, name="equipment-add"),
    path("equipment/<str:item_id>/delete", views.equipment_delete, name="equipment-delete"),
    path("<str:thing>", views.save, name="save"),
    path("<str:thing>/<str:item_id>/delete", views.delete, name="delete"),
    path("<str:thing>/<str:item_id>/edit", views.edit, name="edit"),
]

urlpatterns = [
    path("accounts/<str:account_id>/telephony/", include((telephony_patterns, "telephony"))),
]
