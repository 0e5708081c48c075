"""The public trial request page: a Wagtail page whose form records a prospect's request."""

import swapper
from django.db import models
from django.utils.translation import gettext_lazy
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField

from wagtail_coaching.programmes.pages import BasePage, base_page_link
from wagtail_coaching.trials.views import serve_trial_request_page


class TrialRequestPage(BasePage):
    """A public page with the trial request form; an editor places it anywhere."""

    page_ptr = base_page_link()
    intro = RichTextField(gettext_lazy("introduction"), blank=True)
    thank_you_text = RichTextField(
        gettext_lazy("thank-you text"),
        blank=True,
        help_text=gettext_lazy("Shown once the request is sent."),
    )
    privacy_page = models.ForeignKey(
        swapper.get_model_name("wagtailcore", "Page"),
        verbose_name=gettext_lazy("privacy notice"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=gettext_lazy("The page the consent checkbox links to."),
    )

    content_panels = BasePage.content_panels + [
        FieldPanel("intro"),
        FieldPanel("thank_you_text"),
        FieldPanel("privacy_page"),
    ]
    template = "wagtail_coaching/trials/trial_request_page.html"

    class Meta:
        verbose_name = gettext_lazy("trial request page")
        verbose_name_plural = gettext_lazy("trial request pages")

    def serve(self, request, *args, **kwargs):
        return serve_trial_request_page(self, request)
