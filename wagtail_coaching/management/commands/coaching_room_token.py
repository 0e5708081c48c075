"""Print the Jitsi token a user would get now for a session, or say why they would not."""

import json

import jwt as pyjwt
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from wagtail_coaching.sessions import jitsi


class Command(BaseCommand):
    help = (
        "Print the Jitsi room token USERNAME would get now for SESSION (its id or room name), "
        "or explain why none would be minted. Use it to check a Jitsi/Prosody or JaaS setup."
    )

    def add_arguments(self, parser):
        parser.add_argument("session", help="Session id or room name.")
        parser.add_argument("username")
        parser.add_argument(
            "--claims", action="store_true", help="Also print the decoded header and claims."
        )

    def handle(self, session, username, claims=False, **options):
        found = jitsi.session_for_token(session)
        if found is None:
            raise CommandError(f"No session with id or room name {session!r}.")
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist as exc:
            raise CommandError(f"No user named {username!r}.") from exc
        try:
            token = jitsi.mint_token(user, found)
        except jitsi.TokenRefused as exc:
            raise CommandError(f"No token for {username!r}: {exc}") from exc
        if token is None:
            raise CommandError(
                f"Rooms are not token-protected: {username!r} may join, and the room opens on "
                f"{jitsi.origin()} without a token. Set WAGTAIL_COACHING_JITSI_APP_SECRET or "
                "WAGTAIL_COACHING_JITSI_PRIVATE_KEY to protect them."
            )
        self.stdout.write(token)
        if claims:
            header = pyjwt.get_unverified_header(token)
            payload = pyjwt.decode(token, options={"verify_signature": False})
            self.stdout.write(json.dumps({"header": header, "claims": payload}, indent=2))
