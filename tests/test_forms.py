"""One form style on every site page: each field of a site form is laid out by
``includes/form_field.html`` (its label above its control, inside ``.coaching-field``), in a
form of class ``coaching-form``. The only other stacked style is the module blocks' answer
forms (``coaching-answer-form``), written inside a block's card.

The crawl is the title test's: every page a demo user reaches, as each of them.
"""

from html.parser import HTMLParser

import pytest

from .test_titles import crawl_as_every_demo_user

pytestmark = pytest.mark.django_db

TEXT_INPUTS = {"text", "email", "password", "search", "number", "date", "time", "url", "tel"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class FormFields(HTMLParser):
    """Each text-like control of a POST form inside the app's ``.coaching`` frame, with the
    classes of its form and of its label's ancestors."""

    def __init__(self):
        super().__init__()
        self.stack = []  # (tag, classes, attrs)
        self.labels = {}  # control id -> classes of the label's ancestors
        self.controls = []  # (id, name, form classes)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = set((attrs.get("class") or "").split())
        if tag == "label" and attrs.get("for"):
            self.labels[attrs["for"]] = set().union(*(c for _t, c, _a in self.stack))
        kind = (attrs.get("type") or "text").lower()
        if (tag == "input" and kind in TEXT_INPUTS) or tag in ("select", "textarea"):
            form = next((a for t, _c, a in reversed(self.stack) if t == "form"), None)
            in_app = any("coaching" in c for _t, c, _a in self.stack)
            # A trap for robots (the trial form's honeypot) is hidden from people.
            for_people = not any(a.get("aria-hidden") == "true" for _t, _c, a in self.stack)
            is_post = form is not None and (form.get("method") or "").lower() == "post"
            if is_post and in_app and for_people:
                form_classes = set((form.get("class") or "").split())
                self.controls.append((attrs.get("id"), attrs.get("name"), form_classes))
        if tag not in VOID:
            self.stack.append((tag, classes, attrs))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return


def test_every_site_form_has_the_one_stacked_style_for_every_demo_user(client):
    checked = set()
    for username, pages in crawl_as_every_demo_user(client).items():
        for url, (_title, body) in pages.items():
            parser = FormFields()
            parser.feed(body)
            for control_id, name, form_classes in parser.controls:
                where = f"{username or 'anonymous'} at {url}, field {name!r}"
                if "coaching-answer-form" in form_classes:
                    continue
                assert "coaching-form" in form_classes, f"{where}: form without coaching-form"
                assert control_id in parser.labels, f"{where}: no label"
                assert "coaching-field" in parser.labels[control_id], (
                    f"{where}: label outside includes/form_field.html"
                )
                checked.add(url)
    # The forms the issue named are among those checked: calendar, trial, planning.
    assert "/coaching/calendar/" in checked
    assert "/try-coaching/" in checked
    assert any(url.endswith("/sessions/new/") for url in checked)
    assert "/accounts/login/" in checked
