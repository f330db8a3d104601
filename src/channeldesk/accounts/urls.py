from django.urls import include, path

from channeldesk.accounts import views

account_patterns = [
    path("", views.account_list, name="list"),
    path("new", views.account_create, name="create"),
    path("subdivisions", views.subdivisions, name="subdivisions"),
    path("problem-reports/", views.problem_report_queue, name="problem-report-queue"),
    path(
        "problem-reports/<str:report_id>/resolve",
        views.problem_report_resolve,
        name="problem-report-resolve",
    ),
    path("<str:account_id>/", views.account_detail, name="detail"),
    path("<str:account_id>/info", views.account_info, name="info"),
    path("<str:account_id>/edit", views.account_edit, name="edit"),
    path("<str:account_id>/contacts/add", views.contact_add, name="contact-add"),
    path(
        "<str:account_id>/contacts/<str:contact_id>/edit", views.contact_edit, name="contact-edit"
    ),
    path(
        "<str:account_id>/contacts/<str:contact_id>/remove",
        views.contact_remove,
        name="contact-remove",
    ),
    path(
        "<str:account_id>/integrations/<str:key>",
        views.integration_toggle,
        name="integration-toggle",
    ),
    path("<str:account_id>/call-services", views.call_services, name="call-services"),
    path("<str:account_id>/problem-reports", views.problem_reports, name="problem-reports"),
    path("<str:account_id>/deactivate", views.account_deactivate, name="deactivate"),
    path("<str:account_id>/reactivate", views.account_reactivate, name="reactivate"),
    path("<str:account_id>/delete", views.account_delete, name="delete"),
    path("<str:account_id>/restore", views.account_restore, name="restore"),
]

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("accounts/", include((account_patterns, "accounts"))),
]
