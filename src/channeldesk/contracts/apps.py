from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "channeldesk.contracts"
    label = "contracts"
