"""Each space page costs a fixed number of queries, whatever the space holds and however many
spaces there are; My coaching lists 25 spaces a page, found by name and status.

The numbers are pinned: a change that adds a query to a page every participant opens (or
polls every second) has to change this file, and say why.
"""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from wagtail_coaching.sessions import board
from wagtail_coaching.spaces import consent, content, documents, lock
from wagtail_coaching.spaces.models import ClientSpace, display_name
from wagtail_coaching.spaces.proposals import AccessProposal

from .conftest import accept_contract
from .factories import ClientSpaceFactory, CoachFactory, CoachingSessionFactory, UserFactory
from .programmes import make_action

pytestmark = pytest.mark.django_db

# Every request pays two before any view: the session and the user (as the home page does);
# every page with the account links one more: the count of the reader's unseen news.
PAGES = {
    # page: (url name, extra kwargs builder, queries)
    # Then the space with the lock's verdict, the contract's state and the space's wrapped
    # data key, in one query; the reader's preferences (time zone) at most once.
    # The front door's space comes with the reader's unread messages and whether the access
    # card has anything to show; + the visit, the sessions (the next-session card picks
    # from them), the time zone, the reader's unseen news
    "space": ("space", lambda w: {}, 7),
    # + modules with their progress, sessions, marks, actions, goals
    "journey": ("space_journey", lambda w: {}, 9),
    "module": ("space_module", lambda w: {"module_id": w.module.pk}, 9),
    "room": ("session_room", lambda w: {"session_id": w.session.pk}, 8),
    "room token": ("session_room_token", lambda w: {"session_id": w.session.pk}, 4),
    "board poll": ("board_state", lambda w: {}, 5),
    "notes": ("notes", lambda w: {}, 6),
    "goals": ("goals", lambda w: {}, 6),
    "documents": ("documents", lambda w: {}, 6),
}


@pytest.fixture
def furnished(programme_world):
    w = programme_world
    w.session = CoachingSessionFactory(
        space=w.space,
        starts_at=timezone.now() - datetime.timedelta(minutes=5),
        duration_minutes=60,
    )
    return w


def add_content(w, count):
    """``count`` more notes, goals, documents, actions, board strokes and sessions in the
    measured space, and ``count`` more spaces for both its participants."""
    for number in range(count):
        note = content.Note(space=w.space, author=w.coachee, visibility="shared")
        note.body = f"Note {number}"
        note.save()
        goal = content.Goal(space=w.space, created_by=w.coachee)
        goal.title = f"Goal {number}"
        goal.save()
        documents.store_document(
            w.space,
            w.coachee,
            SimpleUploadedFile(f"doc-{number}.txt", b"Some text.\n", "text/plain"),
        )
        make_action(space=w.space, module=w.module, text=f"Action {number}")
        board.apply(
            w.space,
            w.coach,
            {"kind": "stroke", "id": f"s-{number}", "tool": "pen", "width": 2, "points": [[1, 2]]},
        )
        CoachingSessionFactory(space=w.space)
        other = ClientSpaceFactory(coach=w.coach, coachee=UserFactory(username=f"more-{number}"))
        ClientSpaceFactory(coachee=w.coachee, organisation=other.organisation)


def url_of(w, page):
    name, extra, _queries = PAGES[page]
    url = reverse(f"wagtail_coaching:{name}", kwargs={"public_id": w.space.public_id, **extra(w)})
    if page == "board poll":
        # What the room asks once a second: anything after the version it holds?
        url += f"?since={board.changes_since(w.space, 0)['version']}"
    return url


@pytest.mark.parametrize("page", sorted(PAGES))
@pytest.mark.parametrize("who", ["coachee", "coach"])
def test_space_pages_cost_a_fixed_number_of_queries(
    client, furnished, django_assert_num_queries, page, who
):
    w = furnished
    client.force_login(getattr(w, who))
    expected = PAGES[page][2]
    for count in (1, 5):
        add_content(w, count)
        url = url_of(w, page)
        # The first visit records the entry in the access log and fills the caches a running
        # site has warm; the one measured right after it is every later visit.
        assert client.get(url).status_code == 200
        with django_assert_num_queries(expected):
            response = client.get(url)
        assert response.status_code == 200


def test_the_token_endpoint_asks_the_lock_once(client, furnished, django_assert_num_queries):
    w = furnished
    client.force_login(w.coachee)
    url = url_of(w, "room token")
    client.get(url)
    with django_assert_num_queries(4) as captured:
        assert client.get(url).status_code == 200
    grant_table = "clientspaceuserobjectpermission"
    assert sum(grant_table in query["sql"] for query in captured.captured_queries) == 1


