from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "channeldesk.catalog"
    label = "catalog"
