"""Every admin URL the app registers is locked like a site URL (issue 16, finding 1).

The URL list is read from the URL resolver, not written by hand: every admin URL whose view
belongs to the app (its model admins, the reports' views, any viewset or chooser of one of
its models) is walked as each role without the right, with GET and POST, and must answer 403
or 404. A new screen is covered the day it is registered; a URL argument the test cannot fill
fails the test until someone says which object it names.
"""

import inspect

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from wagtail.log_actions import registry as log_registry
from wagtail.models import ModelLogEntry
from wagtail_modeladmin.options import ModelAdmin

from wagtail_coaching.reporting.models import ExportStatus, ReportExport
from wagtail_coaching.sessions.models import CoachingSession
from wagtail_coaching.spaces import audit, contracts, eligibility
from wagtail_coaching.spaces.audit import AccessAction, AccessEvent
from wagtail_coaching.spaces.contracts import ContractTemplate
from wagtail_coaching.spaces.models import ClientSpace, Organisation
from wagtail_coaching.spaces.uploads import private_storage
from wagtail_coaching.trials.models import TrialRequest

from .factories import CoachingSessionFactory, UserFactory
from .test_trials import make_trial

pytestmark = pytest.mark.django_db

APP = "wagtail_coaching"


def _owner(callback):
    """(model admin or None, model or None) if ``callback`` is a view of the app, else None."""
    view = inspect.unwrap(callback)
    target = getattr(view, "__self__", None)
    if isinstance(target, ModelAdmin):
        ours = target.model._meta.app_label == APP or type(target).__module__.startswith(APP)
        return (target, target.model) if ours else None
    view_class = getattr(view, "view_class", None)
    # A view of another app's model (the people choosers) names the model that locks it,
    # the same for every chooser of a kind or given to each one's views.
    model = (
        getattr(view, "view_initkwargs", {}).get("lock_model")
        or getattr(view_class, "lock_model", None)
        or getattr(view_class, "model", None)
    )
    if isinstance(model, type) and model._meta.app_label == APP:
        return None, model
    module = getattr(view_class, "__module__", None) or getattr(view, "__module__", "")
    return (None, None) if module.startswith(APP) else None


def app_admin_urls():
    """[(url name with namespaces, argument names, model admin, model)] of the app's admin."""
    found = []

    def walk(patterns, prefix, namespaces, arguments):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            names = set(arguments) | set(entry.pattern.regex.groupindex)
            if isinstance(entry, URLResolver):
                namespace = [*namespaces, entry.namespace] if entry.namespace else namespaces
                walk(entry.url_patterns, route, namespace, names)
            elif isinstance(entry, URLPattern) and route.lstrip("^").startswith("admin/"):
                owner = _owner(entry.callback)
                if owner is not None:
                    name = ":".join([*namespaces, entry.name]) if entry.name else route
                    found.append((name, sorted(names), *owner))

    walk(get_resolver().url_patterns, "", [], set())
    return found


URLS = app_admin_urls()


def test_the_walk_finds_every_kind_of_admin_screen():
    names = [name for name, *_ in URLS]
    for expected in (
        "wagtail_coaching_clientspace_modeladmin_history",
        "wagtail_coaching_clientspace_modeladmin_erase",
        "wagtail_coaching_trialrequest_modeladmin_convert",
        "wagtail_coaching_trialrequest_modeladmin_inspect",
        "wagtail_coaching_accessevent_modeladmin_index",
        "wagtail_coaching_organisation_modeladmin_delete",
    ):
        assert expected in names
    assert any(name.startswith("wagtail_coaching_reports:") for name in names)
    assert "axes_accessattempt_modeladmin_delete" in names
    assert all(name.startswith(("wagtail_coaching", "axes_")) for name in names), names


@pytest.fixture
def victims(report_world):
    """One object of each model of the admin, all of the first organisation (Acme)."""
    world = report_world
    space = world.space
    # Names found nowhere else, so a page that shows them leaks them.
    for user, name in ((world.coachee, "Quillfeather"), (world.coach, "Marrowdale")):
        user.last_name = name
        user.save()
    contract = contracts.applicable_contract(space)
    organisation_contract = ContractTemplate.objects.create(
        title="Acme contract", body="Secrecy.", organisation=world.org
    )
    session = CoachingSessionFactory(space=space)
    trial = make_trial()
    event = audit.record(space, world.coachee, AccessAction.ENTER)
    for instance in (space, session, world.org, trial):
        ModelLogEntry.objects.log_action(instance, "wagtail.edit", user=world.superuser)
    lock_record = AccessAttempt.objects.create(
        username=world.coachee.username,
        ip_address="192.0.2.7",
        user_agent="test",
        failures_since_start=5,
        get_data="",
        post_data="",
        http_accept="",
        path_info="/accounts/login/",
    )
    # A report built in the background, ready, with its file in the private storage.
    report_export = ReportExport.objects.create(
        organisation=world.org,
        requested_by=world.hr,
        format="pdf",
        language="en",
        status=ExportStatus.READY,
        download_name="acme.pdf",
    )
    report_export.file_name = private_storage().save(
        f"report-exports/{report_export.pk}.pdf", ContentFile(b"%PDF-1.4 acme")
    )
    report_export.save()
    objects = {
        AccessAttempt: lock_record,
        ReportExport: report_export,
        Organisation: world.org,
        ClientSpace: space,
        CoachingSession: session,
        TrialRequest: trial,
        ContractTemplate: organisation_contract,
        AccessEvent: event,
    }
    assert contract is not None
    return world, objects


