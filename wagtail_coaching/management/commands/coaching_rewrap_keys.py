"""Re-wrap every space data key with the current (first) master key."""

from django.core.management.base import BaseCommand, CommandError

from wagtail_coaching.spaces import crypto, keys


class Command(BaseCommand):
    help = (
        "Re-wrap every client space's data key with the first key of "
        "WAGTAIL_COACHING_MASTER_KEYS. Run it after adding a new master key in first "
        "position; once it reports 0 keys left, older master keys may be removed."
    )

    def handle(self, *args, **options):
        try:
            key_id, _key = crypto.current_master_key()
            count = crypto.rewrap_all()
        except keys.CryptoError as exc:
            raise CommandError(str(exc)) from exc
        left = crypto.stale_key_count()
        self.stdout.write(
            f"Re-wrapped {count} data key(s) with master key {key_id!r}; {left} left on older keys."
        )
