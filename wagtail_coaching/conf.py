"""The app's settings, each prefixed ``WAGTAIL_COACHING_`` with its default here.

Settings are read when used, never at import time, so ``override_settings`` works and a
site may change them without restarting the import chain. ``checks.py`` validates them.
"""

from django.conf import settings

DEFAULTS = {
    # Template that the app's site pages extend; it must define a ``content`` block.
    "BASE_TEMPLATE": "base.html",
    # Name of the Django group whose members may be chosen as coaches.
    "COACHES_GROUP": "Coaches",
    # Prefix of every video room name; Jitsi room names must stay within [a-z0-9-].
    "ROOM_NAME_PREFIX": "coaching",
    # Length, in minutes, proposed for a new session.
    "SESSION_DEFAULT_DURATION": 60,
    # --- Content of client spaces (notes, goals, documents) ---
    # Master key ring {key_id: base64 of 32 bytes}; the first key wraps new data keys.
    "MASTER_KEYS": None,
    # STORAGES alias of the private document storage; if undefined, a FileSystemStorage in
    # PRIVATE_ROOT (default: a "coaching-private" folder beside MEDIA_ROOT).
    "STORAGE": "wagtail_coaching",
    "PRIVATE_ROOT": None,
    # Largest accepted upload, in bytes, and the accepted file extensions.
    "DOCUMENT_MAX_SIZE": 200 * 1024 * 1024,
    "DOCUMENT_TYPES": ["pdf", "png", "jpg", "jpeg", "docx", "xlsx", "pptx", "odt", "txt", "csv"],
    # "django" streams documents from the app; "x-accel-redirect" (nginx) or "x-sendfile"
    # (Apache, lighttpd) hand a decrypted short-lived copy in SENDFILE_ROOT to the proxy.
    "DOCUMENT_SERVE_METHOD": "django",
    "SENDFILE_ROOT": "/run/wagtail-coaching-sendfile",
    "SENDFILE_URL_PREFIX": "/coaching-sendfile/",
    # Seconds a decrypted copy in SENDFILE_ROOT lives before it is removed.
    "SENDFILE_TTL": 120,
    # Days after a space's end date before the erasure command erases its content.
    "RETENTION_DAYS": 365,
    # DATABASES alias of the per-space data keys (see spaces.keystore); when it is not
    # defined, the keys stay in "default".
    "KEYS_DATABASE": "coaching_keys",
    # Seconds without activity (background requests do not count) after which a logged-in
    # user is logged out; at least 300.
    "SESSION_IDLE_TIMEOUT": 30 * 60,
    # --- Second factor (accounts/twofactor.py); see the README's security section. ---
    # Roles that must set up a second factor (TOTP or a passkey) at their first log-in, on
    # the site and in the admin: "staff" (is_staff, superusers and anyone who may enter
    # Wagtail's admin), "hr" (readers of an organisation's reports), "coach" (members of the
    # coaches group) and "coachee" (anyone else). Others may opt in; once a user has one,
    # it is always asked.
    "SECOND_FACTOR_ROLES": ["staff", "hr", "coach"],
    # Minutes a verification stays fresh for sensitive acts (SECOND_FACTOR_RECHECK_VIEWS):
    # after that, the second factor is asked again before the act.
    "SECOND_FACTOR_RECHECK_MINUTES": 15,
    # URL names of the sensitive acts: a space's export, the admin's client space forms
    # (who has access) and its withdrawal of a proposal, the admin's user forms (password,
    # e-mail) and one's own password.
    "SECOND_FACTOR_RECHECK_VIEWS": [
        "wagtail_coaching:export",
        "wagtail_coaching:export_download",
        "wagtail_coaching_clientspace_modeladmin_create",
        "wagtail_coaching_clientspace_modeladmin_edit",
        "wagtail_coaching_clientspace_modeladmin_withdraw",
        "wagtailusers_users:add",
        "wagtailusers_users:edit",
        "wagtailadmin_account",
        "password_change",
    ],
    # Anonymised reports show a group's figures only when it holds at least this many spaces.
    "REPORT_MIN_GROUP_SIZE": 5,
    # Organisation reports of more client spaces than this are built in the background (PDF
    # and XLSX; CSV always streams) by the task worker, then offered on the report page.
    "REPORT_BACKGROUND_SIZE": 2000,
    # Hours a report built in the background is kept before coaching_prune_report_exports
    # deletes it.
    "REPORT_EXPORT_HOURS": 24,
    # Hours a participant's zip of their space (built by the task worker, stored encrypted)
    # is kept before it is deleted.
    "SPACE_EXPORT_HOURS": 24,
    # TrueType fonts embedded in report PDFs: {"regular": path, "bold": path}. None: DejaVu
    # Sans from Debian's fonts-dejavu-core if installed, else Bitstream Vera (in reportlab).
    "PDF_FONTS": None,
    # --- Video rooms (Jitsi); see jitsi.py and the README's "Video rooms" section. ---
    # Host name of the Jitsi deployment (no scheme): "meet.example.org", or "8x8.vc" for JaaS.
    "JITSI_DOMAIN": "meet.jit.si",
    # Origins space pages may frame: the players of module pages' video blocks.
    "CSP_FRAME_SOURCES": (
        "https://www.youtube-nocookie.com",
        "https://www.youtube.com",
        "https://player.vimeo.com",
    ),
    # Scheme of the Jitsi origin. Always "https" in production; "http" exists for tests only.
    "JITSI_SCHEME": "https",
    # Prosody app_id (HS256) or the JaaS AppID "vpaas-magic-cookie-…" (RS256).
    "JITSI_APP_ID": "",
    # Prosody app_secret: tokens are signed HS256 with it (self-hosted Jitsi, token auth).
    "JITSI_APP_SECRET": "",
    # PEM RSA private key: tokens are signed RS256 with it and JITSI_KEY_ID (8x8 JaaS).
    "JITSI_PRIVATE_KEY": "",
    "JITSI_KEY_ID": "",
    # The token's "aud"; Prosody's asap_accepted_audiences must accept it.
    "JITSI_AUDIENCE": "jitsi",
    # The token's "iss"; empty means JITSI_APP_ID (HS256) or "chat" (RS256, what JaaS wants).
    "JITSI_ISSUER": "",
    # The token's "sub": the XMPP domain Prosody checks the room against (docker-jitsi-meet:
    # "meet.jitsi"); empty means the Jitsi domain without port (HS256) or the AppID (RS256).
    "JITSI_SUBJECT": "",
    # The token's "context.features". Jitsi denies any feature a token leaves out, so every
    # known one is listed: what would carry the session out of the room is off. An empty
    # dict leaves the claim out (Jitsi then decides by moderator rights).
    "JITSI_FEATURES": {
        "recording": False,
        "livestreaming": False,
        "transcription": False,
        "outbound-call": False,
        "sip-outbound-call": False,
        "inbound-call": False,
        "sip-inbound-call": False,
        "file-upload": False,
        "list-visitors": False,
        "create-polls": True,
        "send-groupchat": True,
        "flip": True,
    },
    # Seconds a token stays valid; the page asks for a fresh one when it reconnects.
    "JITSI_TOKEN_TTL": 300,
    # Minutes before the start and after the planned end during which the room opens.
    "JITSI_JOIN_WINDOW_BEFORE": 15,
    "JITSI_JOIN_WINDOW_AFTER": 30,
    # Put the participant's e-mail address in the token (Jitsi shows it to the other side).
    "JITSI_SHARE_EMAIL": False,
    # Seconds between two presence heartbeats sent by the room page.
    "PRESENCE_HEARTBEAT_SECONDS": 30,
    # Milliseconds between two polls of the paper board (strokes arrive within about that).
    "BOARD_POLL_INTERVAL_MS": 1000,
    # How often the video room's documents panel asks for new documents (milliseconds).
    "DOCUMENTS_POLL_INTERVAL_MS": 2000,
    # --- Live rooms over WebSockets (sessions/consumers.py); README, "Live rooms". ---
    # Pages open a live socket; when it cannot connect they fall back to polling by
    # themselves. False: pages only poll (a site served by WSGI alone).
    "LIVE": True,
    # Seconds between two checks of the lock by an open socket (a revoked participant or a
    # closed space loses its sockets within this time, or at once when announced).
    "LIVE_RECHECK_SECONDS": 3,
    # Messages a socket may send: on average per second, and at once; more closes it.
    "LIVE_MESSAGES_PER_SECOND": 20,
    "LIVE_MESSAGES_BURST": 60,
    # Largest message a socket may send, in bytes; a bigger one closes it.
    "LIVE_MAX_MESSAGE_BYTES": 512 * 1024,
    # Hours before a session when its reminder e-mail goes out (coaching_send_reminders).
    "SESSION_REMINDER_HOURS": 24,
    # Seconds between two runs of the reminder task on the task worker.
    "SESSION_REMINDER_INTERVAL": 300,
    # Address every e-mail of the app comes from; empty means DEFAULT_FROM_EMAIL.
    "FROM_EMAIL": "",
    # Every e-mail is sent by a task on the worker (spaces/mail.py): tries of one e-mail
    # when the mail server fails, and the seconds before the second try (doubled at each).
    "EMAIL_ATTEMPTS": 5,
    "EMAIL_RETRY_DELAY": 60,
    # --- Notifications (notifications/): e-mails about what is new, never what it says ---
    # Seconds between two runs of the digest task (coaching_send_digests --schedule).
    "NOTIFICATION_DIGEST_INTERVAL": 24 * 60 * 60,
    # --- Trials (trials.py); see the README's "Trials and visits" section. ---
    # Requests accepted from one e-mail address or one client IP within the window below.
    "TRIAL_RATE_LIMIT": 3,
    "TRIAL_RATE_WINDOW_MINUTES": 60,
    # Addresses told about each new trial request; empty means the site's MANAGERS.
    "TRIAL_NOTIFY_EMAILS": [],
    # Length, in minutes, proposed when staff schedule a trial.
    "TRIAL_DEFAULT_DURATION": 30,
}


def get_setting(name):
    """Return ``WAGTAIL_COACHING_<name>`` from the site's settings, or its default."""
    if name not in DEFAULTS:
        raise KeyError(f"Unknown wagtail-coaching setting: {name}")
    return getattr(settings, f"WAGTAIL_COACHING_{name}", DEFAULTS[name])
