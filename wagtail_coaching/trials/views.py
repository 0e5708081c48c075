"""Site views of trials: the public request form, the guest room and the coach's room.

The guest link's token is the prospect's only credential: an unknown or altered token gets
the site's ordinary 404, the same as any address that does not exist. For the real link,
the page says when the room opens, or that the trial is over (410 Gone).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from wagtail_coaching.conf import get_setting
from wagtail_coaching.sessions import jitsi
from wagtail_coaching.sessions.views import room_security_headers
from wagtail_coaching.spaces.preferences import user_timezone
from wagtail_coaching.spaces.rendering import render_page
from wagtail_coaching.trials import models, rules
from wagtail_coaching.trials.forms import TrialOutcomeForm, TrialRequestForm

# --- The public request form ---------------------------------------------------------------


def serve_trial_request_page(page, request):
    """GET shows the form; a valid POST stores the request and redirects to the thanks."""
    template = page.get_template(request)
    context = page.get_context(request)
    if request.method == "POST":
        form = TrialRequestForm(request.POST)
        if form.is_spam():
            # Robots are told it worked, and nothing is stored or sent.
            return redirect(f"{page.url}?sent=1")
        ip_hash = rules.hash_client_ip(rules.client_ip(request))
        if form.is_valid():
            if rules.rate_limited(form.cleaned_data["email"], ip_hash):
                form.add_error(
                    None,
                    _(
                        "We already received several requests from this address. We will "
                        "answer them; please try again later if you need to."
                    ),
                )
                context["form"] = form
                response = render_page(request, template, context)
                response.status_code = 429
                return never_cache_response(response)
            rules.record_request(
                form.cleaned_data,
                page=page,
                ip_hash=ip_hash,
                language=getattr(request, "LANGUAGE_CODE", ""),
            )
            return redirect(f"{page.url}?sent=1")
    else:
        form = TrialRequestForm()
    context["form"] = form
    context["sent"] = request.method == "GET" and request.GET.get("sent") == "1"
    return never_cache_response(render_page(request, template, context))


def never_cache_response(response):
    # The form carries a CSRF token; a shared cache must not serve one visitor's to another.
    response["Cache-Control"] = "private, no-store"
    return response


# --- The guest room ------------------------------------------------------------------------


def _guest_trial_or_404(token):
    trial = rules.trial_for_guest_token(token)
    if trial is None:
        raise Http404("No such page.")
    return trial


def _room_page(request, trial, *, token_url, presence_url, is_coach, status=200):
    now = timezone.now()
    opens, closes = (None, None)
    if trial.starts_at is not None:
        opens, closes = jitsi.join_window(trial)
    zone = user_timezone(request.user) if is_coach else timezone.get_current_timezone()
    context = {
        "trial": trial,
        "time_zone": str(zone),
        "is_coach": is_coach,
        "is_open": rules.is_room_open(trial, now),
        "too_early": opens is not None and now < opens,
        "opens_at": opens,
        "closes_at": closes,
        "external_api_url": jitsi.external_api_url(),
        "room_config": {
            "tokenUrl": token_url,
            "presenceUrl": presence_url,
            "heartbeatSeconds": get_setting("PRESENCE_HEARTBEAT_SECONDS"),
            "csrfToken": get_token(request),
        },
    }
    # An ended trial's guest link is a link in someone's mailbox, perhaps forwarded: it says
    # the trial is over and names nobody.
    context["ended"] = not is_coach and not context["is_open"] and not context["too_early"]
    with timezone.override(zone):
        response = render_page(request, "wagtail_coaching/trials/room.html", context)
    if context["ended"]:
        response.status_code = 410
    response["X-Robots-Tag"] = "noindex, nofollow"
    return room_security_headers(request, response)


@require_safe
@never_cache
def guest_room(request, token):
    """The prospect's room page, reached through their personal link only."""
    trial = _guest_trial_or_404(token)
    return _room_page(
        request,
        trial,
        token_url=reverse("wagtail_coaching:trial_guest_token", kwargs={"token": token}),
        presence_url=reverse("wagtail_coaching:trial_guest_presence", kwargs={"token": token}),
        is_coach=False,
    )


@require_safe
@never_cache
def guest_token(request, token):
    trial = _guest_trial_or_404(token)
    try:
        options = rules.room_options(trial, language=getattr(request, "LANGUAGE_CODE", "en"))
    except jitsi.TokenRefused as exc:
        raise Http404("No token.") from exc
    return JsonResponse(options)


def _record_presence(request, trial, field):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not rules.is_room_open(trial):
        raise Http404("The room is closed.")
    if request.POST.get("event") == "joined":
        type(trial).objects.filter(pk=trial.pk, **{f"{field}__isnull": True}).update(
            **{field: timezone.now()}
        )
    return HttpResponse(status=204)


@never_cache
def guest_presence(request, token):
    """Notes when the prospect first joined (no other trace of them is kept)."""
    return _record_presence(request, _guest_trial_or_404(token), "guest_joined_at")


# --- The coach's side ----------------------------------------------------------------------


def _coach_trial_or_404(user, public_id):
    return get_object_or_404(
        models.TrialRequest.objects.select_related("coach"), public_id=public_id, coach=user
    )


@require_safe
@never_cache
@login_required
def coach_room(request, public_id):
    trial = _coach_trial_or_404(request.user, public_id)
    kwargs = {"public_id": trial.public_id}
    return _room_page(
        request,
        trial,
        token_url=reverse("wagtail_coaching:trial_room_token", kwargs=kwargs),
        presence_url=reverse("wagtail_coaching:trial_room_presence", kwargs=kwargs),
        is_coach=True,
    )


@require_safe
@never_cache
@login_required
def coach_room_token(request, public_id):
    trial = _coach_trial_or_404(request.user, public_id)
    try:
        options = rules.room_options(
            trial, user=request.user, language=getattr(request, "LANGUAGE_CODE", "en")
        )
    except jitsi.TokenRefused as exc:
        raise Http404("No token.") from exc
    return JsonResponse(options)


@never_cache
@login_required
def coach_room_presence(request, public_id):
    return _record_presence(
        request, _coach_trial_or_404(request.user, public_id), "coach_joined_at"
    )


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@login_required
def trial_outcome(request, public_id):
    """The coach writes a short outcome once the trial has started; it is then done."""
    trial = _coach_trial_or_404(request.user, public_id)
    form = TrialOutcomeForm(request.POST or None, initial={"outcome": trial.outcome})
    if request.method == "POST" and form.is_valid():
        try:
            rules.record_outcome(trial, form.cleaned_data["outcome"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The outcome is recorded; the trial is done."))
            return redirect("wagtail_coaching:my_coaching")
    with timezone.override(user_timezone(request.user)):
        return render_page(
            request, "wagtail_coaching/trials/outcome.html", {"trial": trial, "form": form}
        )


# --- The prospect confirms their address: the conversion happens -------------------------------


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm_conversion(request, token):
    """GET explains; POST (so that a mail scanner opening the link converts nothing) creates
    the space with a new account and sends the prospect on to choose a password."""
    pending = rules.pending_conversion(token)
    if pending is None:
        return render_page(
            request, "wagtail_coaching/trials/confirm_address.html", {"dead": True}, status=404
        )
    trial, conversion = pending
    if request.method == "POST":
        space = rules.convert_confirmed(token)
        if space is not None:
            return redirect(rules.set_password_url(space.coachee))
    return render_page(
        request,
        "wagtail_coaching/trials/confirm_address.html",
        {"trial": trial, "coach": conversion["coach"]},
    )
