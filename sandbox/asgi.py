"""ASGI entry point of the sandbox: HTTP views and the live rooms' WebSockets.

Serve it with daphne (``daphne sandbox.asgi:application``) or uvicorn behind a proxy that
passes WebSocket upgrades; ``manage.py runserver`` serves it in development.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sandbox.settings.production")
# Django first: the routes import models.
django_application = get_asgi_application()

from channels.routing import ProtocolTypeRouter  # noqa: E402

from wagtail_coaching.sessions.routing import websocket_application  # noqa: E402

application = ProtocolTypeRouter({"http": django_application, "websocket": websocket_application()})
