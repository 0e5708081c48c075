"""Answers to interactive blocks: forms, saving without loss, and what a block may show.

Rules a caller may rely on:

* Only the coachee of a space writes answers and actions; its other participants read them.
* :func:`save_answer` never overwrites a change it has not seen: a save prepared from an
  older version returns ``CONFLICT`` and leaves the stored answer alone. Saving the same
  content twice returns ``UNCHANGED`` and creates nothing.
* :func:`add_action` is idempotent on the action's ``public_id`` (given by the form).
"""

import uuid
from dataclasses import dataclass, field

from django import forms
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail_coaching.programmes.progress import Action, Answer, AnswerKind, record_start

SAVED, UNCHANGED, CONFLICT = "saved", "unchanged", "conflict"

MAX_REFLECTION_LENGTH = 20_000


class VersionedForm(forms.Form):
    # The version of the answer the form was prepared from; 0 when there was none.
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput, initial=0)


class ReflectionForm(VersionedForm):
    text = forms.CharField(
        label=_("Your answer"),
        max_length=MAX_REFLECTION_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Write something before saving.")},
    )

    def __init__(self, *args, block_value=None, **kwargs):
        super().__init__(*args, **kwargs)

    @staticmethod
    def content_of(cleaned_data):
        return {"text": cleaned_data["text"]}


class ScaleForm(VersionedForm):
    value = forms.TypedChoiceField(
        label=_("Your position"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a value before saving.")},
    )

    def __init__(self, *args, block_value=None, **kwargs):
        super().__init__(*args, **kwargs)
        low, high = block_value["min_value"], block_value["max_value"]
        self.fields["value"].choices = [(n, str(n)) for n in range(low, high + 1)]

    @staticmethod
    def content_of(cleaned_data):
        return {"value": cleaned_data["value"]}


class ChecklistForm(VersionedForm):
    items = forms.MultipleChoiceField(
        label=_("Done"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, block_value=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = [
            (child.id, child.value) for child in block_value["items"].bound_blocks
        ]

    @staticmethod
    def content_of(cleaned_data):
        return {"items": sorted(cleaned_data["items"])}


class ActionForm(forms.Form):
    action_id = forms.UUIDField(widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("Action"),
        max_length=500,
        strip=True,
        error_messages={"required": _("Describe the action before adding it.")},
    )
    due_date = forms.DateField(
        label=_("Due date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


FORMS = {
    AnswerKind.REFLECTION: ReflectionForm,
    AnswerKind.SCALE: ScaleForm,
    AnswerKind.CHECKLIST: ChecklistForm,
}


def initial_for(answer):
    if answer is None:
        return {"version": 0}
    return {
        "version": answer.version,
        "text": answer.text,
        "value": answer.value,
        "items": list(answer.items),
    }


def _same(answer, content):
    return all(getattr(answer, name) == value for name, value in content.items())


def save_answer(*, space, module, block_id, kind, content, seen_version, user):
    """Store ``content`` as the answer to ``block_id``; returns ``(outcome, answer)``.

    ``outcome`` is ``SAVED``, ``UNCHANGED`` (the stored answer already says this) or
    ``CONFLICT`` (someone saved another version since ``seen_version``; ``answer`` is that
    stored version, left untouched).
    """
    block_id = uuid.UUID(str(block_id))
    with transaction.atomic():
        answer = (
            Answer.objects.select_for_update()
            .filter(space=space, module=module, block_id=block_id)
            .first()
        )
        if answer is None:
            try:
                with transaction.atomic():
                    answer = Answer(
                        space=space, module=module, block_id=block_id, kind=kind, updated_by=user
                    )
                    for name, value in content.items():
                        setattr(answer, name, value)  # after ``space``: text is encrypted
                    answer.save()
                    record_start(space, module)
            except IntegrityError:
                # Another request created it between our read and our write.
                answer = Answer.objects.get(space=space, module=module, block_id=block_id)
                return (UNCHANGED if _same(answer, content) else CONFLICT), answer
            return SAVED, answer
        if _same(answer, content):
            return UNCHANGED, answer
        if answer.version != seen_version:
            return CONFLICT, answer
        for name, value in content.items():
            setattr(answer, name, value)
        answer.version += 1
        answer.updated_by = user
        answer.save()
        record_start(space, module)
        return SAVED, answer


def add_action(*, space, module, block_id, public_id, text, due_date, user):
    """Create the action ``public_id`` in ``space``; returns ``(created, action)``.

    Submitting the same form twice finds the first action instead of making a second. An id
    already used in another space creates nothing and returns ``(False, None)``: actions of
    other spaces are never looked up, let alone returned.
    """
    action = Action.objects.filter(space=space, public_id=public_id).first()
    if action is not None:
        return False, action
    try:
        with transaction.atomic():
            action = Action(
                public_id=public_id,
                space=space,
                module=module,
                block_id=block_id,
                due_date=due_date,
                created_by=user,
            )
            action.text = text  # after ``space``: the text is encrypted
            action.save()
            record_start(space, module)
    except IntegrityError:
        return False, Action.objects.filter(space=space, public_id=public_id).first()
    return True, action


def set_action_done(action, done):
    """Mark ``action`` done or not; saying the same thing twice changes nothing."""
    if action.done == done:
        return action
    action.done = done
    action.done_at = timezone.now() if done else None
    action.save(update_fields=["done", "done_at"])
    if done:
        record_start(action.space, action.module)
    return action


@dataclass
class Posted:
    """A form that was just submitted for one block and must be shown again."""

    form: forms.Form
    conflict: Answer | None = None


@dataclass
class ModuleAnswers:
    """What the interactive blocks of one module may show inside one space.

    Built by the space views with every answer and action of the module already loaded
    (a constant number of queries); the blocks only read it.
    """

    space: object
    module: object
    can_answer: bool
    answers: dict = field(default_factory=dict)
    actions: dict = field(default_factory=dict)
    posted: dict = field(default_factory=dict)

    def for_block(self, block, value, block_id):
        key = str(block_id)
        answer = self.answers.get(key)
        posted = self.posted.get(key)
        context = {
            "answer": answer,
            "can_answer": self.can_answer,
            "conflict": posted.conflict if posted else None,
            "action_url": reverse(
                "wagtail_coaching:space_answer",
                kwargs={
                    "public_id": self.space.public_id,
                    "module_id": self.module.pk,
                    "block_id": key,
                },
            ),
        }
        if block.answer_kind == "action":
            context["actions"] = self.actions.get(key, [])
            if self.can_answer:
                context["form"] = (
                    posted.form
                    if posted
                    else ActionForm(initial={"action_id": uuid.uuid4()}, auto_id=f"id_{key}_%s")
                )
        elif self.can_answer:
            form_class = FORMS[block.answer_kind]
            context["form"] = (
                posted.form
                if posted
                else form_class(
                    initial=initial_for(answer), block_value=value, auto_id=f"id_{key}_%s"
                )
            )
        return context


def load_module_answers(space, module, *, can_answer, posted=None):
    """A :class:`ModuleAnswers` for ``module`` in ``space``: two queries."""
    answers = {}
    for answer in Answer.objects.filter(space=space, module=module):
        answer.space = space  # one space object: its data key is unwrapped once
        answers[str(answer.block_id)] = answer
    actions = {}
    for action in Action.objects.filter(space=space, module=module):
        action.space = space
        actions.setdefault(str(action.block_id), []).append(action)
    return ModuleAnswers(
        space=space,
        module=module,
        can_answer=can_answer,
        answers=answers,
        actions=actions,
        posted=posted or {},
    )
