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
