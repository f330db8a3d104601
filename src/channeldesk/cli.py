"""`channeldesk` command: the Django management commands under one name.

channeldesk migrate | init | serve | worker | demo | token create | catalog load | ...
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "channeldesk.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["channeldesk", *sys.argv[1:]])


if __name__ == "__main__":
    main()
