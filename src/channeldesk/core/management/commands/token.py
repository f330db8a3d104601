from django.core.management.base import BaseCommand, CommandError

from channeldesk.core.errors import DomainError
from channeldesk.identity.actions import create_token
from channeldesk.identity.models import normalize_email
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.models import Membership


class Command(BaseCommand):
    help = "API tokens: channeldesk token create --email E [--org ORG_ID] --name N [--days D]"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="op", required=True)
        create = sub.add_parser("create")
        create.add_argument("--email", required=True)
        create.add_argument(
            "--org", default=None, help="organization id (when the user has several)"
        )
        create.add_argument("--name", default="cli")
        create.add_argument("--days", type=int, default=None)

    def handle(self, *args, **o):
        qs = Membership.objects.select_related("organization", "user").filter(
            user__email=normalize_email(o["email"])
        )
        if o["org"]:
            qs = qs.filter(organization_id=o["org"])
        m = qs.first()
        if m is None:
            raise CommandError("no such user (or membership)")
        try:
            _, raw = create_token(Actor.of(m), name=o["name"], expires_in_days=o["days"])
        except DomainError as exc:
            raise CommandError(exc.detail) from None
        self.stdout.write(raw)
