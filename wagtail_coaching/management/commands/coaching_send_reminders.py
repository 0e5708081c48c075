"""Send the reminder e-mails of sessions that start soon. Run it every few minutes (cron)."""

from django.core.management.base import BaseCommand

from wagtail_coaching.conf import get_setting
from wagtail_coaching.sessions.planning import send_due_reminders


class Command(BaseCommand):
    help = (
        "E-mail both participants of each planned session starting within "
        "WAGTAIL_COACHING_SESSION_REMINDER_HOURS. Each session is reminded once (again "
        "after a move); safe to run often and from several machines at once."
    )

    def handle(self, **options):
        count = send_due_reminders()
        hours = get_setting("SESSION_REMINDER_HOURS")
        self.stdout.write(f"Reminded {count} session(s) starting within {hours} hours.")
