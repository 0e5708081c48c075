"""WebSocket routes of the app, for the site's ASGI application.

A site serves them next to its HTTP views (see the README, "Live rooms")::

    from channels.routing import ProtocolTypeRouter, URLRouter
    from wagtail_coaching.sessions.routing import websocket_application

    application = ProtocolTypeRouter(
        {"http": get_asgi_application(), "websocket": websocket_application()}
    )

``websocket_application`` checks the origin against ``ALLOWED_HOSTS`` and reads the
logged-in user from Django's session cookie, then hands the socket to
:class:`consumers.SpaceConsumer`, which asks the gate.
"""

from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import path

from wagtail_coaching.sessions.consumers import SpaceConsumer

# The page finds its socket at this path (see ``live_url``); keep the two in step.
PREFIX = "ws/coaching/spaces/"

websocket_urlpatterns = [
    path(f"{PREFIX}<uuid:public_id>/", SpaceConsumer.as_asgi(), name="wagtail_coaching_live"),
]


def live_url(space):
    """The path of ``space``'s live socket, for the page's script."""
    return f"/{PREFIX}{space.public_id}/"


def websocket_application(urlpatterns=None):
    """The ``websocket`` branch of a site's ``ProtocolTypeRouter``."""
    return AllowedHostsOriginValidator(
        AuthMiddlewareStack(URLRouter(urlpatterns or websocket_urlpatterns))
    )
