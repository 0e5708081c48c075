"""The ASGI application of the live-room test servers: the sandbox's, with static files."""

import os

from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.live_settings")
http = ASGIStaticFilesHandler(get_asgi_application())

from channels.routing import ProtocolTypeRouter  # noqa: E402

from wagtail_coaching.sessions.routing import websocket_application  # noqa: E402

application = ProtocolTypeRouter({"http": http, "websocket": websocket_application()})