def url_for(name, arguments, model, objects):
    """The URL ``name`` with each argument naming an object of the first organisation."""
    space = objects[ClientSpace]
    values = {
        "organisation_id": space.organisation_id,
        "public_id": space.public_id,
        "user_id": space.coachee_id,  # the second factor's reset names a person
        "export_id": objects[ReportExport].pk,
    }
    kwargs = {}
    for argument in arguments:
        if argument == "pk" and name.endswith("report-reader_chooser:chosen"):
            # Someone who may read reports: never a coach or a coachee.
            kwargs[argument] = eligibility.report_reader_candidates().order_by("pk")[0].pk
        elif argument == "pk" and name.endswith("_chooser:chosen"):
            kwargs[argument] = space.coach_id  # a person each people chooser offers
        elif argument in ("instance_pk", "pk") and model in objects:
            kwargs[argument] = objects[model].pk
        elif argument in values:
            kwargs[argument] = values[argument]
        else:
            pytest.fail(f"No value for the argument {argument!r} of {name}: name one here.")
    return reverse(name, kwargs=kwargs)


def staff_without(model):
    """Staff with admin access and every permission of the app except ``model``'s and the
    reports' "all organisations"."""
    user = UserFactory(username=f"staff_without_{model._meta.model_name if model else 'reports'}")
    user.is_staff = True
    user.save()
    permissions = Permission.objects.filter(content_type__app_label=APP).exclude(
        codename="view_all_reports"
    )
    if model is not None:
        permissions = permissions.exclude(content_type__model=model._meta.model_name)
    user.user_permissions.add(
        *permissions,
        Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin"),
    )
    return user


def snapshot(objects):
    return {
        model: model._default_manager.filter(pk=obj.pk).values().first()
        for model, obj in objects.items()
    }


# Lists where a role has a right of its own: HR of Globex choose among their own reports. The
# answer must show nothing of Acme.
OWN_LISTS = {("other_hr", "wagtail_coaching_reports:index")}


@pytest.mark.parametrize(
    ("name", "arguments", "model_admin", "model"),
    URLS,
    ids=[name for name, *_ in URLS],
)
@pytest.mark.parametrize("role", ["other_hr", "editor", "staff_without_permission"])
def test_roles_without_the_right_get_403_or_404(
    client, victims, name, arguments, model_admin, model, role
):
    world, objects = victims
    user = staff_without(model) if role == "staff_without_permission" else getattr(world, role)
    url = url_for(name, arguments, model, objects)
    before = snapshot(objects)
    client.force_login(user)
    if (role, name) in OWN_LISTS:
        body = client.get(url, follow=True).content.decode()
        for marker in (world.org.name, world.coachee.last_name, world.coach.last_name):
            assert marker not in body
    else:
        response = client.get(url)
        assert response.status_code in (403, 404), (url, response.status_code)
    # A POST is refused too, before anything changes (405: the URL takes no POST at all).
    response = client.post(url)
    assert response.status_code in (403, 404, 405), (url, response.status_code)
    assert snapshot(objects) == before


@pytest.mark.parametrize(
    ("name", "arguments", "model_admin", "model"),
    URLS,
    ids=[name for name, *_ in URLS],
)
def test_a_superuser_reaches_each_url(client, victims, name, arguments, model_admin, model):
    """The other side of the lock: the URLs exist and answer someone, so a 404 above is the
    lock's, not a wrong URL's. Some screens are closed to everybody by design."""
    world, objects = victims
    closed_to_all = {
        "wagtail_coaching_accessevent_modeladmin_create",
        "wagtail_coaching_accessevent_modeladmin_edit",
        "wagtail_coaching_accessevent_modeladmin_delete",
        "wagtail_coaching_trialrequest_modeladmin_create",
        "axes_accessattempt_modeladmin_create",
        "axes_accessattempt_modeladmin_edit",
    }
    client.force_login(world.superuser)
    response = client.get(url_for(name, arguments, model, objects))
    if name in closed_to_all:
        assert response.status_code == 404
    else:
        assert response.status_code in (200, 302), response.status_code


def test_history_of_another_organisation_says_nothing(client, victims):
    """The attack: HR of Globex stepping through the ids of Acme's space history."""
    world, objects = victims
    client.force_login(world.other_hr)
    space = objects[ClientSpace]
    for pk in range(space.pk - 2, space.pk + 3):
        response = client.get(f"/admin/wagtail_coaching/clientspace/history/{pk}/")
        assert response.status_code == 404
        body = response.content.decode()
        assert world.coachee.last_name not in body
        assert world.coach.last_name not in body


def test_missing_and_forbidden_ids_look_the_same(client, victims):
    world, objects = victims
    client.force_login(world.editor)
    existing = client.get(f"/admin/wagtail_coaching/clientspace/edit/{objects[ClientSpace].pk}/")
    missing = client.get("/admin/wagtail_coaching/clientspace/edit/999999/")
    assert existing.status_code == missing.status_code == 404


def test_staff_with_the_permission_read_the_history(client, victims):
    world, objects = victims
    client.force_login(world.staff)
    response = client.get(f"/admin/wagtail_coaching/clientspace/history/{objects[ClientSpace].pk}/")
    assert response.status_code == 200
    entry = log_registry.get_logs_for_instance(objects[ClientSpace]).get(action="wagtail.edit")
    assert str(entry.message) in response.content.decode()
