from django.core.management.base import BaseCommand, CommandError

from channeldesk.core.errors import DomainError
from channeldesk.tenancy.actions import init_operator


class Command(BaseCommand):
    help = "Create the operator organization and its first operator_admin (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--operator", required=True, help="operator organization name")
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--name", default="")

    def handle(self, *args, **o):
        try:
            org, user, created = init_operator(
                name=o["operator"], email=o["email"], password=o["password"], user_name=o["name"]
            )
        except DomainError as exc:
            raise CommandError(exc.detail) from None
        self.stdout.write(
            f"{'created' if created else 'already there'}: operator {org.name} ({org.id}), admin {user.email}"
        )
