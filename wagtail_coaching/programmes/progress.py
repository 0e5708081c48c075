"""Progress in a client space: what the coachee did, and the figures drawn from it.

Two halves:

* Models keyed to a :class:`~wagtail_coaching.models.ClientSpace`: module progress, the
  coach's marks on steps, answers to interactive blocks, and actions. They belong to the
  space (cascade with it) and are shown only by the space's views.
* Plain functions that define the progress figures. They are the single definition of
  "sessions held", "time spent", "modules completed" and of percentages, for the journey
  page and for sponsor reports alike.

Definitions a caller may rely on:

* A session is *held* when its status is ``done``. Planned, cancelled and missed sessions
  never count as held and never add time.
* *Time spent* is the sum of the ``confirmed_minutes`` of held sessions: only minutes the
  coach confirmed count.
* A module is *started* when the coachee first writes something in it (an answer, a checklist
  tick, an action, an action ticked) or marks it done: :func:`record_start` is called where
  that is written. Opening a module's page starts nothing.
* A module is *completed* when the coachee marked it done (its ``completed_at`` is set).
* A percentage is an integer between 0 and 100; a part larger than its whole gives 100 and
  an empty whole gives 0.
"""

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail_coaching.blocks.steps import StepKind
from wagtail_coaching.sessions.models import CoachingSession, SessionStatus
from wagtail_coaching.spaces.crypto import (
    EncryptedContent,
    EncryptedInteger,
    EncryptedJSON,
    EncryptedText,
)
from wagtail_coaching.spaces.models import ClientSpace

HELD = SessionStatus.DONE

# --- Models ----------------------------------------------------------------------------------


