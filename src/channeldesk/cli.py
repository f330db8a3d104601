"""`channeldesk` command: the Django management commands under one name.

channeldesk migrate | init | serve | worker | demo | token create | catalog load | ...
"""

from __future__ import annotations

import os
import sys

# Command names that are Python keywords, mapped to their management command's module.
ALIASES = {"import": "import_csv", "export": "export_csv"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "channeldesk.settings")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:]
    if args and args[0] in ALIASES:
        args[0] = ALIASES[args[0]]
    execute_from_command_line(["channeldesk", *args])


if __name__ == "__main__":
    main()
