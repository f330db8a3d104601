import datetime as dt

from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "channeldesk.identity"
    label = "identity"

    def ready(self) -> None:
        from channeldesk.core import jobs
        from channeldesk.identity import erasure, signin

        jobs.register(
            "identity.prune_signin_addresses", dt.timedelta(hours=6), signin.prune_addresses
        )
        jobs.register("identity.purge_removed_users", dt.timedelta(hours=1), erasure.purge_due)
