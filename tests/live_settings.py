"""Settings of the ASGI server processes that the browser tests of live rooms start.

The test settings, plus: the database the test process hands over (``LIVE_TEST_DB``: a
SQLite file, or the name of the PostgreSQL test database), the shared Redis channel layer
(``REDIS_URL``, with a prefix of the test's own so parallel runs never hear each other), and
the stand-in Jitsi served by the same process.
"""

import os

from tests.settings import *  # noqa: F403
from tests.settings import DATABASES

# A SQLite file or a PostgreSQL database name, whichever the test process runs on.
DATABASES["default"]["NAME"] = os.environ["LIVE_TEST_DB"]

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {
            "hosts": [
                {
                    "address": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15"),
                    # Longer than the layer's 5 s blocking pop (redis-py 8 defaults to 5 s).
                    "socket_timeout": 15,
                }
            ],
            "prefix": os.environ["LIVE_TEST_PREFIX"],
        },
    }
}
ASGI_APPLICATION = "tests.live_asgi.application"
ROOT_URLCONF = "tests.browser.jitsi_urls"
WAGTAIL_COACHING_JITSI_DOMAIN = os.environ["LIVE_TEST_JITSI_DOMAIN"]
WAGTAIL_COACHING_JITSI_SCHEME = "http"
DEBUG = False
