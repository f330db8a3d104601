from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    name = "channeldesk.subscriptions"
    label = "subscriptions"
