from django.urls import include, path

from channeldesk.onboarding import views

onboarding_patterns = [
    path("new", views.start, name="start"),
    path("new/<str:platform>/", views.new, name="new"),
    path("regions", views.region_options, name="regions"),
    path("<str:onboarding_id>/", views.resume, name="resume"),
    path("<str:onboarding_id>/complete", views.complete, name="complete"),
    path("<str:onboarding_id>/delete", views.delete, name="delete"),
    path("<str:onboarding_id>/<str:step>", views.step, name="step"),
]

urlpatterns = [
    path("onboarding/", include((onboarding_patterns, "onboarding"))),
]
