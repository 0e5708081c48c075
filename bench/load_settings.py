"""Settings of ``load.py``: ``bench_pages``' production settings (the sandbox's, on the
benchmark's own database and throw-away folders), with what a site of several app processes
shares besides its database: the cache and the channel layer in Redis.

``load.py`` sets ``DATABASE_URL``, ``BENCH_PAGES_DIR``, ``REDIS_URL`` and
``BENCH_LOAD_PREFIX`` before Django starts, in its own process and in the app processes it
launches, so all of them read the same data and share the same Redis keys (under a prefix
of the run's own, removed at the end).
"""

import os

from bench.pages_settings import *  # noqa: F403

_REDIS_URL = os.environ["REDIS_URL"]
_PREFIX = os.environ["BENCH_LOAD_PREFIX"]

# Logged-in sessions stay in the database (Django's default engine), as docs/deploy.md says.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": _REDIS_URL,
        "KEY_PREFIX": _PREFIX,
    }
}
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {
            "hosts": [{"address": _REDIS_URL, "socket_timeout": 15}],
            "prefix": _PREFIX,
        },
    }
}
