"""A space written, erased and read back, with the data keys in their own database.

Run as ``python -m tests.keystore_scenario <step>`` with ``tests.settings_keystore``:

* ``write``: a closed space past its retention period whose coachee wrote a note; prints
  the space's public id and its wrapped data key (hex);
* ``erase <public id>``: erases the space;
* ``read <public id>``: prints the note's text, or ``UNREADABLE: <reason>``.
"""

import datetime
import sys

import django


def main(step, public_id=None):
    django.setup()
    from django.utils import timezone

    from tests.factories import ClientSpaceFactory
    from wagtail_coaching.privacy.erasure import erase_space
    from wagtail_coaching.spaces import crypto
    from wagtail_coaching.spaces.content import Note
    from wagtail_coaching.spaces.models import ClientSpace

    if step == "write":
        long_ago = timezone.localdate() - datetime.timedelta(days=800)
        space = ClientSpaceFactory(
            status="closed", start_date=long_ago, end_date=long_ago + datetime.timedelta(days=90)
        )
        note = Note(space=space, author=space.coachee, visibility="shared")
        note.body = sys.argv[2]
        note.save()
        wrapped = crypto.DataKey.objects.get(space_public_id=space.public_id).wrapped_key
        print(space.public_id, bytes(wrapped).hex())
    elif step == "erase":
        erase_space(ClientSpace.objects.get(public_id=public_id))
        print("erased")
    elif step == "read":
        space = ClientSpace.objects.get(public_id=public_id)
        note = Note.objects.get(space=space)
        try:
            print(note.body)
        except crypto.DecryptionError as exc:
            print(f"UNREADABLE: {type(exc).__name__}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
