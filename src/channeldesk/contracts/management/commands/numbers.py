from django.core.management.base import BaseCommand, CommandError

from channeldesk.contracts import actions
from channeldesk.core.errors import DomainError
from channeldesk.tenancy.actor import Actor


class Command(BaseCommand):
    help = "Number pool: channeldesk numbers load --start +493012345600 --count 100"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="op", required=True)
        load = sub.add_parser("load")
        load.add_argument("--start", required=True, help="first number, E.164")
        load.add_argument("--count", required=True, type=int)

    def handle(self, *args, **o):
        try:
            n = actions.load_number_block(Actor.system(), o["start"], o["count"])
        except DomainError as exc:
            raise CommandError(exc.detail) from None
        self.stdout.write(f"{n} numbers loaded into the pool")
