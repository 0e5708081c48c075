"""Site views of a space's programme: the journey, modules, answers, actions and steps.

Thin: the lock is asked through ``lock.get_space_or_404`` first, before anything
else is read, so a stranger gets the same 404 for every URL here; then the contract gate
sends a participant who has not accepted the coaching contract to it. Then:

* only the coachee writes answers, completes modules and ticks actions;
* the space's other participants (its coach, a substitute) read, and mark steps.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from wagtail_coaching.programmes.answers import (
    CONFLICT,
    FORMS,
    SAVED,
    ActionForm,
    Posted,
    add_action,
    load_module_answers,
    save_answer,
    set_action_done,
)
from wagtail_coaching.programmes.journey import build_journey, module_url
from wagtail_coaching.programmes.pages import ModulePage
from wagtail_coaching.programmes.progress import Action, ModuleProgress, StepMark, record_start
from wagtail_coaching.spaces import gate
from wagtail_coaching.spaces.models import ClientSpace
from wagtail_coaching.spaces.rendering import render_page

SPACE_QUERYSET = ClientSpace.objects.select_related("programme", "coach", "coachee")


def _is_coachee(request, space):
    return space.coachee_id == request.user.pk


def _may_answer(request, space):
    """The coachee answers, adds and ticks actions, while the space is not closed."""
    return _is_coachee(request, space) and not space.is_read_only


def _module_or_404(space, module_id):
    if space.programme is None:
        raise Http404("No programme.")
    module = ModulePage.objects.child_of(space.programme).live().filter(pk=module_id).first()
    if module is None:
        raise Http404("No such module in this programme.")
    return module


def _progress_of(space, module):
    return ModuleProgress.objects.filter(space=space, module=module).first()


def _space_context(request, space, **extra):
    return {
        "space": space,
        "is_coach": space.coach_id == request.user.pk,
        "is_coachee": _is_coachee(request, space),
        **extra,
    }


@gate.space_view(queryset=SPACE_QUERYSET)
def space_journey(request, space):
    """Every step with its state, the figures and the picture; always computed afresh."""
    journey = build_journey(space)
    return render_page(
        request,
        "wagtail_coaching/space_journey.html",
        _space_context(request, space, journey=journey),
    )


def _render_module(request, space, module, *, posted=None, status=200, progress=None):
    coaching = load_module_answers(
        space, module, can_answer=_may_answer(request, space), posted=posted
    )
    response = render_page(
        request,
        [
            f"wagtail_coaching/space_module_{module.slug}.html",
            "wagtail_coaching/space_module.html",
        ],
        _space_context(
            request,
            space,
            module=module,
            page=module,
            coaching=coaching,
            progress=progress if progress is not None else _progress_of(space, module),
            journey_url=_journey_url(space),
        ),
    )
    response.status_code = status
    return response


def _journey_url(space):
    return reverse("wagtail_coaching:space_journey", kwargs={"public_id": space.public_id})


@gate.space_view(queryset=SPACE_QUERYSET)
def space_module(request, space, module_id):
    """A module inside the space. Opening it starts nothing: the coachee's first answer,
    action or tick does (``progress.record_start``)."""
    module = _module_or_404(space, module_id)
    return _render_module(request, space, module, progress=_progress_of(space, module))


@gate.space_view(queryset=SPACE_QUERYSET, methods=("GET", "HEAD", "POST"))
def space_answer(request, space, module_id, block_id):
    """One interactive block's answer: shown on GET, saved on POST (coachee only)."""
    module = _module_or_404(space, module_id)
    child = module.interactive_blocks().get(str(block_id))
    if child is None:
        raise Http404("No such question in this module.")
    key = str(block_id)
    anchor = f"{module_url(space, module.pk)}#block-{key}"
    if request.method != "POST":
        return render_page(
            request,
            "wagtail_coaching/space_answer.html",
            _space_context(
                request,
                space,
                module=module,
                child=child,
                coaching=load_module_answers(space, module, can_answer=_may_answer(request, space)),
                module_url=anchor,
            ),
        )
    if not _is_coachee(request, space):
        raise PermissionDenied("Only the coachee answers.")
    auto_id = f"id_{key}_%s"
    kind = child.block.answer_kind
    if kind == "action":
        form = ActionForm(request.POST, auto_id=auto_id)
        if form.is_valid():
            created, _action = add_action(
                space=space,
                module=module,
                block_id=block_id,
                public_id=form.cleaned_data["action_id"],
                text=form.cleaned_data["text"],
                due_date=form.cleaned_data["due_date"],
                user=request.user,
            )
            messages.success(
                request, _("Action added.") if created else _("This action was already added.")
            )
            return redirect(anchor)
        return _render_module(request, space, module, posted={key: Posted(form)}, status=400)

    form_class = FORMS[kind]
    form = form_class(request.POST, block_value=child.value, auto_id=auto_id)
    if not form.is_valid():
        return _render_module(request, space, module, posted={key: Posted(form)}, status=400)
    outcome, answer = save_answer(
        space=space,
        module=module,
        block_id=block_id,
        kind=kind,
        content=form_class.content_of(form.cleaned_data),
        seen_version=form.cleaned_data["version"],
        user=request.user,
    )
    if outcome == CONFLICT:
        # Keep what was typed; the next save is prepared from the version now stored.
        data = request.POST.copy()
        data["version"] = str(answer.version)
        again = form_class(data, block_value=child.value, auto_id=auto_id)
        again.is_valid()
        return _render_module(
            request, space, module, posted={key: Posted(again, conflict=answer)}, status=409
        )
    messages.success(request, _("Saved.") if outcome == SAVED else _("Already saved."))
    return redirect(anchor)


