"""Erasure in the admin: the "Erase content" action that the privacy domain adds to the client
space screen. It shows counts, never content."""

from django.contrib import messages
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail_modeladmin.helpers import ButtonHelper
from wagtail_modeladmin.views import InstanceSpecificView

from wagtail_coaching.conversations import rules as conversations
from wagtail_coaching.privacy import erasure
from wagtail_coaching.spaces.admin import ClientSpaceAdmin
from wagtail_coaching.spaces.admin_locks import action_url
from wagtail_coaching.spaces.content import content_counts


class ClientSpaceButtonHelper(ButtonHelper):
    def get_buttons_for_obj(self, obj, exclude=None, classnames_add=None, classnames_exclude=None):
        buttons = super().get_buttons_for_obj(obj, exclude, classnames_add, classnames_exclude)
        # The list annotates ``erasure_due`` (one query for the page, not one per row).
        due = getattr(obj, "erasure_due", None)
        if due is None:
            due = erasure.is_due(obj)
        if due and self.permission_helper.user_can_delete_obj(self.request.user, obj):
            buttons.append(
                {
                    "url": self.url_helper.get_action_url("erase", quote(obj.pk)),
                    "label": _("Erase content"),
                    "classname": self.finalise_classname(["no"]),
                    "title": _("Erase the notes, goals and documents of this closed space"),
                }
            )
        return buttons


class EraseSpaceView(InstanceSpecificView):
    page_title = gettext_lazy("Erase content")

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_helper.user_can_delete_obj(request.user, self.instance):
            raise PermissionDenied
        if not erasure.is_due(self.instance):
            messages.error(
                request,
                _(
                    "Only a closed space whose retention period is over can be erased. This "
                    "space is not closed, not old enough, or already erased."
                ),
            )
            return redirect(self.index_url)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        counts = content_counts(self.instance)
        counts["messages"] = conversations.counts(self.instance)
        return self.render_to_response(self.get_context_data(counts=counts))

    def post(self, request, *args, **kwargs):
        counts = erasure.erase_space(self.instance, actor=request.user)
        messages.success(
            request,
            _(
                "Erased %(notes)s note(s), %(goals)s goal(s) and %(documents)s document(s); "
                "the space's data key is destroyed."
            )
            % counts,
        )
        return redirect(self.index_url)

    def get_template_names(self):
        return ["wagtail_coaching/admin/erase_space.html"]


def erase_url_patterns(model_admin):
    return (action_url(model_admin, "erase", model_admin.erase_view),)


class ErasableSpaceAdminMixin:
    """Adds the "Erase content" action to the client space admin."""

    button_helper_class = ClientSpaceButtonHelper
    # Erasing needs the right to delete spaces (see spaces.admin_locks).
    locked_actions = {**ClientSpaceAdmin.locked_actions, "erase": "delete"}

    def get_queryset(self, request):
        return erasure.with_erasure_due(super().get_queryset(request))

    def erase_view(self, request, instance_pk):
        return EraseSpaceView.as_view(model_admin=self, instance_pk=instance_pk)(request)

    def get_admin_urls_for_registration(self):
        return super().get_admin_urls_for_registration() + erase_url_patterns(self)


class ErasableClientSpaceAdmin(ErasableSpaceAdminMixin, ClientSpaceAdmin):
    """The client space admin of the "Coaching" menu, with erasure."""
