"""Site views of a space's content: contract, notes, goals, documents, access log, export.

Every view goes through :func:`gate.space_view` (login, lock, contract gate, no-store
caching) and returns 404 for an object of the space that the user may not see or change.
"""

import logging

from django.contrib import messages
from django.db import DatabaseError, transaction
from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from wagtail_coaching.spaces import audit, consent, content, contracts, gate
from wagtail_coaching.spaces.documents import document_response, store_from_form
from wagtail_coaching.spaces.forms import ContractForm, GoalForm, NoteForm, UploadForm
from wagtail_coaching.spaces.preferences import language_name
from wagtail_coaching.spaces.rendering import render_page
from wagtail_coaching.spaces.uploads import allowed_extensions

logger = logging.getLogger(__name__)


def _url(name, space, **kwargs):
    return reverse(f"wagtail_coaching:{name}", kwargs={"public_id": space.public_id, **kwargs})


def space_context(request, space, section, **extra):
    return {
        "space": space,
        "section": section,
        "is_coach": space.coach_id == request.user.pk,
        "is_coachee": space.coachee_id == request.user.pk,
        **extra,
    }


def _get_or_404(queryset, uid):
    try:
        return queryset.get(uid=uid)
    except (queryset.model.DoesNotExist, ValueError) as exc:
        raise Http404("No such item.") from exc


# --- Contract ------------------------------------------------------------------------------


@gate.space_view(contract=False, methods=("GET", "HEAD", "POST"), closed_changes=True)
def contract(request, space):
    """Read and accept the contract that applies to the space, in the space's language."""

    def page(status=None, **extra):
        return render_page(
            request,
            "wagtail_coaching/contract.html",
            space_context(request, space, "contract", **extra),
            status=status,
        )

    current = contracts.applicable_contract(space)
    if current is None:
        language = contracts.space_language(space)
        return page(status=503, contract=None, space_language_name=language_name(language))
    acceptance = contracts.current_acceptance(request.user, space, current)
    next_url = request.POST.get("next") or request.GET.get("next") or space.get_absolute_url()
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = space.get_absolute_url()
    form = ContractForm(initial={"sha256": current.sha256})
    if request.method == "POST" and acceptance is None:
        form = ContractForm(request.POST)
        if form.is_valid():
            acceptance = contracts.accept(request.user, space, current, form.cleaned_data["sha256"])
            if acceptance is not None:
                messages.success(request, _("Thank you: you accepted the contract."))
                return redirect(next_url)
            messages.error(
                request,
                _("The contract changed while you were reading it. Please read this version."),
            )
            form = ContractForm(initial={"sha256": current.sha256})
    return page(
        contract=current,
        paragraphs=[p.strip() for p in current.body.split("\n\n") if p.strip()],
        acceptance=acceptance,
        form=form,
        next_url=next_url,
    )


