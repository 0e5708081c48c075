"""What happens to a client space when its coach's or coachee's account is deleted.

The space stays, so that sponsor reports still add up (its sessions, dates, organisation and
programme are kept), but the deleted person is replaced by an inactive, nameless stand-in
account that can never log in and holds no grant. The deleted person's own content (notes,
goals, documents, contract acceptances) goes with their account (foreign key cascade), and
so do their permission rows. A space whose coachee is deleted is closed.

This module imports no model at import time: ``spaces.models`` uses :func:`anonymise_participant`
as an ``on_delete`` handler.
"""

import uuid

from django.apps import apps
from django.contrib.auth import get_user_model


def stand_in_user():
    """A new inactive account with no name and an unusable password."""
    User = get_user_model()
    user = User(**{User.USERNAME_FIELD: f"deleted-{uuid.uuid4().hex[:12]}"}, is_active=False)
    user.set_unusable_password()
    user.save()
    return user


def anonymise_participant(collector, field, sub_objs, using):
    """``on_delete`` handler for ``ClientSpace.coach`` and ``ClientSpace.coachee``."""
    if not sub_objs:
        return
    if _only_listing(collector):
        # The admin's "what will be deleted" listing collects without deleting: no account
        # is created, and the spaces are not listed as deleted (they are kept).
        return
    stand_in = stand_in_user()
    collector.add_field_update(field, stand_in, sub_objs)
    if field.name == "coachee":
        status = field.model._meta.get_field("status")
        collector.add_field_update(status, "closed", sub_objs)
        # The coachee's answers and actions are their content: they go with them. Module
        # completion and step marks are counts and stay for the sponsor's report.
        # Looked up by name: the programmes domain sits above this one.
        for name in ("Answer", "Action"):
            model = apps.get_model("wagtail_coaching", name)
            collector.collect(model.objects.filter(space__in=sub_objs), source=field.model)


def _only_listing(collector):
    try:
        from django.contrib.admin.utils import NestedObjects
    except ImportError:  # pragma: no cover  (django.contrib.admin not installed)
        return False
    return isinstance(collector, NestedObjects)


# Django's migration writer needs a deconstructible on_delete: a module-level function is.
anonymise_participant.__module__ = __name__