def test_a_shared_module_shows_each_space_its_own_coach_and_answers(client, furnished):
    """The module's content is cached once for every reader; what belongs to a space (the
    coach's name, the answers) never is."""
    from .programmes import block_ids, make_answer

    w = furnished
    w.other_coach.first_name, w.other_coach.last_name = "Olga", "Otherway"
    w.other_coach.save()
    block = block_ids(w.module, "reflection")[0]
    make_answer(space=w.space, module=w.module, block_id=block, kind="reflection", text="Mine only")
    pages = {}
    for user, space in ((w.coachee, w.space), (w.other_coachee, w.other_space)):
        client.force_login(user)
        url = reverse(
            "wagtail_coaching:space_module",
            kwargs={"public_id": space.public_id, "module_id": w.module.pk},
        )
        pages[user.username] = client.get(url).content.decode()
    assert "Mine only" in pages["coachee"] and "Mine only" not in pages["other_coachee"]
    assert "Olga Otherway" in pages["other_coachee"]
    assert "Olga Otherway" not in pages["coachee"]
    for body in pages.values():
        assert "Some text 1" in body  # the shared content, from the cache the second time


# --- My coaching ----------------------------------------------------------------------------


@pytest.fixture
def busy_coach(world):
    """``world.coach`` with 59 more spaces: 60 in all, 20 of them paused."""
    accept_contract(world.coach, world.space)
    for number in range(59):
        coachee = UserFactory(
            username=f"client-{number:02d}", first_name="Client", last_name=f"Number{number:02d}"
        )
        ClientSpaceFactory(
            coach=world.coach,
            coachee=coachee,
            organisation=world.org,
            status="paused" if number % 3 == 0 else "active",
        )
    return world


def cards(response):
    return response.content.decode().count('class="coaching-space-card"')


def test_my_coaching_shows_25_spaces_a_page(client, busy_coach):
    client.force_login(busy_coach.coach)
    url = reverse("wagtail_coaching:my_coaching")
    first = client.get(url)
    assert cards(first) == 25
    body = first.content.decode()
    assert "60 client spaces" in body and "Page 1 of 3" in body
    assert 'rel="next"' in body and 'rel="prev"' not in body
    assert cards(client.get(url, {"page": 3})) == 10
    # A page out of range or not a number shows the nearest page, never an error.
    assert cards(client.get(url, {"page": 99})) == 10
    assert cards(client.get(url, {"page": "x"})) == 25


def test_my_coaching_lists_the_newest_engagement_first_across_pages(client, busy_coach):
    spaces = list(ClientSpace.objects.filter(coach=busy_coach.coach).order_by("pk"))
    today = timezone.localdate()
    # Start dates in an order that is not the order of creation.
    ages = {space.pk: (index * 7) % len(spaces) for index, space in enumerate(spaces)}
    for space in spaces:
        ClientSpace.objects.filter(pk=space.pk).update(
            start_date=today - datetime.timedelta(days=ages[space.pk])
        )
    expected = [
        escape(display_name(space.coachee)) for space in sorted(spaces, key=lambda s: ages[s.pk])
    ]
    client.force_login(busy_coach.coach)
    url = reverse("wagtail_coaching:my_coaching")
    listed = []
    for page in (1, 2, 3):
        body = client.get(url, {"page": page}).content.decode()
        listed += re.findall(r"<p>You coach (.*?)\.</p>", body)
    assert listed == expected


def test_my_coaching_finds_a_space_by_name_and_status(client, busy_coach):
    client.force_login(busy_coach.coach)
    url = reverse("wagtail_coaching:my_coaching")
    body = client.get(url, {"q": "number07"}).content.decode()
    assert "You coach Client Number07." in body and body.count("coaching-space-card") == 1
    paused = client.get(url, {"status": "paused"})
    assert cards(paused) == 20
    assert "20 client spaces" in paused.content.decode()
    both = client.get(url, {"q": "Number0", "status": "paused"}).content.decode()
    assert both.count("coaching-space-card") == 4  # 00, 03, 06, 09
    # The next page keeps the search.
    searched = client.get(url, {"q": "client", "status": "active"}).content.decode()
    assert "39 client spaces" in searched
    assert 'href="?q=client&amp;status=active&amp;page=2"' in searched
    nothing = client.get(url, {"q": "nobody-by-that-name"}).content.decode()
    assert "No client space matches this search." in nothing
    # An unknown status is ignored rather than refused.
    assert cards(client.get(url, {"status": "bogus"})) == 25


def test_my_coaching_lists_only_spaces_the_lock_opens(client, busy_coach):
    client.force_login(busy_coach.other_coach)
    body = client.get(reverse("wagtail_coaching:my_coaching"), {"q": "Client"}).content.decode()
    assert "Number" not in body and "No client space matches this search." in body


