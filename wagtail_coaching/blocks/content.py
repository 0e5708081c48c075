"""Content blocks: what a module says. They store nothing about the coachee."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.rich_text import RichText

from wagtail_coaching.blocks.preview import PREVIEW_TEMPLATE

RICH_TEXT_FEATURES = ["h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link"]


class RichTextContentBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("features", RICH_TEXT_FEATURES)
        super().__init__(**kwargs)

    class Meta:
        template = "wagtail_coaching/blocks/text.html"
        preview_template = PREVIEW_TEMPLATE
        icon = "pilcrow"
        label = _("Text")
        description = _("Paragraphs, lists and links.")
        preview_value = RichText(
            "<p>Confidence grows from small steps taken <b>on purpose</b>.</p>"
        )


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Heading"), max_length=255)
    level = blocks.ChoiceBlock(
        label=_("Level"),
        choices=[("h2", _("Section")), ("h3", _("Subsection"))],
        default="h2",
    )

    class Meta:
        template = "wagtail_coaching/blocks/heading.html"
        preview_template = PREVIEW_TEMPLATE
        icon = "title"
        label = _("Heading")
        description = _("A section title that also appears in the outline of the module.")
        preview_value = {"text": "Where do you stand today?", "level": "h2"}


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(label=_("Attribution"), required=False, max_length=255)

    class Meta:
        template = "wagtail_coaching/blocks/quote.html"
        preview_template = PREVIEW_TEMPLATE
        icon = "openquote"
        label = _("Quote")
        description = _("A quotation with its author.")
        preview_value = {
            "quote": "We are what we repeatedly do.",
            "attribution": "Will Durant",
        }


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        required=False,
        max_length=255,
        help_text=_("What the image shows, for people who cannot see it. Empty if decorative."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=255)

    class Meta:
        template = "wagtail_coaching/blocks/image.html"
        preview_template = PREVIEW_TEMPLATE
        icon = "image"
        label = _("Image")
        description = _("A picture with its alternative text and an optional caption.")
        preview_value = {"image": None, "alt_text": "", "caption": "A caption under the image"}


class VideoBlock(blocks.StructBlock):
    video = EmbedBlock(label=_("Video address"), help_text=_("A YouTube or Vimeo address."))
    title = blocks.CharBlock(
        label=_("Title"), max_length=255, help_text=_("Names the video for screen readers.")
    )
    transcript = blocks.TextBlock(label=_("Transcript"), required=False)

    class Meta:
        template = "wagtail_coaching/blocks/video.html"
        preview_template = PREVIEW_TEMPLATE
        icon = "media"
        label = _("Video")
        description = _("An embedded video, with a title and an optional transcript.")
        preview_value = {
            "video": None,
            "title": "Three minutes on feedback",
            "transcript": "",
        }


class ResourceBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(
        label=_("Link text"),
        required=False,
        max_length=255,
        help_text=_("Defaults to the document's title."),
    )
    description = blocks.TextBlock(label=_("Description"), required=False)

    class Meta:
        template = "wagtail_coaching/blocks/resource.html"
        preview_template = PREVIEW_TEMPLATE
        icon = "download"
        label = _("Downloadable resource")
        description = _("A document from the Wagtail library that the coachee can download.")
        preview_value = {
            "document": None,
            "title": "Worksheet: my week in review",
            "description": "Print it or fill it in on screen.",
        }


class CalloutBlock(blocks.StructBlock):
    tone = blocks.ChoiceBlock(
        label=_("Tone"),
        choices=[("tip", _("Tip")), ("info", _("Good to know")), ("warning", _("Take care"))],
        default="tip",
    )
    title = blocks.CharBlock(label=_("Title"), required=False, max_length=255)
    body = RichTextContentBlock(label=_("Text"))

    class Meta:
        template = "wagtail_coaching/blocks/callout.html"
        preview_template = PREVIEW_TEMPLATE
        icon = "info-circle"
        label = _("Callout")
        description = _("A highlighted box: a tip, something good to know, a caution.")
        preview_value = {
            "tone": "tip",
            "title": "Tip",
            "body": RichText("<p>Write your answer before reading the next section.</p>"),
        }


class TalkWithCoachBlock(blocks.StructBlock):
    message = blocks.TextBlock(
        label=_("What to bring to the session"),
        required=False,
        help_text=_("Leave empty for the standard invitation to talk about it with the coach."),
    )

    class Meta:
        template = "wagtail_coaching/blocks/talk_with_coach.html"
        preview_template = PREVIEW_TEMPLATE
        icon = "comment"
        label = _("Talk about it with your coach")
        description = _("Marks a point the coachee should bring to their next session.")
        preview_value = {"message": "Which of these habits would you like to change first?"}
