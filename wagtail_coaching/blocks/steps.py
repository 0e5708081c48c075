"""The steps of a programme: what will happen, known before the coaching begins."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from wagtail_coaching.blocks.preview import PREVIEW_TEMPLATE


class StepKind(models.TextChoices):
    SESSION = "session", _("Session")
    MODULE = "module", _("Module")
    ASSESSMENT = "assessment", _("Assessment")
    MILESTONE = "milestone", _("Milestone")


class ProgrammeStepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=255)
    description = blocks.TextBlock(label=_("Description"), required=False)
    kind = blocks.ChoiceBlock(label=_("Kind"), choices=StepKind.choices, default=StepKind.SESSION)
    module = blocks.PageChooserBlock(
        label=_("Module"),
        page_type="wagtail_coaching.ModulePage",
        required=False,
        help_text=_("Optional: one of this programme's modules. It is done when completed."),
    )

    class Meta:
        template = "wagtail_coaching/blocks/step.html"
        preview_template = PREVIEW_TEMPLATE
        icon = "tasks"
        label = _("Step")
        description = _(
            "One step of the programme: a session, a module, an assessment, a milestone."
        )
        preview_value = {
            "title": "First session: where you stand",
            "description": "We agree on your goals and on how we will work together.",
            "kind": StepKind.SESSION,
            "module": None,
        }

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["kind_label"] = StepKind(value["kind"]).label if value.get("kind") else ""
        return context
