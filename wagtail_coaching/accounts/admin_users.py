"""The admin's users screens and the second factor.

Staff who manage users may not set the password of someone whose account has (or whose
role requires) a second factor: a password set by someone else would let them log in as that
person. They reset the second factor instead (the user is told by e-mail) and the person
resets their own password by e-mail. Only a superuser grants or removes the superuser flag
(Wagtail's user forms offer it to anyone who may change users). The hooks are registered in
``wagtail_hooks``.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.widgets import Button

from wagtail_coaching.accounts import twofactor

URL_NAME = "wagtail_coaching_second_factor_reset"


def may_manage(request_user, user):
    """Who may reset ``user``'s second factor: staff allowed to change users, and only a
    superuser for a superuser."""
    User = get_user_model()
    opts = User._meta
    if not request_user.has_perm(f"{opts.app_label}.change_{opts.model_name}"):
        return False
    return request_user.is_superuser or not user.is_superuser


def password_is_locked(user):
    """True if staff may not set ``user``'s password."""
    return twofactor.has_second_factor(user) or twofactor.is_required(user)


def refuse_password_change(request, user):
    """``before_edit_user``: a posted password for someone else whose password is locked is
    refused before anything is saved."""
    if request.method != "POST" or user.pk == request.user.pk:
        return None
    if not (request.POST.get("password1") or request.POST.get("password2")):
        return None
    if not password_is_locked(user):
        return None
    messages.error(
        request,
        _(
            "You cannot set the password of %(user)s: their account has or needs a second "
            "factor. Reset their second factor if they lost it; they set a new password "
            "themselves with “Forgot your password?”."
        )
        % {"user": user.get_username()},
    )
    return redirect("wagtailusers_users:edit", user.pk)


def _refuse_superuser_flag(request, url_name, *args):
    if request.method != "POST" or request.user.is_superuser:
        return None
    messages.error(
        request,
        _(
            "Only a superuser may make someone a superuser or take the flag away; nothing "
            "was saved."
        ),
    )
    return redirect(url_name, *args)


def refuse_superuser_change(request, user):
    """``before_edit_user``: staff who are not superusers never change the superuser flag."""
    if bool(request.POST.get("is_superuser")) == user.is_superuser:
        return None
    return _refuse_superuser_flag(request, "wagtailusers_users:edit", user.pk)


def refuse_superuser_creation(request):
    """``before_create_user``: staff who are not superusers never create a superuser."""
    if not request.POST.get("is_superuser"):
        return None
    return _refuse_superuser_flag(request, "wagtailusers_users:add")


def reset_view(request, user_id):
    user = get_object_or_404(get_user_model(), pk=user_id)
    if not may_manage(request.user, user):
        raise Http404  # the same answer as a missing id
    if request.method == "POST":
        twofactor.reset_second_factor(user, request.user)
        messages.success(
            request,
            _("The second factor of %(user)s was reset; they were told by e-mail.")
            % {"user": user.get_username()},
        )
        return redirect("wagtailusers_users:index")
    return TemplateResponse(
        request,
        "wagtail_coaching/admin/reset_second_factor.html",
        {
            "target": user,
            "has_second_factor": twofactor.has_second_factor(user),
            "page_title": _("Reset second factor"),
        },
    )


def url_patterns():
    return [
        path("coaching-second-factor/<int:user_id>/reset/", reset_view, name=URL_NAME),
    ]


def listing_buttons(user, request_user):
    if not may_manage(request_user, user):
        return []
    # In the row's "More" menu: a rare act, offered without a query per row.
    return [
        Button(
            gettext_lazy("Reset second factor"),
            reverse(URL_NAME, args=(user.pk,)),
            icon_name="key",
            priority=50,
        )
    ]
