"""Changes staff make to people's accounts from the Wagtail admin, made visible.

When someone other than the account's owner changes its password, e-mail address, or its
superuser or staff flag through Wagtail's user screens, the owner is told by e-mail (to the
old address too when it changed; never any content) and the change is written in the access
log of every space the owner may enter, with the staff member's name. Deleting an account
writes "Account deleted" in those logs first; names kept in the log survive the deletion.

Wired by ``wagtail_hooks`` to Wagtail's ``before_edit_user`` / ``after_edit_user`` and
``before_delete_user`` hooks.
"""

from django.utils.translation import gettext as _

from wagtail_coaching.spaces import audit, lock, mail
from wagtail_coaching.spaces.models import display_name
from wagtail_coaching.spaces.notices import absolute_url, notice

BEFORE = "_wagtail_coaching_account_before"
WATCHED = ("password", "email", "is_superuser", "is_staff")


def _snapshot(user):
    return {field: getattr(user, field, None) for field in WATCHED}


def remember_account(request, user):
    """``before_edit_user``: note what the account looks like before the form is saved."""
    if request.method == "POST":
        setattr(request, BEFORE, _snapshot(type(user).objects.get(pk=user.pk)))


def changes(before, user):
    """The access-log actions for what changed between ``before`` and ``user``."""
    found = []
    if before["password"] != user.password:
        found.append(audit.AccessAction.PASSWORD_CHANGED)
    if (before["email"] or "").lower() != (user.email or "").lower():
        found.append(audit.AccessAction.EMAIL_CHANGED)
    if before["is_superuser"] != user.is_superuser or before["is_staff"] != user.is_staff:
        found.append(audit.AccessAction.RIGHTS_CHANGED)
    return found


def account_saved(request, user):
    """``after_edit_user``: tell the owner and log the change in each of their spaces."""
    before = getattr(request, BEFORE, None)
    if before is None or request.user.pk == user.pk:
        return
    found = changes(before, user)
    if not found:
        return
    for space in lock.spaces_for_user(user).select_related("coachee"):
        for action in found:
            audit.record(space, request.user, action, subject_user=user)
    staff = display_name(request.user)
    old_email = before["email"] or ""
    addresses = [""]  # the account's address
    if old_email and old_email.lower() != (user.email or "").lower():
        addresses.append(old_email)
    for address in addresses:
        mail.send_later(
            "account_changed", user, staff=staff, actions=[str(a) for a in found], email=address
        )


@mail.email_kind("account_changed")
def account_changed_email(user, staff, actions, email):
    """The notice of a change made by ``staff``; ``email`` when not the account's address."""
    address = email or user.email
    if not address or not user.is_active:
        return None

    def subject():
        return _("Your account was changed")

    def message():
        labels = [str(audit.AccessAction(action).label) for action in actions]
        return _(
            "%(who)s changed your account from the administration: %(what)s. If you did not "
            "expect this, tell your coach or your organisation's contact at once."
        ) % {"who": staff, "what": ", ".join(labels)}

    return notice(user, subject, message, absolute_url("/"), address)


def account_deleted(request, user):
    """``before_delete_user`` (on the confirming POST): log the deletion in each space."""
    if request.method != "POST":
        return
    for space in lock.spaces_for_user(user).select_related("coachee"):
        audit.record(space, request.user, audit.AccessAction.ACCOUNT_DELETED, subject_user=user)