class ModuleProgress(models.Model):
    """A module started (the coachee wrote in it) and perhaps marked done (completed)."""

    space = models.ForeignKey(
        ClientSpace,
        verbose_name=_("client space"),
        on_delete=models.CASCADE,
        related_name="module_progress",
    )
    # SET_NULL: an editor deleting a page never deletes what a coachee did.
    module = models.ForeignKey(
        "wagtail_coaching.ModulePage",
        verbose_name=_("module"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("module progress")
        verbose_name_plural = _("module progress")
        constraints = [
            models.UniqueConstraint(
                fields=["space", "module"], name="wagtail_coaching_one_progress_per_module"
            )
        ]

    def __str__(self):
        return _("Progress %(id)s") % {"id": self.pk}

    @property
    def is_completed(self):
        return self.completed_at is not None


def record_start(space, module):
    """The progress row of ``module`` in ``space``, created if the module was not started yet.

    Called by the writers of the coachee's work (answers, actions, marking done), never by a
    page view, so that merely opening a module does not count as starting it."""
    if module is None:
        return None
    progress, _created = ModuleProgress.objects.get_or_create(space=space, module=module)
    return progress


class StepMark(models.Model):
    """A coach's decision on a programme step: done, or reopened. It wins over the automatic
    state (module completed, enough sessions held)."""

    space = models.ForeignKey(
        ClientSpace,
        verbose_name=_("client space"),
        on_delete=models.CASCADE,
        related_name="step_marks",
    )
    step_id = models.UUIDField(_("step"))
    done = models.BooleanField(_("done"))
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    marked_at = models.DateTimeField(_("marked at"), auto_now=True)

    class Meta:
        verbose_name = _("step mark")
        verbose_name_plural = _("step marks")
        constraints = [
            models.UniqueConstraint(
                fields=["space", "step_id"], name="wagtail_coaching_one_mark_per_step"
            )
        ]

    def __str__(self):
        return _("Step mark %(id)s") % {"id": self.pk}


class AnswerKind(models.TextChoices):
    REFLECTION = "reflection", _("Reflection")
    SCALE = "scale", _("Self-assessment")
    CHECKLIST = "checklist", _("Checklist")


class Answer(EncryptedContent):
    """The coachee's answer to one interactive block of one module, in one space.

    The written text (a reflection), the position on a scale and the ticked items are all
    encrypted at rest under the space's data key (:mod:`wagtail_coaching.crypto`): even a
    choice among the module's public options says something about the coachee. Set
    ``space`` before them (the constructor does, whatever the order of its arguments).

    ``version`` grows by one at every change; a save that was prepared from an older version
    is refused (see :func:`wagtail_coaching.answers.save_answer`), so two tabs never silently
    overwrite each other.
    """

    space = models.ForeignKey(
        ClientSpace,
        verbose_name=_("client space"),
        on_delete=models.CASCADE,
        related_name="answers",
    )
    module = models.ForeignKey(
        "wagtail_coaching.ModulePage",
        verbose_name=_("module"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    block_id = models.UUIDField(_("block"))
    kind = models.CharField(_("kind"), max_length=16, choices=AnswerKind.choices)
    text_encrypted = models.BinaryField(_("text (encrypted)"), null=True, editable=False)
    text = EncryptedText("text_encrypted")
    value_encrypted = models.BinaryField(null=True, editable=False)
    value = EncryptedInteger("value_encrypted")
    items_encrypted = models.BinaryField(null=True, editable=False)
    items = EncryptedJSON("items_encrypted")
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["space", "module", "block_id"],
                name="wagtail_coaching_one_answer_per_block",
            )
        ]

    def __str__(self):
        # Never the content: this string may reach logs and admin screens.
        return _("Answer %(id)s") % {"id": self.pk}


class Action(models.Model):
    """An action the coachee commits to, with a due date, written in an action-plan block.

    The journey shows these as "goals and actions". Goals themselves are not stored here:
    they come from the space content module (the ``Goal`` model with title, why it matters,
    progress and history), and the journey lists them beside these actions.

    ``public_id`` is given by the form that creates the action, so submitting the same form
    twice creates one action, not two. Its text is encrypted at rest like every written
    content of a space; set ``space`` before ``text``.
    """

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True)
    space = models.ForeignKey(
        ClientSpace,
        verbose_name=_("client space"),
        on_delete=models.CASCADE,
        related_name="actions",
    )
    module = models.ForeignKey(
        "wagtail_coaching.ModulePage",
        verbose_name=_("module"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    block_id = models.UUIDField(_("block"), null=True, blank=True)
    text_encrypted = models.BinaryField(_("action (encrypted)"), null=True, editable=False)
    text = EncryptedText("text_encrypted")
    due_date = models.DateField(_("due date"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["done", models.F("due_date").asc(nulls_last=True), "created_at"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        indexes = [models.Index(fields=["space", "done"])]

    def __str__(self):
        return _("Action %(id)s") % {"id": self.pk}

    # What crypto.EncryptedText needs: the space, a label and a stable random id for the AAD.
    @property
    def uid(self):
        return self.public_id

    @property
    def encryption_space(self):
        return self.space

    @property
    def encryption_label(self):
        return f"{self._meta.app_label}.{self._meta.model_name}"


# --- Figures ---------------------------------------------------------------------------------


def percent(part, whole):
    """``part`` of ``whole`` as an integer percentage in 0–100 (0 when ``whole`` is 0)."""
    if not whole or whole <= 0 or part <= 0:
        return 0
    return min(100, round(100 * part / whole))


class percent_of:
    """A read-only attribute: :func:`percent` of two other attributes of the instance, e.g.
    ``sessions_percent = percent_of("sessions_held", "sessions_planned")``."""

    def __init__(self, part, whole):
        self.part, self.whole = part, whole

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        return percent(getattr(instance, self.part), getattr(instance, self.whole))


def is_held(status):
    return status == HELD


def session_figures(sessions):
    """``(held, minutes)`` of an iterable of ``(status, confirmed_minutes)`` pairs."""
    held = minutes = 0
    for status, confirmed in sessions:
        if is_held(status):
            held += 1
            minutes += confirmed or 0
    return held, minutes


def session_totals(space_ids):
    """``{space id: (held, minutes)}`` for many spaces, in one aggregate query.

    The database twin of :func:`session_figures`, for reports.
    """
    held = Q(status=HELD)
    rows = (
        CoachingSession.objects.filter(space_id__in=space_ids)
        .values("space_id")
        .annotate(held=Count("pk", filter=held), minutes=Sum("confirmed_minutes", filter=held))
    )
    totals = {space_id: (0, 0) for space_id in space_ids}
    for row in rows:
        totals[row["space_id"]] = (row["held"], row["minutes"] or 0)
    return totals


DONE, CURRENT, TO_COME = "done", "current", "to_come"


@dataclass(frozen=True)
class Step:
    """What the step-state rule needs to know about one programme step."""

    id: str
    kind: str
    module_id: int | None = None


def step_states(steps, *, completed_module_ids, sessions_held, marks):
    """The state of each step, in order: ``"done"``, ``"current"`` or ``"to_come"``.

    * A coach's mark (``marks[step id]`` is True or False) decides when present.
    * Otherwise a step linked to a module is done when that module is completed, and the
      n-th step of kind "session" is done once n sessions were held.
    * Assessments and milestones without a link are done only when the coach marks them.
    * The first step that is not done is current; the other steps not done are to come.
    """
    states = []
    session_rank = 0
    for step in steps:
        if step.kind == StepKind.SESSION:
            session_rank += 1
        mark = marks.get(str(step.id))
        if mark is not None:
            done = bool(mark)
        elif step.module_id is not None:
            done = step.module_id in completed_module_ids
        elif step.kind == StepKind.SESSION:
            done = sessions_held >= session_rank
        else:
            done = False
        states.append(DONE if done else TO_COME)
    for index, state in enumerate(states):
        if state != DONE:
            states[index] = CURRENT
            break
    return states


@dataclass(frozen=True)
class Figures:
    """The numbers of a journey. Percentages follow :func:`percent`."""

    steps_done: int
    steps_total: int
    sessions_held: int
    sessions_planned: int
    modules_completed: int
    modules_total: int
    minutes_spent: int
    actions_done: int
    actions_total: int

    steps_percent = percent_of("steps_done", "steps_total")
    sessions_percent = percent_of("sessions_held", "sessions_planned")
    modules_percent = percent_of("modules_completed", "modules_total")
    actions_percent = percent_of("actions_done", "actions_total")

    @property
    def steps_to_come(self):
        return self.steps_total - self.steps_done


def compute_figures(
    *, states, sessions, sessions_planned, module_ids, completed_module_ids, actions_done
):
    """Figures from plain data.

    ``states``: the output of :func:`step_states`; ``sessions``: ``(status, confirmed
    minutes)`` pairs; ``module_ids``: the programme's live modules; ``completed_module_ids``:
    modules completed in the space (others are ignored); ``actions_done``: one bool per
    action.
    """
    held, minutes = session_figures(sessions)
    module_ids = set(module_ids)
    actions_done = list(actions_done)
    return Figures(
        steps_done=sum(1 for state in states if state == DONE),
        steps_total=len(states),
        sessions_held=held,
        sessions_planned=sessions_planned,
        modules_completed=len(module_ids & set(completed_module_ids)),
        modules_total=len(module_ids),
        minutes_spent=minutes,
        actions_done=sum(1 for done in actions_done if done),
        actions_total=len(actions_done),
    )
