"""The test settings, with Wagtail's page model swapped for ``swapped_page.SitePage``.

The sandbox's home page subclasses Wagtail's own ``Page``, so the sandbox app is left out;
the app of the base page comes before wagtail_coaching.
"""

from tests.settings import *  # noqa: F403
from tests.settings import DATABASES, INSTALLED_APPS

INSTALLED_APPS = ["tests.swapped_page", *(app for app in INSTALLED_APPS if app != "sandbox.home")]
WAGTAIL_PAGE_MODEL = "swapped_page.SitePage"

# Its own test database on PostgreSQL, beside the main suite's.
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_swapped"}
