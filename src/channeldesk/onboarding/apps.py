from django.apps import AppConfig


class OnboardingConfig(AppConfig):
    name = "channeldesk.onboarding"
    label = "onboarding"
