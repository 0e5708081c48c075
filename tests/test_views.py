import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from .factories import PASSWORD, ClientSpaceFactory, CoachingSessionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("space_content")]


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_my_coaching_lists_own_spaces_with_next_session(client, world):
    soon = timezone.now() + datetime.timedelta(days=2)
    CoachingSessionFactory(space=world.space, starts_at=soon)
    CoachingSessionFactory(space=world.space, starts_at=soon + datetime.timedelta(days=7))
    CoachingSessionFactory(
        space=world.space, starts_at=soon - datetime.timedelta(hours=1), status="cancelled"
    )
    client.force_login(world.coachee)
    response = client.get(reverse("wagtail_coaching:my_coaching"))
    body = response.content.decode()
    assert f"Your coach is {world.coach.get_full_name()}." in body
    assert f'datetime="{timezone.localtime(soon).isoformat()}"' in body


def test_coach_sees_whom_they_coach(client, world):
    client.force_login(world.coach)
    body = client.get(reverse("wagtail_coaching:my_coaching")).content.decode()
    assert f"You coach {world.coachee.get_full_name()}." in body


def test_empty_state(client, world):
    # Someone with no space and no report to read (HR see their reports: test_reporting_home).
    client.force_login(world.editor)
    body = client.get(reverse("wagtail_coaching:my_coaching")).content.decode()
    assert "You have no coaching space yet." in body


def test_space_page_shows_the_engagement(client, world):
    client.force_login(world.coachee)
    response = client.get(world.space.get_absolute_url())
    body = response.content.decode()
    assert world.coach.get_full_name() in body
    assert "Acme" in body
    assert "Active" in body


def test_space_pages_are_never_cached(client, world):
    client.force_login(world.coachee)
    for url in (reverse("wagtail_coaching:my_coaching"), world.space.get_absolute_url()):
        cache_control = client.get(url)["Cache-Control"]
        assert "private" in cache_control and "no-store" in cache_control


def test_space_page_in_french(client, world):
    client.force_login(world.coachee)
    response = client.get(world.space.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr")
    body = response.content.decode()
    assert '<html lang="fr">' in body
    assert "Prochaine séance" in body


@pytest.mark.parametrize("who", ["coach", "coachee"])
def test_my_coaching_query_count_does_not_grow_with_spaces(client, world, who):
    user = getattr(world, who)
    client.force_login(user)
    url = reverse("wagtail_coaching:my_coaching")
    # The first request after logging in settles the session once (the second factor, the
    # idle clock); the count is of the page as it is read every day after.
    client.get(url)
    one = count_queries(client, url)
    for _ in range(49):
        kwargs = {"coach": world.coach} if who == "coach" else {"coachee": world.coachee}
        space = ClientSpaceFactory(**kwargs)
        CoachingSessionFactory(space=space)
    fifty = count_queries(client, url)
    assert fifty == one


def test_posting_to_a_space_page_is_refused(client, world):
    client.force_login(world.coachee)
    assert client.post(world.space.get_absolute_url()).status_code == 405


def test_login_then_my_coaching(client, world):
    response = client.post(
        reverse("login"), {"username": "coachee", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("wagtail_coaching:my_coaching")
