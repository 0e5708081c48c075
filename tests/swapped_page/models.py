from django.db import models
from wagtail.models import AbstractPage


class SitePage(AbstractPage):
    """The site's own base page model: every page has a short summary."""

    summary = models.CharField(max_length=255, blank=True)
