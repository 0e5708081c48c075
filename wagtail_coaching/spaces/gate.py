"""The gate in front of every client space URL: log-in, the lock, the contract, the method.

:func:`space_view` is the one decorator that every view showing or changing anything of a
space uses; :func:`gate` is its contract step, for callers that already hold the space.
:func:`admit` is the decision both take (the lock, then the contract), as a plain function
that other doors, such as the live room's WebSocket, ask too.
"""

import functools
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from wagtail_coaching.spaces import audit, csp, lock
from wagtail_coaching.spaces.contracts import current_acceptance, with_contract_state
from wagtail_coaching.spaces.crypto import DecryptionError, with_data_key
from wagtail_coaching.spaces.models import ClientSpace
from wagtail_coaching.spaces.rendering import render_page

logger = logging.getLogger(__name__)


def admit(user, public_id, queryset=None, contract=True):
    """``(space, accepted)`` for ``user`` at the door of the space ``public_id``.

    Raises ``Http404`` when the lock refuses (an anonymous user, a non-participant, a space
    that does not exist: all alike). ``accepted`` is False when the participant has not
    accepted the contract that applies now (always True with ``contract=False``); content
    is shown only when it is True. Nothing is recorded: callers do that.
    """
    # The space's wrapped data key comes with it: pages showing content unwrap it without
    # a query of their own (``crypto.data_key_for``).
    queryset = with_data_key(ClientSpace.objects.all() if queryset is None else queryset)
    if contract and user.is_authenticated:
        # The lock and the contract in one query: no contract text is read.
        queryset = with_contract_state(queryset, user)
    space = lock.get_space_or_404(user, public_id, queryset=queryset)
    return space, not contract or contract_accepted(user, space)


def contract_accepted(user, space):
    """Whether ``user`` accepted the contract that applies to ``space`` now. A space read by
    :func:`admit` carries the answer already (see :func:`contracts.with_contract_state`); any
    other space costs the acceptance query."""
    accepted = getattr(space, "contract_accepted", None)
    if accepted is None:
        accepted = current_acceptance(user, space) is not None
    return accepted


def _to_contract(request, space):
    url = reverse("wagtail_coaching:contract", kwargs={"public_id": space.public_id})
    return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")


def gate(request, space):
    """None if ``request.user`` may see ``space``'s content now, else a redirect to the
    contract. Call it after the lock (:func:`lock.get_space_or_404`). Also records
    the user's entry in the access log (once per login session)."""
    if not contract_accepted(request.user, space):
        return _to_contract(request, space)
    audit.record_entry_once(request, space)
    return None


SAFE_METHODS = ("GET", "HEAD")

# The idle log-out (``wagtail_coaching.middleware``) reads these marks: a request to a view
# whose ``BACKGROUND_METHODS`` holds its method is not the person's activity, unless the view
# calls :func:`count_as_activity` for it.
BACKGROUND_METHODS = "coaching_background_methods"
ACTIVITY = "coaching_activity"


def count_as_activity(request):
    """Count this background request as the person's activity after all (for instance a
    presence heartbeat accepted while the session's room is open)."""
    setattr(request, ACTIVITY, True)


def refuse_change_of_closed_space(request, space):
    """The answer to a change sent to a closed (read-only) space: a JSON 403 for scripts,
    else back to the page it came from (or the space) with the reason; nothing changes."""
    message = _("This space is closed: it can be read and exported, not changed.")
    if "application/json" in request.headers.get("Accept", "") or (
        request.content_type == "application/json"
    ):
        return JsonResponse({"error": message}, status=403)
    messages.error(request, message)
    back = request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = space.get_absolute_url()
    return redirect(back)


def space_view(
    view=None,
    *,
    methods=SAFE_METHODS,
    queryset=None,
    contract=True,
    background=(),
    closed_changes=False,
):
    """The decorator of every view that shows or changes anything of a client space.

    The view is called as ``view(request, space, **kwargs)`` where ``space`` comes from the
    URL's ``public_id``. In order:

    1. anonymous users go to the login page;
    2. the lock (:func:`lock.get_space_or_404`) answers 404 to anyone who may not enter, so
       a refusal looks the same whatever the method;
    3. the contract gate redirects a participant who has not accepted the contract that
       applies now (skip it with ``contract=False``, only for the contract pages themselves);
    4. a method not in ``methods`` gets 405;
    5. a POST to a closed space is refused with a clear message (the space is read-only),
       unless ``closed_changes`` (views whose own rules decide, e.g. sessions);
    6. content that cannot be decrypted gives a clear page (status 503), never the stored
       bytes or a traceback.

    Responses get the strict Content-Security-Policy of space pages (:mod:`.csp`) unless the
    view set its own (the video room adds the Jitsi origin).

    Responses are marked ``Cache-Control: private, no-store``. ``queryset`` narrows or
    annotates the spaces looked up: a queryset, or a callable given the request's user that
    returns one (annotations for that reader), evaluated per request. ``background`` names
    the methods by which a page asks by itself, without the person doing anything (polls,
    heartbeats): those requests do not keep the login alive.

    Steps 2 and 3 cost one query: the lock's filter and the contract's state are read with
    the space itself, and the view's ``lock.may_enter`` on that space asks nothing more.
    """
    allowed = list(methods)

    def decorator(func):
        @functools.wraps(func)
        @never_cache
        @login_required
        def wrapper(request, public_id, *args, **kwargs):
            return csp.apply(request, guarded(request, public_id, *args, **kwargs))

        def guarded(request, public_id, *args, **kwargs):
            base = queryset(request.user) if callable(queryset) else queryset
            space, accepted = admit(request.user, public_id, queryset=base, contract=contract)
            if not accepted:
                return _to_contract(request, space)
            if contract:
                audit.record_entry_once(request, space)
            if request.method not in allowed:
                return HttpResponseNotAllowed(allowed)
            if request.method == "POST" and space.is_read_only and not closed_changes:
                return refuse_change_of_closed_space(request, space)
            try:
                return func(request, space, *args, **kwargs)
            except DecryptionError as exc:
                # The message names the key problem only, never content.
                logger.error("Cannot decrypt content of space %s: %s", space.public_id, exc)
                return render_page(
                    request,
                    "wagtail_coaching/space_unreadable.html",
                    {
                        "space": space,
                        "section": None,
                        "is_coach": space.coach_id == request.user.pk,
                        "is_coachee": space.coachee_id == request.user.pk,
                    },
                    status=503,
                )

        setattr(wrapper, BACKGROUND_METHODS, tuple(background))
        return wrapper

    return decorator(view) if view is not None else decorator
