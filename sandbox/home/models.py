from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from wagtail_coaching.programmes.pages import ProgrammeIndexPage
from wagtail_coaching.trials.pages import TrialRequestPage


class HomePage(Page):
    intro = models.CharField(_("intro"), max_length=255, blank=True)
    body = RichTextField(_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]

    def get_context(self, request, *args, **kwargs):
        """The programmes and the trial page, linked from the home page when published."""
        context = super().get_context(request, *args, **kwargs)
        live = Page.objects.live().public()
        context["programmes_page"] = live.type(ProgrammeIndexPage).first()
        context["trial_page"] = live.type(TrialRequestPage).first()
        return context
