"""The "Coaching" admin menu: metadata only, clear messages for bad input."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from wagtail_coaching.conf import get_setting
from wagtail_coaching.spaces import consent, lock, roles
from wagtail_coaching.spaces.models import ClientSpace

from .factories import CoachFactory, UserFactory

pytestmark = pytest.mark.django_db

CREATE_URL = "/admin/wagtail_coaching/clientspace/create/"


@pytest.fixture
def programme(db):
    from .programmes import make_programme

    page, _modules = make_programme(modules=1, title="Leadership")
    return page


def space_form(world, **overrides):
    data = {
        "coachee": world.other_coachee.pk,
        "coach": world.coach.pk,
        "organisation": world.org.pk,
        "programme": "",
        "status": "active",
        "start_date": "2026-01-10",
        "end_date": "2026-06-10",
        "planned_sessions": 6,
    }
    data.update(overrides)
    return data


def test_staff_see_the_coaching_menu_and_lists(client, world):
    client.force_login(world.staff)
    dashboard = client.get("/admin/").content.decode()
    assert "Coaching" in dashboard
    for url in (
        "/admin/wagtail_coaching/organisation/",
        "/admin/wagtail_coaching/clientspace/",
        "/admin/wagtail_coaching/coachingsession/",
    ):
        assert client.get(url).status_code == 200


def test_editor_without_model_permissions_cannot_open_the_lists(client, world):
    client.force_login(world.editor)
    response = client.get("/admin/wagtail_coaching/clientspace/")
    assert response.status_code == 404


def test_staff_create_a_space_and_the_lock_follows(client, world):
    client.force_login(world.staff)
    response = client.post(CREATE_URL, space_form(world))
    assert response.status_code == 302, response.content.decode()[:2000]
    space = ClientSpace.objects.get(coachee=world.other_coachee, coach=world.coach)
    assert lock.may_enter(world.other_coachee, space)
    assert lock.may_enter(world.coach, space)
    assert not lock.may_enter(world.staff, space)


def test_staff_change_the_coach_in_the_admin(client, world):
    client.force_login(world.staff)
    new_coach = CoachFactory(username="new_coach")
    supervisor = CoachFactory(username="supervisor")
    url = f"/admin/wagtail_coaching/clientspace/edit/{world.space.pk}/"
    data = space_form(world, coachee=world.coachee.pk, coach=new_coach.pk)
    data["add_participant"] = supervisor.pk
    data["confirm_access"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not lock.may_enter(world.coach, world.space)
    assert lock.may_enter(new_coach, world.space)
    # A space without content changes coach at once; extra access waits for the coachee.
    assert not lock.may_enter(supervisor, world.space)
    form = client.get(url).context["form"]
    assert "Waiting for the coachee" in str(form.fields["add_participant"].help_text)
    consent.accept(consent.pending(world.space).get(), world.space, world.coachee)
    assert lock.may_enter(supervisor, world.space)
    # The extra grant shows in the edit form, ready to be removed.
    form = client.get(url).context["form"]
    assert list(form.fields["remove_participants"].queryset) == [supervisor]


@pytest.mark.parametrize(
    "change, field, message",
    [
        (lambda w: {"coachee": w.coach.pk}, "coachee", "cannot be their own coach"),
        (lambda w: {"coach": w.hr.pk}, "coach", "only coaches can be chosen"),
        (lambda w: {"end_date": "2026-01-01"}, "end_date", "cannot be before the start date"),
    ],
    ids=["coach-is-coachee", "not-a-coach", "end-before-start"],
)
def test_bad_input_gets_a_clear_message(client, world, change, field, message):
    client.force_login(world.staff)
    response = client.post(CREATE_URL, space_form(world, **change(world)))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert field in response.context["form"].errors
    assert ClientSpace.objects.count() == 2


def test_second_open_space_for_the_same_programme_is_refused(client, world, programme):
    world.space.programme = programme
    world.space.save()
    client.force_login(world.staff)
    response = client.post(
        CREATE_URL, space_form(world, coachee=world.coachee.pk, programme=programme.pk)
    )
    assert response.status_code == 200
    assert "already has an open space for this programme" in response.content.decode()
    # A closed space does not block a new one.
    world.space.status = "closed"
    world.space.save()
    response = client.post(
        CREATE_URL, space_form(world, coachee=world.coachee.pk, programme=programme.pk)
    )
    assert response.status_code == 302


def test_superuser_admin_list_shows_metadata_but_cannot_enter(client, world):
    client.force_login(world.superuser)
    body = client.get("/admin/wagtail_coaching/clientspace/").content.decode()
    assert world.coachee.get_full_name() in body
    assert client.get(world.space.get_absolute_url()).status_code == 404


def test_session_admin_lists_sessions(client, world):
    from .factories import CoachingSessionFactory

    CoachingSessionFactory(space=world.space)
    client.force_login(world.staff)
    body = client.get("/admin/wagtail_coaching/coachingsession/").content.decode()
    assert world.coachee.get_full_name() in body
    assert reverse("wagtail_coaching:my_coaching")  # site URLs stay separate


def test_room_names_are_lowercase_unguessable_and_unique(world):
    from .factories import CoachingSessionFactory

    names = {CoachingSessionFactory(space=world.space).room_name for _ in range(20)}
    assert len(names) == 20
    for name in names:
        prefix, token = name.rsplit("-", 1)
        assert prefix == "coaching"
        assert len(token) == 32 and token == token.lower() and token.isalnum()


def test_user_factory_is_not_a_coach(world):
    assert not roles.is_coach(UserFactory(username="nobody"))


def test_guardian_anonymous_row_is_never_offered(client, world):
    from django.contrib.auth import get_user_model
    from guardian.utils import get_anonymous_user

    anonymous = get_anonymous_user()
    assert get_user_model().objects.filter(pk=anonymous.pk).exists()
    client.force_login(world.staff)
    form = client.get(CREATE_URL).context["form"]
    for name in ("coach", "coachee", "add_participant"):
        assert anonymous not in form.fields[name].queryset


@pytest.mark.parametrize(
    "url",
    [
        "/admin/wagtail_coaching/clientspace/",
        "/admin/wagtail_coaching/coachingsession/",
        "/admin/wagtail_coaching/accessevent/",
    ],
)
def test_admin_lists_make_as_many_queries_for_300_rows_as_for_3(client, world, url):
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .factories import ClientSpaceFactory, CoachingSessionFactory

    def queries_for_list():
        client.force_login(world.superuser)
        client.get(url)  # warm caches (content types, permissions)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    def add_spaces(count):
        # Closed long ago: the "Erase content" button shows on each row.
        for _ in range(count):
            space = ClientSpaceFactory(
                organisation=world.org, status="closed", start_date=datetime.date(2020, 1, 6)
            )
            CoachingSessionFactory(space=space)

    add_spaces(1)
    small = queries_for_list()
    add_spaces(299)
    assert queries_for_list() == small


# --- Installation steps done in the admin, not in a shell --------------------------------------


def test_the_migrations_create_the_coaches_group(db):
    assert Group.objects.filter(name=get_setting("COACHES_GROUP")).exists()


def test_staff_choose_who_sees_an_organisation_s_reports(client, world):
    hr_group = Group.objects.create(name="Northwind HR")
    client.force_login(world.staff)
    url = f"/admin/wagtail_coaching/organisation/edit/{world.org.pk}/"
    page = client.get(url)
    assert page.status_code == 200
    assert "People who see the reports" in page.content.decode()
    # The form lists the current readers only, never every user.
    assert page.context["form"].fields["remove_report_users"].queryset.count() == 1
    response = client.post(
        url,
        {
            "name": "Acme",
            "report_detail": "aggregates",
            "booking_notice_hours": 48,
            "add_report_user": world.other_hr.pk,
            "remove_report_users": [world.hr.pk],
            "report_groups": [hr_group.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    world.org.refresh_from_db()
    assert world.org.report_detail == "aggregates" and not world.org.reports_names
    assert world.org.booking_notice_hours == 48
    users, groups = lock.report_readers(world.org)
    assert list(users) == [world.other_hr] and list(groups) == [hr_group]
    assert not lock.may_view_reports(world.hr, world.org)
    member = world.coachee
    member.groups.add(hr_group)
    assert lock.may_view_reports(member, world.org)
    assert lock.may_view_reports(world.other_hr, world.org)


def test_the_report_reader_chooser_offers_neither_coaches_nor_coachees(client, world):
    from wagtail_coaching.spaces import choosers

    client.force_login(world.staff)
    url = reverse(choosers.report_reader_chooser.get_url_name("choose"))
    response = client.get(url)
    assert response.status_code == 200
    offered = set(
        response.context["results"].object_list
        if hasattr(response.context["results"], "object_list")
        else response.context["results"]
    )
    assert world.hr in offered and world.other_hr in offered
    for user in (world.coach, world.other_coach, world.coachee, world.other_coachee):
        assert user not in offered
    # And the form refuses them too, whatever is posted.
    edit = f"/admin/wagtail_coaching/organisation/edit/{world.org.pk}/"
    response = client.post(edit, {"name": "Acme", "add_report_user": world.coach.pk})
    assert response.status_code == 200
    assert not lock.may_view_reports(world.coach, world.org)
    # Someone who may not edit organisations cannot open the chooser.
    client.force_login(world.editor)
    assert client.get(url).status_code == 404
