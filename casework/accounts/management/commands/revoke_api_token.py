from django.core.management.base import BaseCommand, CommandError

from casework.accounts.models import ApiToken
from casework.accounts.tokens import api_token_revoke


class Command(BaseCommand):
    help = (
        "Revoke API tokens: one by its prefix (the 8 characters after 'cw_'), or all of a user's with --user."
    )

    def add_arguments(self, parser):
        parser.add_argument("prefix", nargs="?")
        parser.add_argument("--user", help="Revoke every token of this username")

    def handle(self, *args, prefix=None, user=None, **options):
        if not prefix and not user:
            raise CommandError("Give a token prefix or --user USERNAME")
        tokens = ApiToken.objects.filter(revoked_at__isnull=True)
        tokens = tokens.filter(prefix=prefix) if prefix else tokens.filter(user__username=user)
        count = 0
        for token in tokens:
            api_token_revoke(token=token)
            count += 1
        if not count:
            raise CommandError("No live token matched")
        self.stdout.write(f"Revoked {count} token(s)")
