from django.urls import path

from channeldesk.identity import views

urlpatterns = [
    path("auth/login", views.login_view, name="login"),
    path("auth/logout", views.logout_view, name="logout"),
    path("auth/set-password", views.set_password_view, name="set-password"),
    path("auth/reset", views.reset_view, name="password-reset"),
    path("language", views.set_language_view, name="set-language"),
    path("membership", views.switch_membership_view, name="switch-membership"),
    path("me", views.profile_view, name="profile"),
    path("me/export", views.export_view, name="profile-export"),
    path("tokens", views.tokens_view, name="tokens"),
    path("tokens/<str:token_id>/revoke", views.token_revoke_view, name="token-revoke"),
    path("users", views.users_view, name="users"),
    path("orgs/<str:org_id>/users", views.users_view, name="org-users"),
    path(
        "orgs/<str:org_id>/users/<str:membership_id>",
        views.user_change_view,
        name="org-user-change",
    ),
    path("healthz", views.healthz, name="healthz"),
]
