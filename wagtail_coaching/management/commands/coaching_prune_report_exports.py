"""Delete report exports built in the background once older than REPORT_EXPORT_HOURS."""

from django.core.management.base import BaseCommand

from wagtail_coaching.reporting import exports


class Command(BaseCommand):
    help = (
        "Delete the organisation reports built in the background (and their files in the "
        "private storage) once older than WAGTAIL_COACHING_REPORT_EXPORT_HOURS (a day). "
        "Run it every hour from cron."
    )

    def handle(self, *args, **options):
        count = exports.prune()
        if options["verbosity"]:
            self.stdout.write(f"{count} report export(s) deleted.")