def test_my_coaching_costs_the_same_queries_for_5_or_60_spaces(
    client, world, busy_coach, django_assert_num_queries
):
    url = reverse("wagtail_coaching:my_coaching")
    client.force_login(world.other_coach)  # one space
    client.get(url)
    # session, user, the lock's ids, page, trials, organisations reported to, the
    # next-session card, the reader's time zone, the coach's agenda (2) and the count of
    # unseen news; a search counts what it finds too
    with django_assert_num_queries(11):
        client.get(url)
    client.force_login(busy_coach.coach)  # sixty spaces
    for params, queries in (({}, 11), ({"page": 2}, 11), ({"q": "Number1"}, 12)):
        client.get(url, params)
        with django_assert_num_queries(queries):
            assert client.get(url, params).status_code == 200


def test_a_coachee_with_one_space_sees_no_search_form(client, world):
    client.force_login(world.coachee)
    body = client.get(reverse("wagtail_coaching:my_coaching")).content.decode()
    assert 'role="search"' not in body and "coaching-pagination" not in body


def test_my_coaching_sends_the_same_statements_for_1_or_60_spaces(client, world, busy_coach):
    """The lock's ids go to the database as one parameter: the statements' text does not
    grow with the number of spaces (an IN list of 200 ids cost more to build than to run)."""
    url = reverse("wagtail_coaching:my_coaching")

    def statements(user):
        client.force_login(user)
        client.get(url)
        sent = []

        def record(execute, sql, params, many, context):
            sent.append(re.sub(r"LIMIT \d+", "LIMIT n", sql))  # a short last page: fewer rows
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            client.get(url)
        return sent

    one, sixty = statements(world.other_coach), statements(busy_coach.coach)
    assert len(one) == 11
    assert one == sixty


def test_a_space_card_escapes_the_names_it_shows(client, world):
    world.coachee.first_name, world.coachee.last_name = "<b>Ann</b>", "O'Neil & Co"
    world.coachee.save()
    client.force_login(world.coach)
    body = client.get(reverse("wagtail_coaching:my_coaching")).content.decode()
    assert "You coach &lt;b&gt;Ann&lt;/b&gt; O&#x27;Neil &amp; Co." in body
    assert "<b>Ann</b>" not in body


def test_among_picks_exactly_the_ids_given(world):
    other = ClientSpaceFactory(coach=world.coach, organisation=world.org)
    spaces = ClientSpace.objects.order_by("pk")
    assert list(spaces.filter(lock.Among(F("pk"), [world.space.pk]))) == [world.space]
    assert set(spaces.filter(lock.Among(F("pk"), [world.space.pk, other.pk]))) == {
        world.space,
        other,
    }
    assert not spaces.filter(lock.Among(F("pk"), [])).exists()


# --- What the front door reads with the space --------------------------------------------------


def front_door_access(client, world):
    client.force_login(world.coachee)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(
            reverse("wagtail_coaching:space", kwargs={"public_id": world.space.public_id})
        )
    assert response.status_code == 200
    return response.context["access"], len(captured)


def test_the_access_card_is_read_only_where_it_has_something_to_show(client, world):
    """Most spaces have nobody but their coach and coachee, and no proposal: their front
    door reads no access card. Each case the card shows is found with the space."""
    accept_contract(world.coachee, world.space)
    client.force_login(world.coachee)
    client.get(reverse("wagtail_coaching:space", kwargs={"public_id": world.space.public_id}))
    access, plain = front_door_access(client, world)
    assert access == {"pending": [], "extra": [], "decided": []}

    supervisor = CoachFactory(username="supervisor", first_name="Sue", last_name="Pervisor")
    proposal = consent.propose(world.space, supervisor, world.staff)
    access, queries = front_door_access(client, world)
    assert [p.pk for p in access["pending"]] == [proposal.pk]
    assert queries == plain + 2  # the people with entry and the proposals

    consent.accept(proposal, world.space, world.coachee)
    access, _queries = front_door_access(client, world)
    assert [person.pk for person in access["extra"]] == [supervisor.pk]
    assert [p.pk for p in access["decided"]] == [proposal.pk]

    # Answered long ago: still shown while the person keeps access ...
    AccessProposal.objects.filter(pk=proposal.pk).update(
        decided_at=timezone.now() - consent.SHOWN_FOR - datetime.timedelta(days=1)
    )
    access, _queries = front_door_access(client, world)
    assert [person.pk for person in access["extra"]] == [supervisor.pk]
    assert access["decided"] == []
    # ... and nothing at all once the coachee removed it.
    consent.revoke(world.space, supervisor, world.coachee)
    AccessProposal.objects.filter(pk=proposal.pk).update(
        decided_at=timezone.now() - consent.SHOWN_FOR - datetime.timedelta(days=1)
    )
    access, queries = front_door_access(client, world)
    assert access == {"pending": [], "extra": [], "decided": []}
    assert queries == plain
