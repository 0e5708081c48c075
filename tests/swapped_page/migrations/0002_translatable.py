# Second step: the locale and translation key, once wagtailcore's Locale exists.

from django.db import migrations
from wagtail.models import (
    BootstrapLocaleField,
    BootstrapTranslatableModel,
    BootstrapTranslationKeyField,
)


class Migration(migrations.Migration):
    dependencies = [
        ("swapped_page", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        BootstrapLocaleField("swapped_page.SitePage"),
        BootstrapTranslationKeyField("swapped_page.SitePage"),
        BootstrapTranslatableModel("swapped_page.SitePage"),
    ]
