"""StreamField blocks of programmes and modules.

Every block has a namespaced template under ``wagtail_coaching/blocks/`` that an installing
site overrides by putting a template of the same name in its own templates folder, an icon,
a description shown in the block chooser, and a preview value.

Interactive blocks (:mod:`.interactive`) render a form only when the module is shown inside
a client space (the view puts a ``coaching`` object in the context); anywhere else — the
page's public URL, an editor's preview — they show the question alone.
"""

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
    INTERACTIVE_KINDS,
    ActionPlanBlock,
    ChecklistBlock,
    InteractiveBlock,
    ReflectionPromptBlock,
    ScaleBlock,
)
from wagtail_coaching.blocks.steps import ProgrammeStepBlock, StepKind
from wagtail_coaching.blocks.streams import ModuleBodyBlock, ProgrammeStepsBlock

__all__ = [
    "INTERACTIVE_KINDS",
    "ActionPlanBlock",
    "CalloutBlock",
    "ChecklistBlock",
    "HeadingBlock",
    "ImageBlock",
    "InteractiveBlock",
    "ModuleBodyBlock",
    "ProgrammeStepBlock",
    "ProgrammeStepsBlock",
    "QuoteBlock",
    "ReflectionPromptBlock",
    "ResourceBlock",
    "RichTextContentBlock",
    "ScaleBlock",
    "StepKind",
    "TalkWithCoachBlock",
    "VideoBlock",
]
