"""Admin URLs locked like site URLs.

wagtail-modeladmin checks a permission in some of its views only: its "history" view checks
none, and its instance views look the object up before asking, so a user without the right
tells an existing id from a missing one. :class:`LockedModelAdminGroup` wraps every URL of
every model admin in the group with one rule, checked before the view runs:

* the action needs a model permission of the admin's permission helper (list, add, change,
  delete, inspect; history needs "view" or "change"); a custom action (``erase``, ``convert``)
  names the check it needs in its admin's ``locked_actions``; an action named nowhere is
  refused, so a new screen is closed until someone decides who may use it;
* an instance URL answers only for an object in the admin's ``get_queryset(request)``, and the
  helper's object check (``user_can_edit_obj``...) must accept that object.

Whatever fails answers 404, exactly like a missing object, as the site's space URLs do.
"""

import functools

from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import re_path
from wagtail_modeladmin.options import ModelAdminGroup

# The modeladmin actions and the permission check each one needs.
BUILT_IN_ACTIONS = {
    "index": "list",
    "create": "create",
    "choose_parent": "create",
    "edit": "edit",
    "delete": "delete",
    "inspect": "inspect",
    "history": "history",
}


def user_may(model_admin, user, check, instance=None):
    """Whether ``user`` passes ``check`` ("list", "create", "edit", "delete", "inspect",
    "history") of ``model_admin``'s permission helper, on ``instance`` when given."""
    helper = model_admin.permission_helper
    if check == "list":
        return helper.user_can_list(user)
    if check == "create":
        return helper.user_can_create(user)
    if check == "history":
        # The model-wide part only: an object check would need the instance, asked below.
        may_view = helper.user_has_specific_permission(user, helper.get_perm_codename("view"))
        may_change = helper.user_has_specific_permission(user, helper.get_perm_codename("change"))
        return may_view or may_change
    object_check = {
        "edit": helper.user_can_edit_obj,
        "delete": helper.user_can_delete_obj,
        "inspect": helper.user_can_inspect_obj,
    }.get(check)
    if object_check is None:
        return False
    return object_check(user, instance)


def action_check(model_admin, action):
    """The check ``action`` of ``model_admin`` needs, or None when nobody named one."""
    return BUILT_IN_ACTIONS.get(action) or getattr(model_admin, "locked_actions", {}).get(action)


def visible_instance(model_admin, request, instance_pk):
    """The object ``instance_pk`` if the admin's list for this request holds it, else None."""
    try:
        return (
            model_admin.get_queryset(request)
            .filter(**{model_admin.model._meta.pk.attname: unquote(instance_pk)})
            .first()
        )
    except (ValueError, TypeError, ValidationError):
        return None


def locked_view(model_admin, action, view):
    check = action_check(model_admin, action)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if check is None:
            raise Http404
        instance = None
        instance_pk = kwargs.get("instance_pk")
        if instance_pk is not None:
            instance = visible_instance(model_admin, request, instance_pk)
            if instance is None:
                raise Http404
        if not user_may(model_admin, user, check, instance):
            raise Http404
        return view(request, *args, **kwargs)

    wrapper.locked_action = action
    return wrapper


def action_url(model_admin, action, view):
    """The URL of ``model_admin``'s custom instance action ``action`` served by ``view``
    (locked like the others once the admin is in a :class:`LockedModelAdminGroup`)."""
    return re_path(
        model_admin.url_helper.get_action_url_pattern(action),
        view,
        name=model_admin.url_helper.get_action_url_name(action),
    )


def action_of(model_admin, url_name):
    prefix = model_admin.url_helper.get_action_url_name("")
    return url_name[len(prefix) :] if url_name.startswith(prefix) else None


def lock_urls(model_admin, urls):
    """``urls`` of ``model_admin`` with each view wrapped in the rule above."""
    locked = []
    for pattern in urls:
        action = action_of(model_admin, pattern.name or "")
        locked.append(
            re_path(
                pattern.pattern.regex.pattern,
                locked_view(model_admin, action, pattern.callback),
                pattern.default_args,
                name=pattern.name,
            )
        )
    return tuple(locked)


class LockedModelAdminGroup(ModelAdminGroup):
    """A model admin group whose every URL is locked (see the module's docstring)."""

    def get_admin_urls_for_registration(self):
        urls = ()
        for model_admin in self.modeladmin_instances:
            urls += lock_urls(model_admin, model_admin.get_admin_urls_for_registration())
        return urls
