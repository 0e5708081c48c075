"""The admin preview of every block: the block in the app's stylesheet."""

PREVIEW_TEMPLATE = "wagtail_coaching/blocks/preview.html"