@gate.space_view
def contract_pdf(request, space):
    """The PDF of the contract the user accepted."""
    acceptance = contracts.current_acceptance(request.user, space)
    response = HttpResponse(contracts.contract_pdf(acceptance), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        True, contracts.contract_pdf_filename(acceptance)
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Notes ---------------------------------------------------------------------------------


@gate.space_view(methods=("GET", "HEAD", "POST"))
def notes(request, space):
    form = NoteForm()
    if request.method == "POST":
        form = NoteForm(request.POST)
        if form.is_valid():
            note = content.Note(
                space=space,
                author=request.user,
                visibility=form.cleaned_data["visibility"],
            )
            note.body = form.cleaned_data["body"]
            try:
                note.save()
            except DatabaseError:
                return _database_unavailable(request, space, form)
            messages.success(request, _("Note saved."))
            return redirect(_url("notes", space))
    visible = content.notes_visible_to(request.user, space).select_related("author")
    return render_page(
        request,
        "wagtail_coaching/notes.html",
        space_context(request, space, "notes", notes=visible, form=form),
    )


def _database_unavailable(request, space, form):
    """The notes page without the saved notes (the database cannot be read either), with the
    person's text still in the form to send again. The text itself is never logged."""
    logger.exception("Saving a note of space %s failed: database unavailable", space.public_id)
    form.add_error(
        None,
        _(
            "Your note could not be saved: the service is briefly unavailable. Your text is "
            "still in the form; save it again in a moment."
        ),
    )
    return render_page(
        request,
        "wagtail_coaching/notes.html",
        space_context(request, space, "notes", notes=(), form=form, unavailable=True),
        status=503,
    )


@gate.space_view(methods=("GET", "HEAD", "POST"))
def note_edit(request, space, note_uid):
    note = _get_or_404(content.notes_visible_to(request.user, space), note_uid)
    if not content.may_change_note(request.user, note):
        raise Http404("Only the author edits a note.")
    conflict = None
    form = NoteForm(
        initial={"body": note.body, "visibility": note.visibility, "revision": note.revision}
    )
    if request.method == "POST":
        form = NoteForm(request.POST)
        if form.is_valid():
            revision = form.cleaned_data["revision"] or 0
            probe = content.Note(space=space, uid=note.uid)
            probe.body = form.cleaned_data["body"]
            with transaction.atomic():
                changed = content.Note.objects.filter(pk=note.pk, revision=revision).update(
                    body_encrypted=probe.body_encrypted,
                    visibility=form.cleaned_data["visibility"],
                    revision=F("revision") + 1,
                )
            if changed:
                messages.success(request, _("Note saved."))
                return redirect(_url("notes", space))
            # Edited meanwhile (another tab): keep the user's text, show the saved one.
            note.refresh_from_db()
            conflict = note.body
            form = NoteForm(
                initial={
                    "body": form.cleaned_data["body"],
                    "visibility": form.cleaned_data["visibility"],
                    "revision": note.revision,
                }
            )
            messages.error(
                request,
                _(
                    "This note was changed elsewhere (another tab or window) since you opened "
                    "it. Your text is still in the form; the saved version is shown below it. "
                    "Merge them and save again."
                ),
            )
    return render_page(
        request,
        "wagtail_coaching/note_edit.html",
        space_context(request, space, "notes", note=note, form=form, conflict=conflict),
    )


def _confirm_delete(request, space, obj, *, section, question, done, cancel_url):
    """Ask ``question`` on GET; on POST delete ``obj``, say ``done`` and go back to
    ``section``. The caller has checked that ``request.user`` may delete ``obj``."""
    if request.method == "POST":
        obj.delete()
        messages.success(request, done)
        return redirect(_url(section, space))
    return render_page(
        request,
        "wagtail_coaching/confirm_delete.html",
        space_context(request, space, section, question=question, cancel_url=cancel_url),
    )


@gate.space_view(methods=("GET", "HEAD", "POST"))
def note_delete(request, space, note_uid):
    note = _get_or_404(content.notes_visible_to(request.user, space), note_uid)
    if not content.may_change_note(request.user, note):
        raise Http404("Only the author deletes a note.")
    return _confirm_delete(
        request,
        space,
        note,
        section="notes",
        question=_("Delete this note? This cannot be undone."),
        done=_("Note deleted."),
        cancel_url=_url("notes", space),
    )


# --- Goals ---------------------------------------------------------------------------------


def _apply_goal_form(goal, form):
    goal.title = form.cleaned_data["title"]
    goal.why = form.cleaned_data["why"]
    goal.progress = form.cleaned_data["progress"]
    goal.status = form.cleaned_data["status"]


@gate.space_view(methods=("GET", "HEAD", "POST"))
def goals(request, space):
    form = GoalForm()
    if request.method == "POST":
        form = GoalForm(request.POST)
        if form.is_valid():
            with transaction.atomic():
                goal = content.Goal(space=space, created_by=request.user)
                _apply_goal_form(goal, form)
                goal.save()
                content.record_goal_change(goal, request.user)
            messages.success(request, _("Goal added."))
            return redirect(_url("goals", space))
    return render_page(
        request,
        "wagtail_coaching/goals.html",
        space_context(request, space, "goals", goals=content.goals_of(space), form=form),
    )


@gate.space_view(methods=("GET", "HEAD", "POST"))
def goal_detail(request, space, goal_uid):
    goal = _get_or_404(content.goals_of(space), goal_uid)
    form = GoalForm(
        initial={
            "title": goal.title,
            "why": goal.why,
            "progress": goal.progress,
            "status": goal.status,
            "revision": goal.revision,
        }
    )
    if request.method == "POST":
        form = GoalForm(request.POST)
        if form.is_valid():
            with transaction.atomic():
                locked = content.Goal.objects.select_for_update().get(pk=goal.pk)
                if locked.revision != (form.cleaned_data["revision"] or 0):
                    messages.error(
                        request,
                        _(
                            "This goal was changed elsewhere since you opened it; nothing was "
                            "saved. Your changes are still in the form: check the current "
                            "goal and save again."
                        ),
                    )
                    form = GoalForm(initial={**form.cleaned_data, "revision": locked.revision})
                else:
                    locked.space = space
                    _apply_goal_form(locked, form)
                    locked.revision += 1
                    locked.save()
                    content.record_goal_change(locked, request.user)
                    messages.success(request, _("Goal saved."))
                    return redirect(_url("goal", space, goal_uid=goal.uid))
            goal.refresh_from_db()
    history = goal.changes.select_related("changed_by")
    return render_page(
        request,
        "wagtail_coaching/goal_detail.html",
        space_context(
            request,
            space,
            "goals",
            goal=goal,
            form=form,
            history=history,
            may_delete=content.may_delete_goal(request.user, goal),
        ),
    )


@gate.space_view(methods=("GET", "HEAD", "POST"))
def goal_delete(request, space, goal_uid):
    goal = _get_or_404(content.goals_of(space), goal_uid)
    if not content.may_delete_goal(request.user, goal):
        raise Http404("Only the person who set a goal deletes it.")
    return _confirm_delete(
        request,
        space,
        goal,
        section="goals",
        question=_("Delete this goal and its history? This cannot be undone."),
        done=_("Goal deleted."),
        cancel_url=_url("goal", space, goal_uid=goal.uid),
    )


# --- Documents -----------------------------------------------------------------------------


@gate.space_view(methods=("GET", "HEAD", "POST"))
def documents(request, space):
    form = UploadForm()
    status = 200
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                stored = store_from_form(space, request.user, form)
            except DatabaseError:
                logger.exception("Storing a document of space %s failed", space.public_id)
                form.add_error(
                    "file", _("The file could not be stored. Nothing was saved; try again later.")
                )
                # The list cannot be read either: the page without it.
                return _documents_page(request, space, form, (), status=503, unavailable=True)
            if stored:
                messages.success(request, _("Document uploaded."))
                return redirect(_url("documents", space))
        status = 400
    return _documents_page(request, space, form, content.documents_of(space), status=status)


def _documents_page(request, space, form, documents, status, unavailable=False):
    return render_page(
        request,
        "wagtail_coaching/documents.html",
        space_context(
            request,
            space,
            "documents",
            documents=documents,
            form=form,
            accepted_types=", ".join(sorted(allowed_extensions())),
            unavailable=unavailable,
        ),
        status=status,
    )


@gate.space_view
def document_download(request, space, document_uid):
    document = _get_or_404(content.documents_of(space), document_uid)
    response = document_response(document)
    audit.record(space, request.user, audit.AccessAction.DOWNLOAD, object_uid=document.uid)
    return response


@gate.space_view(methods=("GET", "HEAD", "POST"))
def document_delete(request, space, document_uid):
    document = _get_or_404(content.documents_of(space), document_uid)
    if not content.may_delete_document(request.user, document):
        raise Http404("Only the uploader deletes a document.")
    return _confirm_delete(
        request,
        space,
        document,
        section="documents",
        question=_("Delete the document “%(name)s”? This cannot be undone.")
        % {"name": document.name},
        done=_("Document deleted."),
        cancel_url=_url("documents", space),
    )


# --- Access log and export -----------------------------------------------------------------


@gate.space_view
def access_log(request, space):
    events = audit.events_for(space)[:500]
    return render_page(
        request,
        "wagtail_coaching/access_log.html",
        space_context(request, space, "log", events=events),
    )


# --- Consent to extra access ---------------------------------------------------------------


@gate.space_view(methods=("POST",))
def proposal_answer(request, space, proposal_uid):
    """The coachee accepts (``answer=accept``) or refuses (``answer=refuse``) a proposal of
    extra access; anyone else gets 404, like a space they may not enter."""
    if space.coachee_id != request.user.pk:
        raise Http404("Only the coachee answers proposals.")
    proposal = _get_or_404(consent.pending(space), proposal_uid)
    answer = request.POST.get("answer")
    try:
        if answer == "accept":
            consent.accept(proposal, space, request.user)
            messages.success(
                request, _("%(user)s may now enter this space.") % {"user": proposal.user_name}
            )
        elif answer == "refuse":
            consent.refuse(proposal, space, request.user)
            messages.success(
                request,
                _("You refused: %(user)s will not enter this space.")
                % {"user": proposal.user_name},
            )
        else:
            messages.error(request, _("Choose to accept or to refuse the proposal."))
    except consent.ProposalError as exc:
        messages.error(request, str(exc))
    return redirect(space.get_absolute_url())


@gate.space_view(methods=("POST",), closed_changes=True)
def revoke_access(request, space):
    """The coachee removes an extra participant's access at once."""
    if space.coachee_id != request.user.pk:
        raise Http404("Only the coachee removes access.")
    try:
        user_id = int(request.POST.get("user", ""))
    except ValueError:
        user_id = None
    person = consent.revocable(space).filter(pk=user_id).first() if user_id else None
    if person is None:
        messages.error(request, _("This person has no extra access to this space."))
    else:
        consent.revoke(space, person, request.user)
        messages.success(
            request,
            _("%(user)s can no longer enter this space.") % {"user": audit.display_name(person)},
        )
    return redirect(space.get_absolute_url())
