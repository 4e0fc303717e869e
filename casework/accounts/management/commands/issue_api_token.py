from django.core.management.base import BaseCommand, CommandError

from casework.accounts.models import User
from casework.accounts.tokens import api_token_issue


class Command(BaseCommand):
    help = "Issue an API token for a user and print it alone on stdout (it is not shown again)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--days", type=int, default=90, help="How long the token lasts (1 to 366 days)")
        parser.add_argument("--name", default="", help="What the token is for")

    def handle(self, *args, username, days, name, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user called {username!r}")
        try:
            token = api_token_issue(user=user, name=name, days=days)
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(token)