@gate.space_view(queryset=SPACE_QUERYSET, methods=("POST",))
def space_module_complete(request, space, module_id):
    """The coachee marks a module done (``done=1``) or not done yet (``done=0``)."""
    module = _module_or_404(space, module_id)
    if not _is_coachee(request, space):
        raise PermissionDenied("Only the coachee completes a module.")
    done = request.POST.get("done") == "1"
    progress = record_start(space, module)
    if done and progress.completed_at is None:
        progress.completed_at = timezone.now()
        progress.save(update_fields=["completed_at"])
    elif not done and progress.completed_at is not None:
        progress.completed_at = None
        progress.save(update_fields=["completed_at"])
    messages.success(
        request, _("Module marked as done.") if done else _("Module marked as not done yet.")
    )
    return redirect(module_url(space, module.pk))


@gate.space_view(queryset=SPACE_QUERYSET, methods=("POST",))
def space_step(request, space, step_id):
    """A coach marks a step done, reopens it, or gives it back to the automatic rule."""
    if _is_coachee(request, space):
        raise PermissionDenied("Only the coach marks steps.")
    if space.programme is None or str(step_id) not in {
        str(raw.get("id")) for raw in space.programme.steps.raw_data
    }:
        raise Http404("No such step.")
    state = request.POST.get("state")
    if state in ("done", "reopen"):
        StepMark.objects.update_or_create(
            space=space,
            step_id=step_id,
            defaults={"done": state == "done", "marked_by": request.user},
        )
        messages.success(
            request, _("Step marked as done.") if state == "done" else _("Step reopened.")
        )
    elif state == "auto":
        StepMark.objects.filter(space=space, step_id=step_id).delete()
        messages.success(request, _("The step follows the programme again."))
    else:
        messages.error(request, _("Choose whether the step is done or reopened."))
    return redirect(f"{_journey_url(space)}#step-{step_id}")


@gate.space_view(queryset=SPACE_QUERYSET, methods=("POST",))
def space_action(request, space, action_id):
    """The coachee ticks an action done, or unticks it."""
    action = Action.objects.filter(space=space, public_id=action_id).first()
    if action is None:
        raise Http404("No such action.")
    if not _is_coachee(request, space):
        raise PermissionDenied("Only the coachee ticks actions.")
    set_action_done(action, request.POST.get("done") == "1")
    messages.success(request, _("Action updated."))
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = _journey_url(space)
    return redirect(next_url)
