"""Who plays which part: coaches are the members of the coaches group; stand-in and
anonymous rows are never real users. Plain queries, no grant: entry is the lock's (``lock``)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from guardian.conf import settings as guardian_settings

from wagtail_coaching.conf import get_setting


def real_users():
    """Active users, without the stand-in row django-guardian keeps for anonymous visitors."""
    User = get_user_model()
    users = User.objects.filter(is_active=True)
    anonymous_name = getattr(guardian_settings, "ANONYMOUS_USER_NAME", None)
    if anonymous_name:
        users = users.exclude(**{User.USERNAME_FIELD: anonymous_name})
    return users


def coaches_group():
    """The group whose members may coach (created on first use)."""
    group, _ = Group.objects.get_or_create(name=get_setting("COACHES_GROUP"))
    return group


def coaches():
    return real_users().filter(groups__name=get_setting("COACHES_GROUP"))


def is_coach(user):
    return bool(user.is_active and user.groups.filter(name=get_setting("COACHES_GROUP")).exists())
