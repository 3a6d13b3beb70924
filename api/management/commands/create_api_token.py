"""manage.py create_api_token USERNAME --name NAME: a personal access token, printed once (docs/api.md)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from api.models import ApiToken
from claims.roles import is_desk_member


class Command(BaseCommand):
    help = "Make a personal access token for the JSON API and print it once; the desk keeps only its hash."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="what the token is for, e.g. 'Newsroom CMS'")

    def handle(self, *args, username: str, name: str, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user is called {username!r}.")
        if not is_desk_member(user):
            raise CommandError(
                f"{username} is not on the desk (neither fact-checker nor editor): a token would do nothing."
            )
        if not name.strip() or len(name) > 100:
            raise CommandError("Give the token a name of 1 to 100 characters (--name).")
        _, token = ApiToken.objects.issue(user=user, name=name.strip())
        self.stderr.write(f"Token “{name.strip()}” for {username}. It is shown only now; keep it safe:")
        self.stdout.write(token)
