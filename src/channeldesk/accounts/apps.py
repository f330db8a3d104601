from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "channeldesk.accounts"
    label = "accounts"
