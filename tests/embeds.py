"""An oEmbed finder for the tests: no network, a fixed player for any YouTube address."""

from wagtail.embeds.finders.base import EmbedFinder


class FakeVideoFinder(EmbedFinder):
    def accept(self, url):
        return "youtube.com" in url

    def find_embed(self, url, max_width=None, max_height=None):
        return {
            "title": "A video",
            "type": "video",
            "html": '<iframe title="A video" src="https://www.youtube-nocookie.com/embed/x"></iframe>',
            "width": 640,
            "height": 360,
        }
