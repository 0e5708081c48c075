"""Delete the participants' zip files of their spaces older than SPACE_EXPORT_HOURS.

The task worker does this by itself when the task backend can defer tasks (the database
backend can); this command is for a site whose backend cannot, run hourly.
"""

from django.core.management.base import BaseCommand

from wagtail_coaching.privacy import background


class Command(BaseCommand):
    help = "Delete the zip files of spaces kept longer than WAGTAIL_COACHING_SPACE_EXPORT_HOURS."

    def handle(self, *args, **options):
        count = background.prune()
        self.stdout.write(f"{count} space export(s) deleted.")
