"""Programme and module pages: what editors write in the Wagtail admin.

The tree is kept sane by the parent/subpage rules: a ``ProgrammeIndexPage`` (the catalogue)
holds ``ProgrammePage``\\ s, which hold ``ModulePage``\\ s, which hold nothing.

These pages carry *content only*. A coachee's answers live in their client space
(:mod:`wagtail_coaching.progress`) and are shown only by the space's own views, never by a
page's public URL or an editor's preview.
"""

import swapper
import wagtail.models  # noqa: F401  (registers the base page model before it is looked up)
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from wagtail_coaching.blocks import (
    InteractiveBlock,
    ModuleBodyBlock,
    ProgrammeStepsBlock,
    TalkWithCoachBlock,
)
from wagtail_coaching.conf import get_setting

# The site's base page model (Wagtail 8 lets a site swap it). Its app must be listed before
# wagtail_coaching in INSTALLED_APPS when it is not Wagtail's own Page.
BasePage = swapper.load_model("wagtailcore", "Page", require_ready=False)


def base_page_link():
    """The link of a page model to the site's base page model, named ``page_ptr`` as in the
    app's migration. Django would name it after the base model (``sitepage_ptr`` for a
    swapped ``SitePage``), which the migration could not follow."""
    return models.OneToOneField(
        BasePage,
        on_delete=models.CASCADE,
        parent_link=True,
        auto_created=True,
        primary_key=True,
        serialize=False,
    )


class CoachingPageMixin:
    """Gives the pages' templates the same base template as the app's other site pages."""

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["coaching_base_template"] = get_setting("BASE_TEMPLATE")
        return context


class ProgrammeIndexPage(CoachingPageMixin, BasePage):
    """A catalogue of programmes."""

    page_ptr = base_page_link()
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = BasePage.content_panels + [FieldPanel("intro")]
    search_fields = BasePage.search_fields + [index.SearchField("intro")]

    subpage_types = ["wagtail_coaching.ProgrammePage"]
    template = "wagtail_coaching/programme_index_page.html"

    class Meta:
        verbose_name = _("programme catalogue")
        verbose_name_plural = _("programme catalogues")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["programmes"] = (
            ProgrammePage.objects.child_of(self)
            .live()
            .public()
            .select_related("image")
            .order_by("path")
        )
        return context


class ProgrammePage(CoachingPageMixin, BasePage):
    """A complete programme, stated before the coaching begins."""

    page_ptr = base_page_link()
    intro = RichTextField(_("introduction"), blank=True)
    audience = models.TextField(_("audience"), blank=True, help_text=_("Who the programme is for."))
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    planned_sessions = models.PositiveSmallIntegerField(
        _("planned sessions"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(200)],
    )
    session_length_minutes = models.PositiveSmallIntegerField(
        _("session length (minutes)"),
        default=60,
        validators=[MinValueValidator(5), MaxValueValidator(480)],
    )
    duration_weeks = models.PositiveSmallIntegerField(
        _("total duration (weeks)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(520)],
    )
    follow_up = RichTextField(
        _("follow-up methods"),
        blank=True,
        help_text=_("How progress is followed and reported, to the coachee and to the sponsor."),
    )
    steps = StreamField(ProgrammeStepsBlock(), verbose_name=_("steps"), blank=True)

    content_panels = BasePage.content_panels + [
        FieldPanel("intro"),
        FieldPanel("image"),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("planned_sessions"),
                        FieldPanel("session_length_minutes"),
                        FieldPanel("duration_weeks"),
                    ]
                ),
                FieldPanel("audience"),
                FieldPanel("follow_up"),
            ],
            heading=_("Format"),
        ),
        FieldPanel("steps"),
    ]
    search_fields = BasePage.search_fields + [
        index.SearchField("intro"),
        index.SearchField("audience"),
    ]

    parent_page_types = ["wagtail_coaching.ProgrammeIndexPage"]
    subpage_types = ["wagtail_coaching.ModulePage"]
    template = "wagtail_coaching/programme_page.html"

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def modules(self):
        """The live modules of this programme, in the order of the page tree."""
        return ModulePage.objects.child_of(self).live().order_by("path")

    def is_own_module(self, page):
        return bool(
            page is not None
            and self.path
            and page.path.startswith(self.path)
            and page.depth == self.depth + 1
        )

    def clean(self):
        super().clean()
        if not self.path:
            return
        strangers = [
            step.value["title"]
            for step in self.steps
            if step.value.get("module") is not None and not self.is_own_module(step.value["module"])
        ]
        if strangers:
            raise ValidationError(
                {
                    "steps": _("A step can only link to a module of this programme: %(steps)s.")
                    % {"steps": ", ".join(strangers)}
                }
            )

    def duration_display(self):
        return ngettext("%(count)s week", "%(count)s weeks", self.duration_weeks) % {
            "count": self.duration_weeks
        }

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["modules"] = self.modules()
        return context


# Blocks whose HTML depends on the space they are read in: never in a shared cache.
READER_BLOCKS = (InteractiveBlock, TalkWithCoachBlock)


class ModulePage(CoachingPageMixin, BasePage):
    """One module of a programme: content blocks, some of which the coachee answers."""

    page_ptr = base_page_link()
    intro = models.TextField(_("introduction"), blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(
        _("estimated time (minutes)"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(1440)],
    )
    body = StreamField(ModuleBodyBlock(), verbose_name=_("content"), blank=True)

    content_panels = BasePage.content_panels + [
        FieldPanel("intro"),
        FieldPanel("estimated_minutes"),
        FieldPanel("body"),
    ]
    search_fields = BasePage.search_fields + [index.SearchField("intro")]

    parent_page_types = ["wagtail_coaching.ProgrammePage"]
    subpage_types = []
    template = "wagtail_coaching/module_page.html"

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")

    def interactive_blocks(self):
        """``{block id: bound block}`` of the blocks that take an answer."""
        return {child.id: child for child in self.body if isinstance(child.block, InteractiveBlock)}

    def body_segments(self):
        """The body as ``(shared, children)`` runs, in order.

        A shared run holds content blocks that read the same for every reader, so a template
        may cache its HTML (keyed by the page's ``cache_key``). The others hold one block
        each that shows something of the reader's space: an answer form, the coach's name.
        """
        segments = []
        for child in self.body:
            shared = not isinstance(child.block, READER_BLOCKS)
            if shared and segments and segments[-1][0]:
                segments[-1][1].append(child)
            else:
                segments.append((shared, [child]))
        return segments
