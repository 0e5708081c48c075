"""Interactive blocks: questions whose answers belong to the coachee's client space.

A block never reads or writes answers itself. Inside a client space, the view puts a
``coaching`` object (:class:`wagtail_coaching.answers.ModuleAnswers`) in the template
context; the block asks it for *this* block's answer and form. Without it — public URL,
editor preview — the block shows its question and no form, and nobody's answer.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError

from wagtail_coaching.blocks.preview import PREVIEW_TEMPLATE

MAX_SCALE_STEPS = 20


class InteractiveBlock(blocks.StructBlock):
    """Base of the blocks that take an answer; ``answer_kind`` names the answer's shape."""

    answer_kind = None

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        parent = parent_context if parent_context is not None else {}
        block_id = parent.get("block_id") or parent.get("id")
        coaching = parent.get("coaching")
        context["block_id"] = block_id
        context["interactive"] = (
            coaching.for_block(self, value, block_id) if coaching is not None and block_id else None
        )
        return context


class ReflectionPromptBlock(InteractiveBlock):
    answer_kind = "reflection"

    question = blocks.CharBlock(label=_("Question"), max_length=500)
    guidance = blocks.TextBlock(
        label=_("Guidance"),
        required=False,
        help_text=_("Optional hints shown under the question."),
    )

    class Meta:
        template = "wagtail_coaching/blocks/reflection.html"
        preview_template = PREVIEW_TEMPLATE
        icon = "edit"
        label = _("Reflection prompt")
        description = _("A question the coachee answers in writing, in their space.")
        preview_value = {
            "question": "When did you last feel fully confident at work?",
            "guidance": "Describe the situation, what you did, and how it felt.",
        }


class ScaleBlock(InteractiveBlock):
    answer_kind = "scale"

    question = blocks.CharBlock(label=_("Question"), max_length=500)
    min_value = blocks.IntegerBlock(label=_("Lowest value"), default=1)
    max_value = blocks.IntegerBlock(label=_("Highest value"), default=10)
    min_label = blocks.CharBlock(label=_("Label of the lowest value"), max_length=100)
    max_label = blocks.CharBlock(label=_("Label of the highest value"), max_length=100)

    class Meta:
        template = "wagtail_coaching/blocks/scale.html"
        preview_template = PREVIEW_TEMPLATE
        icon = "sliders"
        label = _("Self-assessment scale")
        description = _("The coachee places themselves on a scale, for example from 1 to 10.")
        preview_value = {
            "question": "How confident do you feel when speaking in meetings?",
            "min_value": 1,
            "max_value": 10,
            "min_label": "Not at all",
            "max_label": "Completely",
        }

    def clean(self, value):
        value = super().clean(value)
        low, high = value.get("min_value"), value.get("max_value")
        if low is not None and high is not None:
            if high <= low:
                raise StructBlockValidationError(
                    block_errors={
                        "max_value": ValidationError(
                            _("The highest value must be greater than the lowest.")
                        )
                    }
                )
            if high - low + 1 > MAX_SCALE_STEPS:
                raise StructBlockValidationError(
                    block_errors={
                        "max_value": ValidationError(
                            _("A scale has at most %(count)s values.") % {"count": MAX_SCALE_STEPS}
                        )
                    }
                )
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        low, high = value.get("min_value") or 0, value.get("max_value") or 0
        context["scale_values"] = list(range(low, high + 1)) if high > low else []
        return context


class ChecklistBlock(InteractiveBlock):
    answer_kind = "checklist"

    title = blocks.CharBlock(label=_("Title"), max_length=255)
    items = blocks.ListBlock(
        blocks.CharBlock(label=_("Item"), max_length=255), label=_("Items"), min_num=1
    )

    class Meta:
        template = "wagtail_coaching/blocks/checklist.html"
        preview_template = PREVIEW_TEMPLATE
        icon = "list-ul"
        label = _("Checklist")
        description = _("Items the coachee ticks as they do them.")
        preview_value = {
            "title": "Before your next meeting",
            "items": ["Write down one point to make", "Ask one question"],
        }


class ActionPlanBlock(InteractiveBlock):
    answer_kind = "action"

    title = blocks.CharBlock(label=_("Title"), max_length=255)
    intro = blocks.TextBlock(label=_("Introduction"), required=False)

    class Meta:
        template = "wagtail_coaching/blocks/action_plan.html"
        preview_template = PREVIEW_TEMPLATE
        icon = "calendar-check"
        label = _("Action plan")
        description = _(
            "The coachee writes actions with due dates; they join their goals and actions."
        )
        preview_value = {
            "title": "My next three actions",
            "intro": "Small, concrete, with a date.",
        }


INTERACTIVE_KINDS = {
    block.answer_kind: block
    for block in (ReflectionPromptBlock, ScaleBlock, ChecklistBlock, ActionPlanBlock)
}
