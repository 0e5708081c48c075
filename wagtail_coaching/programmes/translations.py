"""Programmes under Wagtail's i18n: a translated programme's steps link its own modules.

Copying a programme into another locale (simple_translation's "Translate", or
``copy_for_translation``) copies its steps as they are, linking the *original* modules, which
``ProgrammePage.clean`` then refuses. Whenever a programme or a module is copied for
translation, the steps of the programme in that locale are re-linked to the modules'
translations there. Nothing here runs on a site without i18n.
"""

from django.dispatch import receiver
from wagtail.signals import copy_for_translation_done

from wagtail_coaching.programmes.pages import ModulePage, ProgrammePage
from wagtail_coaching.programmes.progress import Action, Answer, ModuleProgress
from wagtail_coaching.spaces.models import ClientSpace, programme_changed


def relink_steps(programme):
    """Point ``programme``'s steps at its own modules' translations; True if any changed."""
    changed = False
    for step in programme.steps:
        module = step.value.get("module")
        if module is None or programme.is_own_module(module):
            continue
        translated = module.get_translation_or_none(programme.locale)
        if translated is not None and programme.is_own_module(translated):
            step.value["module"] = translated
            changed = True
    if changed:
        programme.save(update_fields=["steps"])
        revision = programme.latest_revision
        if revision is not None:
            # The editor opens the latest revision; a new one would be validated while the
            # other modules may not be translated yet, so the steps are written in place.
            revision.content["steps"] = programme.serializable_data()["steps"]
            revision.save(update_fields=["content"])
    return changed


@receiver(copy_for_translation_done)
def relink_translated_steps(sender, source_obj, target_obj, **kwargs):
    target = target_obj.specific
    if isinstance(target, ModulePage):
        target = target.get_parent().specific
    if isinstance(target, ProgrammePage):
        relink_steps(target)


def follow_programme_translation(space, previous_programme_id):
    """Move ``space``'s progress, answers and actions from the modules of its previous
    programme to their translations in its programme, when that is a translation of it.

    A row whose place is already taken in the translation (the space went back and forth
    between languages and worked in both) stays where it is: nothing is merged or lost.
    Returns the number of rows moved.
    """
    programme = space.programme
    previous = ProgrammePage.objects.filter(pk=previous_programme_id).first()
    if programme is None or previous is None:
        return 0
    if previous.translation_key != programme.translation_key:
        return 0
    targets = dict(ModulePage.objects.child_of(programme).values_list("translation_key", "pk"))
    moved = 0
    sources = ModulePage.objects.child_of(previous).values_list("pk", "translation_key")
    for source_id, key in sources:
        target_id = targets.get(key)
        if target_id is None:
            continue
        if not ModuleProgress.objects.filter(space=space, module_id=target_id).exists():
            moved += ModuleProgress.objects.filter(space=space, module_id=source_id).update(
                module_id=target_id
            )
        taken = Answer.objects.filter(space=space, module_id=target_id).values("block_id")
        moved += (
            Answer.objects.filter(space=space, module_id=source_id)
            .exclude(block_id__in=taken)
            .update(module_id=target_id)
        )
        moved += Action.objects.filter(space=space, module_id=source_id).update(module_id=target_id)
    return moved


@receiver(programme_changed, sender=ClientSpace)
def _follow_programme_translation(sender, space, previous_programme_id, **kwargs):
    follow_programme_translation(space, previous_programme_id)
