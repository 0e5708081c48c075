"""Send the daily digests of what is new: run it once a day (cron), or once with
``--schedule`` to let the task worker send them every day."""

from django.core.management.base import BaseCommand

from wagtail_coaching.notifications import emails, events
from wagtail_coaching.notifications.tasks import schedule_digest


class Command(BaseCommand):
    help = (
        "Tell coaches about minutes to confirm, then e-mail each person who chose a daily "
        "digest the number of new items in their spaces (never what they say). At most one "
        "digest per person and day; safe to run often and from several machines at once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule",
            action="store_true",
            help=(
                "Instead of sending now, start the digest task on the task worker: it runs "
                "every WAGTAIL_COACHING_NOTIFICATION_DIGEST_INTERVAL seconds from then on."
            ),
        )

    def handle(self, **options):
        if options["schedule"]:
            result = schedule_digest(delay=0)
            if result is None:
                self.stdout.write("The digest task is already scheduled (or tasks cannot wait).")
            else:
                self.stdout.write("The digest task is scheduled; the task worker runs it.")
            return
        minutes = events.note_minutes_to_confirm()
        sent = emails.send_digests()
        self.stdout.write(f"{minutes} minutes-to-confirm notice(s); {sent} digest(s) sent.")
