"""Print the current second-factor code of a demo user (the demo's authenticator app).

    python manage.py coaching_totp coach.claire

Only the devices ``coaching_demo`` made answer: a real user's authenticator app stays the
only source of their codes.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from wagtail_coaching.accounts import twofactor


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo user (made by coaching_demo)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        User = get_user_model()
        device = TOTPDevice.objects.filter(
            user__in=User.objects.filter(**{User.USERNAME_FIELD: username}),
            name=twofactor.DEMO_DEVICE_NAME,
            confirmed=True,
        ).first()
        if device is None:
            raise CommandError(
                f"{username!r} has no demo authenticator: only users made by coaching_demo do."
            )
        self.stdout.write(twofactor.current_code(device))
