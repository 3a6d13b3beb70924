#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
    # A developer's checkout (no SECRET_KEY, no DATABASE_URL) runs with DEBUG on against the embedded
    # database. Anything pointed at a real database keeps DEBUG off unless it says otherwise, so
    # commands such as load_demo can never reach production by accident.
    if not os.environ.get("SECRET_KEY") and not os.environ.get("DATABASE_URL"):
        os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
