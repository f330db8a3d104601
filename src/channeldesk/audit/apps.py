from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "channeldesk.audit"
    label = "audit"
