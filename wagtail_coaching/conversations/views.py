"""Site views of a space's conversation. Thin: the rules are in :mod:`rules`, the door is
the gate's (:func:`spaces.gate.space_view`), so everyone but the participants gets 404."""

import datetime

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from wagtail_coaching.conf import get_setting
from wagtail_coaching.conversations import rules
from wagtail_coaching.conversations.forms import EditMessageForm, MessageForm
from wagtail_coaching.sessions.routing import live_url
from wagtail_coaching.spaces import content, gate
from wagtail_coaching.spaces.documents import store_from_form
from wagtail_coaching.spaces.rendering import render_page

# Polls read what changed since their cursor minus this, so that a message whose
# transaction committed a little after a later one is not missed (pages dedupe by id).
POLL_OVERLAP = datetime.timedelta(seconds=5)


def _url(name, space, **kwargs):
    return reverse(f"wagtail_coaching:{name}", kwargs={"public_id": space.public_id, **kwargs})


def _message_or_404(space, uid):
    try:
        message = rules.messages_of(space).get(uid=uid)
    except (rules.Message.DoesNotExist, ValueError) as exc:
        raise Http404("No such message.") from exc
    message.space = space
    return message


def _context(request, space, **extra):
    return {
        "space": space,
        "section": "conversation",
        "is_coach": space.coach_id == request.user.pk,
        "is_coachee": space.coachee_id == request.user.pk,
        **extra,
    }


def _render_messages(request, space, items, seen_id):
    now = timezone.now()
    return [
        {
            "id": str(message.uid),
            "html": render_to_string(
                "wagtail_coaching/conversation/message.html",
                {
                    "space": space,
                    "message": message,
                    "mine": message.author_id == request.user.pk,
                    "may_edit": rules.may_edit(request.user, message, now),
                    "seen": message.pk == seen_id,
                    "read_only": space.is_read_only,
                },
                request=request,
            ),
        }
        for message in items
    ]


def _seen_id(space, user):
    seen = rules.seen_message(space, user)
    return seen["pk"] if seen else None


@gate.space_view(methods=("GET", "HEAD", "POST"))
def conversation(request, space):
    documents = list(content.documents_of(space))
    form = MessageForm(documents=documents)
    status = 200
    if request.method == "POST":
        form = MessageForm(request.POST, request.FILES, documents=documents)
        if form.is_valid():
            attachment = form.cleaned_data["document"]
            if form.cleaned_data["file"]:
                attachment = store_from_form(space, request.user, form)
            if form.is_valid():  # the upload, if any, was stored
                rules.post(space, request.user, form.cleaned_data["text"], attachment)
                return redirect(_url("conversation", space) + "#conversation-end")
        status = 400
    items, more = rules.page_before(space)
    if items:
        rules.mark_read(space, request.user, items[-1].pk)
    seen_id = _seen_id(space, request.user)
    return render_page(
        request,
        "wagtail_coaching/conversation/conversation.html",
        _context(
            request,
            space,
            rendered=_render_messages(request, space, items, seen_id),
            more=more,
            form=form,
            cursor=timezone.now().isoformat(),
            conversation_config={
                "older": _url("conversation_older", space),
                "updates": _url("conversation_updates", space),
                "draft_key": f"wagtail_coaching.draft.{space.public_id}.{request.user.pk}",
                "poll_ms": get_setting("DOCUMENTS_POLL_INTERVAL_MS") * 2,
            },
            live_config={"url": live_url(space) if get_setting("LIVE") else ""},
        ),
        status=status,
    )


@gate.space_view
def conversation_older(request, space):
    """The page of messages before ``?before=<message id>`` (without it: the newest page),
    as JSON for the page's script."""
    before = request.GET.get("before")
    before = _message_or_404(space, before) if before else None
    items, more = rules.page_before(space, before)
    return JsonResponse({"messages": _render_messages(request, space, items, None), "more": more})


@gate.space_view(background=("GET", "HEAD"))
def conversation_updates(request, space):
    """What changed since ``?since=`` (an ISO time the previous answer gave; without it, the
    newest page), as JSON. With ``?read=1`` (the page is in view) they count as read."""
    now = timezone.now()
    if request.GET.get("since"):
        try:
            since = parse_datetime(request.GET["since"])
        except ValueError:
            since = None
        if since is None or timezone.is_naive(since):
            return JsonResponse({"error": _("since must be a time with its offset.")}, status=400)
        items = rules.changed_since(space, since - POLL_OVERLAP)
    else:
        items = rules.page_before(space)[0]
    if items and request.GET.get("read") == "1":
        rules.mark_read(space, request.user, max(message.pk for message in items))
    seen = rules.seen_message(space, request.user)
    seen_id = seen["pk"] if seen else None
    return JsonResponse(
        {
            "messages": _render_messages(request, space, items, seen_id),
            "cursor": now.isoformat(),
            "seen": str(seen["uid"]) if seen else None,
            "unread": rules.unread_count(space, request.user),
        }
    )


@gate.space_view(methods=("GET", "HEAD", "POST"))
def message_edit(request, space, message_uid):
    message = _message_or_404(space, message_uid)
    if message.author_id != request.user.pk or message.is_deleted:
        raise Http404("Only the author edits a message.")
    if not rules.may_edit(request.user, message):
        messages.error(request, _("A message can be edited for 10 minutes after it is sent."))
        return redirect(_url("conversation", space))
    form = EditMessageForm(initial={"text": message.body})
    if request.method == "POST":
        form = EditMessageForm(request.POST)
        if form.is_valid():
            rules.edit(message, form.cleaned_data["text"])
            return redirect(_url("conversation", space) + f"#message-{message.uid}")
    return render_page(
        request,
        "wagtail_coaching/conversation/edit.html",
        _context(request, space, message=message, form=form),
    )


@gate.space_view(methods=("GET", "HEAD", "POST"))
def message_delete(request, space, message_uid):
    message = _message_or_404(space, message_uid)
    if not rules.may_delete(request.user, message):
        raise Http404("Only the author deletes a message.")
    if request.method == "POST":
        rules.delete(message)
        messages.success(request, _("Message deleted."))
        return redirect(_url("conversation", space))
    return render_page(
        request,
        "wagtail_coaching/confirm_delete.html",
        _context(
            request,
            space,
            question=_(
                "Delete this message? The other participant will see “Message deleted” "
                "in its place."
            ),
            cancel_url=_url("conversation", space),
        ),
    )
