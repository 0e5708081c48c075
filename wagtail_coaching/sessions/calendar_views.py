"""The user's preferences (language, time zone, e-mails about what is new, private feed
address), the feed itself, the
language switcher that also stores a logged-in user's language, and one session as an
``.ics`` file ("Add to calendar")."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.i18n import set_language as django_set_language

from wagtail_coaching.sessions import ical
from wagtail_coaching.sessions.forms import EmailPreferencesForm, LanguageForm, TimeZoneForm
from wagtail_coaching.sessions.models import CoachingSession
from wagtail_coaching.spaces import gate, lock, preferences
from wagtail_coaching.spaces.rendering import render_page
from wagtail_coaching.spaces.roles import is_coach


def feed_url(request, token):
    return request.build_absolute_uri(
        reverse("wagtail_coaching:calendar_feed", kwargs={"token": token})
    )


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@login_required
def calendar_settings(request):
    prefs = preferences.preferences_for(request.user)
    action = request.POST.get("action")
    form = TimeZoneForm(
        request.POST if action == "time_zone" else None, initial={"time_zone": prefs.time_zone}
    )
    language_form = LanguageForm(
        request.POST if action == "language" else None,
        initial={"language": preferences.user_language(request.user)},
    )
    email_form = EmailPreferencesForm(
        request.POST if action == "email" else None, instance=prefs, prefix="email"
    )
    if request.method == "POST":
        if action == "email" and email_form.is_valid():
            email_form.save()
            messages.success(request, _("E-mail preferences saved."))
            return redirect("wagtail_coaching:calendar_settings")
        if action == "language" and language_form.is_valid():
            language = language_form.cleaned_data["language"]
            preferences.set_user_language(request.user, language)
            with translation.override(language):
                messages.success(request, _("Language saved."))
            response = redirect("wagtail_coaching:calendar_settings")
            preferences.remember_language(response, language)
            return response
        if action == "time_zone" and form.is_valid():
            prefs.time_zone = form.cleaned_data["time_zone"]
            prefs.save(update_fields=["time_zone"])
            messages.success(request, _("Time zone saved."))
            return redirect("wagtail_coaching:calendar_settings")
        if action == "new_feed":
            preferences.rotate_calendar_token(request.user)
            messages.success(
                request, _("New calendar address created; any previous one no longer works.")
            )
            return redirect("wagtail_coaching:calendar_settings")
        if action == "revoke_feed":
            preferences.revoke_calendar_token(request.user)
            messages.success(request, _("Calendar address revoked; it no longer works."))
            return redirect("wagtail_coaching:calendar_settings")
    prefs.refresh_from_db()
    return render_page(
        request,
        "wagtail_coaching/room/calendar_settings.html",
        {
            "form": form,
            "language_form": language_form,
            "email_form": email_form,
            "feed_url": feed_url(request, prefs.calendar_token) if prefs.calendar_token else None,
            "is_coach": is_coach(request.user),
        },
    )


@require_safe
@never_cache
def calendar_feed(request, token):
    """The sessions of every space the feed's owner may enter, as an iCalendar feed.

    The secret address is the credential (calendar apps cannot log in), so it works without
    a session cookie; revoking it in the calendar settings closes it at once.
    """
    prefs = (
        preferences.CoachingPreferences.objects.select_related("user")
        .filter(calendar_token=token)
        .first()
        if token
        else None
    )
    if prefs is None or not prefs.user.is_active:
        raise Http404("No such calendar.")
    sessions = CoachingSession.objects.filter(
        space__in=lock.spaces_for_user(prefs.user)
    ).select_related("space__coach", "space__coachee", "space")
    with preferences.for_person(prefs.user):
        content = ical.feed(sessions)
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="coaching.ics"'
    return response


@require_POST
def set_language(request):
    """Django's ``set_language``; a logged-in user's choice also becomes their preference,
    so their e-mails, invitations and PDFs follow it."""
    response = django_set_language(request)
    if request.user.is_authenticated:
        preferences.set_user_language(request.user, request.POST.get("language"))
    return response


@gate.space_view(queryset=lock.ClientSpace.objects.select_related("coach", "coachee"))
def session_ics(request, space, session_id):
    """One session of the space as an iCalendar file to add to one's own calendar; the same
    event (UID, times, room address) as the invitations, so calendars do not duplicate it."""
    session = get_object_or_404(CoachingSession, space=space, pk=session_id)
    session.space = space
    response = HttpResponse(ical.feed([session]), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="coaching-session.ics"'
    return response
