"""The StreamBlocks used by the page models."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from wagtail_coaching.blocks.content import (
    CalloutBlock,
    HeadingBlock,
    ImageBlock,
    QuoteBlock,
    ResourceBlock,
    RichTextContentBlock,
    TalkWithCoachBlock,
    VideoBlock,
)
from wagtail_coaching.blocks.interactive import (
    ActionPlanBlock,
    ChecklistBlock,
    ReflectionPromptBlock,
    ScaleBlock,
)
from wagtail_coaching.blocks.steps import ProgrammeStepBlock


class ModuleBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    text = RichTextContentBlock()
    quote = QuoteBlock()
    image = ImageBlock()
    video = VideoBlock()
    resource = ResourceBlock()
    callout = CalloutBlock()
    reflection = ReflectionPromptBlock()
    scale = ScaleBlock()
    checklist = ChecklistBlock()
    action_plan = ActionPlanBlock()
    talk_with_coach = TalkWithCoachBlock()

    class Meta:
        block_counts = {}
        label = _("Module content")


class ProgrammeStepsBlock(blocks.StreamBlock):
    step = ProgrammeStepBlock()

    class Meta:
        label = _("Steps")
