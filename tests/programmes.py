"""Builders of programme trees for the tests: real Wagtail pages with every block type."""

import uuid

from django.core.files.base import ContentFile
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Locale, Page, Site

from wagtail_coaching.programmes.pages import ModulePage, ProgrammeIndexPage, ProgrammePage


def new_id():
    return str(uuid.uuid4())


def home_page():
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is not None:
        return site.root_page
    if not Locale.objects.exists():  # a flushed database (browser tests) has none
        Locale.objects.create(language_code="en")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(title="Root", slug="root")
    home = root.add_child(instance=Page(title="Home", slug="home"))
    Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)
    return home


def make_image(title="Sunrise"):
    return Image.objects.create(title=title, file=get_test_image_file())


def make_document(title="Worksheet"):
    document = Document(title=title)
    document.file.save("worksheet.txt", ContentFile(b"Fill me in."), save=False)
    document.save()
    return document


def every_block(image=None, document=None, *, tag=""):
    """Raw stream data using every module block type, with fixed ids."""
    stream = [
        {"type": "heading", "value": {"text": f"Heading {tag}", "level": "h2"}},
        {"type": "text", "value": f"<p>Some text {tag}</p>"},
        {"type": "quote", "value": {"quote": f"A quote {tag}", "attribution": "Someone"}},
        {
            "type": "video",
            "value": {
                "video": "https://www.youtube.com/watch?v=coaching",
                "title": f"Video {tag}",
                "transcript": "What is said.",
            },
        },
        {
            "type": "callout",
            "value": {"tone": "tip", "title": f"Tip {tag}", "body": "<p>Breathe.</p>"},
        },
        {
            "type": "reflection",
            "value": {"question": f"What did you learn {tag}?", "guidance": "Take your time."},
        },
        {
            "type": "scale",
            "value": {
                "question": f"How confident are you {tag}?",
                "min_value": 1,
                "max_value": 10,
                "min_label": "Not at all",
                "max_label": "Completely",
            },
        },
        {
            "type": "checklist",
            "value": {
                "title": f"Checklist {tag}",
                "items": [
                    {"type": "item", "value": "First thing", "id": new_id()},
                    {"type": "item", "value": "Second thing", "id": new_id()},
                ],
            },
        },
        {"type": "action_plan", "value": {"title": f"Actions {tag}", "intro": "Be concrete."}},
        {"type": "talk_with_coach", "value": {"message": f"Bring this {tag}"}},
    ]
    if image is not None:
        stream.append(
            {"type": "image", "value": {"image": image.pk, "alt_text": "A sunrise", "caption": ""}}
        )
    if document is not None:
        stream.append(
            {
                "type": "resource",
                "value": {"document": document.pk, "title": "", "description": "Print it."},
            }
        )
    for child in stream:
        child["id"] = new_id()
    return stream


def make_programme(*, modules=3, extra_steps=0, module_body=None, title="Leading", slug=None):
    """An index, a programme with ``modules`` live modules, and steps:

    one session step, then one step per module (linked), then a milestone, then
    ``extra_steps`` more session steps.
    """
    home = home_page()
    index = ProgrammeIndexPage(title="Programmes", slug=f"programmes-{uuid.uuid4().hex[:8]}")
    home.add_child(instance=index)
    programme = ProgrammePage(
        title=title,
        slug=slug or f"programme-{uuid.uuid4().hex[:8]}",
        planned_sessions=6,
        session_length_minutes=60,
        duration_weeks=12,
        audience="Managers",
        follow_up="<p>A check-in every month.</p>",
    )
    index.add_child(instance=programme)
    pages = []
    for number in range(1, modules + 1):
        body = module_body(number) if module_body else every_block(tag=str(number))
        module = ModulePage(
            title=f"Module {number}",
            slug=f"module-{number}",
            estimated_minutes=15,
            body=body,
        )
        programme.add_child(instance=module)
        pages.append(module)
    steps = [{"type": "step", "value": {"title": "Kick-off", "kind": "session"}}]
    steps += [
        {
            "type": "step",
            "value": {"title": f"Work on {module.title}", "kind": "module", "module": module.pk},
        }
        for module in pages
    ]
    steps.append({"type": "step", "value": {"title": "Mid-way review", "kind": "milestone"}})
    steps += [
        {"type": "step", "value": {"title": f"Session {n}", "kind": "session"}}
        for n in range(extra_steps)
    ]
    for step in steps:
        step["id"] = new_id()
        step["value"].setdefault("description", "")
        step["value"].setdefault("module", None)
    programme.steps = steps
    programme.save()
    return programme, pages


def block_ids(module, block_type):
    return [child.id for child in module.body if child.block_type == block_type]


def make_answer(*, text="", **fields):
    """An ``Answer`` saved with ``text`` encrypted under its space's key."""
    from wagtail_coaching.programmes.progress import Answer

    answer = Answer(**fields)
    answer.text = text
    answer.save()
    return answer


def make_action(*, text, **fields):
    """An ``Action`` saved with ``text`` encrypted under its space's key."""
    from wagtail_coaching.programmes.progress import Action

    action = Action(**fields)
    action.text = text
    action.save()
    return action
