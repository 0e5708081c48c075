"""Send the reminder e-mails of sessions that start soon: run it every few minutes (cron), or
once with ``--schedule`` to let the task worker send them every few minutes."""

from django.core.management.base import BaseCommand

from wagtail_coaching.conf import get_setting
from wagtail_coaching.sessions.planning import send_due_reminders
from wagtail_coaching.sessions.tasks import schedule_reminders


class Command(BaseCommand):
    help = (
        "E-mail both participants of each planned session starting within "
        "WAGTAIL_COACHING_SESSION_REMINDER_HOURS. Each session is reminded once (again "
        "after a move); safe to run often and from several machines at once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule",
            action="store_true",
            help=(
                "Instead of sending now, start the reminder task on the task worker: it runs "
                "every WAGTAIL_COACHING_SESSION_REMINDER_INTERVAL seconds from then on."
            ),
        )

    def handle(self, **options):
        if options["schedule"]:
            result = schedule_reminders(delay=0)
            if result is None:
                self.stdout.write("The reminder task is already scheduled (or tasks cannot wait).")
            else:
                self.stdout.write("The reminder task is scheduled; the task worker runs it.")
            return
        count = send_due_reminders()
        hours = get_setting("SESSION_REMINDER_HOURS")
        self.stdout.write(f"Reminded {count} session(s) starting within {hours} hours.")
