"""Test settings of a single-locale site: Wagtail's i18n off, no locales or translation apps.

CI runs a subset of the suite with these (``--ds tests.settings_no_i18n``) to prove the app
keeps working on sites that never turned Wagtail's i18n on.
"""

from tests.settings import *  # noqa: F403

WAGTAIL_I18N_ENABLED = False
INSTALLED_APPS = [
    app
    for app in INSTALLED_APPS  # noqa: F405
    if app not in ("wagtail.contrib.simple_translation", "wagtail.locales")
]
