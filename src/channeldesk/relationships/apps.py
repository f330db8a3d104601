from django.apps import AppConfig


class RelationshipsConfig(AppConfig):
    name = "channeldesk.relationships"
    label = "relationships"
