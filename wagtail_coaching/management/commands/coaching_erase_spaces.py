"""Erase the content of closed spaces whose retention period is over."""

from django.core.management.base import BaseCommand

from wagtail_coaching.privacy import erasure


class Command(BaseCommand):
    help = (
        "Erase the notes, goals and documents of closed client spaces whose end date is "
        "older than WAGTAIL_COACHING_RETENTION_DAYS, and destroy their data keys. Sessions, "
        "dates and counts stay for sponsor reports."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List the spaces without erasing them."
        )

    def handle(self, *args, dry_run=False, **options):
        due = list(erasure.spaces_due_for_erasure().order_by("pk"))
        for space in due:
            if dry_run:
                self.stdout.write(f"Would erase space {space.public_id} (ended {space.ended_on}).")
                continue
            counts = erasure.erase_space(space)
            self.stdout.write(
                f"Erased space {space.public_id}: {counts['notes']} note(s), "
                f"{counts['goals']} goal(s), {counts['documents']} document(s), "
                f"{counts['messages']} message(s)."
            )
        verb = "would be erased" if dry_run else "erased"
        self.stdout.write(f"{len(due)} space(s) {verb}.")
