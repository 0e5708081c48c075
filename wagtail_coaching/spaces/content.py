"""What lives inside a client space: notes, goals (with their history) and documents.

Every piece of text, every file's bytes, and a goal's progress and status (with their
history) are encrypted under the space's data key (:mod:`wagtail_coaching.crypto`). Who may
see or change what is decided by the functions at the end of this module; views call them
after the lock and the contract gate.
"""

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from wagtail_coaching.spaces.crypto import EncryptedContent, EncryptedInteger, EncryptedText
from wagtail_coaching.spaces.models import ClientSpace
from wagtail_coaching.spaces.uploads import private_storage


class NoteVisibility(models.TextChoices):
    PRIVATE = "private", _("Only me")
    SHARED = "shared", _("Shared in the space")


class Note(EncryptedContent):
    space = models.ForeignKey(
        ClientSpace, verbose_name=_("client space"), on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    visibility = models.CharField(
        _("visible to"),
        max_length=16,
        choices=NoteVisibility.choices,
        default=NoteVisibility.PRIVATE,
    )
    body_encrypted = models.BinaryField(editable=False)
    body = EncryptedText("body_encrypted")
    # Bumped on every edit; an edit made from an older revision is refused, not lost.
    revision = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")


class GoalStatus(models.TextChoices):
    OPEN = "open", _("In progress")
    ACHIEVED = "achieved", _("Achieved")
    DROPPED = "dropped", _("Dropped")


def _encrypt_defaults(row):
    """Store a goal's default progress and status encrypted too: an empty column would say
    "never changed", which is itself something."""
    for name in ("progress", "status"):
        if getattr(row, f"{name}_encrypted") is None:
            setattr(row, name, getattr(row, name))


def status_label(status):
    """The label of a goal's status (the value itself if it is not a known one)."""
    try:
        return GoalStatus(status).label
    except ValueError:
        return status


class Goal(EncryptedContent):
    space = models.ForeignKey(
        ClientSpace, verbose_name=_("client space"), on_delete=models.CASCADE, related_name="goals"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    title_encrypted = models.BinaryField(editable=False)
    title = EncryptedText("title_encrypted")
    why_encrypted = models.BinaryField(editable=False, null=True)
    why = EncryptedText("why_encrypted")
    progress_encrypted = models.BinaryField(null=True, editable=False)
    progress = EncryptedInteger("progress_encrypted", default=0)
    status_encrypted = models.BinaryField(null=True, editable=False)
    status = EncryptedText("status_encrypted", default=GoalStatus.OPEN)
    revision = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def save(self, *args, **kwargs):
        _encrypt_defaults(self)
        super().save(*args, **kwargs)

    def get_status_display(self):
        return status_label(self.status)


class GoalChange(EncryptedContent):
    """One entry of a goal's history: its state right after a change."""

    goal = models.ForeignKey(
        Goal, verbose_name=_("goal"), on_delete=models.CASCADE, related_name="changes"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    title_encrypted = models.BinaryField(editable=False)
    title = EncryptedText("title_encrypted")
    why_encrypted = models.BinaryField(editable=False, null=True)
    why = EncryptedText("why_encrypted")
    progress_encrypted = models.BinaryField(null=True, editable=False)
    progress = EncryptedInteger("progress_encrypted", default=0)
    status_encrypted = models.BinaryField(null=True, editable=False)
    status = EncryptedText("status_encrypted", default=GoalStatus.OPEN)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("goal change")
        verbose_name_plural = _("goal changes")

    def save(self, *args, **kwargs):
        _encrypt_defaults(self)
        super().save(*args, **kwargs)

    def get_status_display(self):
        return status_label(self.status)

    @property
    def encryption_space(self):
        return self.goal.space


class SpaceDocument(EncryptedContent):
    """A file of a space. Its bytes are stored encrypted in the private storage
    (:func:`wagtail_coaching.uploads.private_storage`) under a random name."""

    space = models.ForeignKey(
        ClientSpace,
        verbose_name=_("client space"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    name_encrypted = models.BinaryField(editable=False)
    name = EncryptedText("name_encrypted")
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    storage_name = models.CharField(max_length=255, unique=True, editable=False)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")


@receiver(post_delete, sender=SpaceDocument)
def _delete_stored_file(sender, instance, **kwargs):
    # After commit: a rolled back deletion must keep its file.
    name = instance.storage_name
    transaction.on_commit(lambda: private_storage().delete(name))


# --- Who may see and change what ------------------------------------------------------------
# Callers have already passed the lock and the contract gate for ``space``.


def notes_visible_to(user, space):
    return space.notes.filter(Q(visibility=NoteVisibility.SHARED) | Q(author_id=user.pk))


def may_change_note(user, note):
    return note.author_id == user.pk


def goals_of(space):
    return space.goals.all()


def may_delete_goal(user, goal):
    return goal.created_by_id == user.pk


def documents_of(space):
    return space.documents.select_related("uploaded_by")


def may_delete_document(user, document):
    return document.uploaded_by_id == user.pk


def record_goal_change(goal, user):
    change = GoalChange(goal=goal, changed_by=user, progress=goal.progress, status=goal.status)
    change.title = goal.title
    change.why = goal.why
    change.save()
    return change


def content_counts(space):
    """How much content a space holds: figures only, kept after erasure."""
    return {
        "notes": space.notes.count(),
        "goals": space.goals.count(),
        "documents": space.documents.count(),
        "answers": space.answers.count(),
        "actions": space.actions.count(),
    }
