import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework.accounts.mfa import Enrolment, totp_code
from casework.demo.builder import DEMO_USERNAMES, PRODUCTION_REFUSAL, demo_mfa_key


class Command(BaseCommand):
    help = (
        "Print the current authenticator code of a demo login that signs in with one (orgadmin, "
        "initiativeadmin, auditor). Development mode only; demo logins only."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="A demo login, e.g. orgadmin")

    def handle(self, *args, username, **options):
        if not settings.DEBUG:
            raise CommandError(PRODUCTION_REFUSAL)
        if username not in DEMO_USERNAMES:
            raise CommandError(f"{username} is not a demo login ({', '.join(DEMO_USERNAMES)})")
        # Only the demo key made from the username: never a code of an app someone set up themselves.
        device = TOTPDevice.objects.filter(
            user__username=username, confirmed=True, key=demo_mfa_key(username)
        ).first()
        if device is None:
            raise CommandError(
                f"{username} has no demo authenticator: it signs in with the password alone, "
                f"or set up its own app."
            )
        now = time.time()
        left = int(device.step - (now - device.t0) % device.step)
        # The code alone on stdout, for scripts; the rest on stderr.
        self.stdout.write(totp_code(device, at=now))
        self.stderr.write(
            f"A new code comes every {device.step} seconds (this one changes in {left}); "
            f"each works once. To use an app instead, add this key to it: "
            f"{Enrolment(device).secret}"
        )
