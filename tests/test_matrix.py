"""Every site URL of the app × every role: only the two participants get in.

A new URL in ``wagtail_coaching.urls`` fails this file until it gets a row in ``EXPECTED``.
"""

import datetime

import pytest
from django.urls import get_resolver, reverse

from wagtail_coaching import urls as coaching_urls
from wagtail_coaching.trials import models, rules

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("space_content")]

ROLES = [
    "coachee",
    "coach",
    "other_coachee",
    "other_coach",
    "hr",
    "other_hr",
    "editor",
    "staff",
    "superuser",
    "anonymous",
]

OK, NOT_FOUND, LOGIN, NOT_ALLOWED = 200, 404, "login", 405


def with_programme(world):
    """Give ``world.space`` a programme, a module answer and an action (once)."""
    if not hasattr(world, "module"):
        from .programmes import block_ids, make_action, make_programme

        programme, modules = make_programme(modules=1)
        world.space.programme = programme
        world.space.save()
        world.module = modules[0]
        world.block_id = block_ids(world.module, "reflection")[0]
        world.step_id = programme.steps.raw_data[0]["id"]
        world.action = make_action(space=world.space, module=world.module, text="Act")
    return world


def participants_only(status_for_participants=OK):
    return {role: NOT_FOUND for role in ROLES} | {
        "coachee": status_for_participants,
        "coach": status_for_participants,
        "anonymous": LOGIN,
    }


def _session(w):
    """A session of ``w.space`` whose video room is open now (made once per world)."""
    if not hasattr(w, "open_session"):
        import datetime

        from django.utils import timezone

        from .factories import CoachingSessionFactory

        # Short, so that the coach is free for the trial of ``_trial`` ten minutes from now.
        w.open_session = CoachingSessionFactory(
            space=w.space,
            starts_at=timezone.now() - datetime.timedelta(minutes=5),
            duration_minutes=10,
        )
    return {"public_id": w.space.public_id, "session_id": w.open_session.pk}


def _feed(w):
    from wagtail_coaching.spaces.preferences import rotate_calendar_token

    return {"token": rotate_calendar_token(w.coachee)}


def _trial(w):
    """A trial led by ``w.coach`` whose room is open now, and its guest token."""
    if not hasattr(w, "trial_token"):
        import datetime

        from django.utils import timezone

        w.trial = models.TrialRequest.objects.create(
            name="Pat Prospect",
            email="pat@prospect.example",
            organisation_name="Initech",
            role="CTO",
            preferred_slots="Mornings",
            consented_at=timezone.now(),
        )
        w.trial_token = rules.schedule(
            w.trial, w.coach, timezone.now() + datetime.timedelta(minutes=10), 30
        )
    return w.trial


def _guest(w):
    _trial(w)
    return {"token": w.trial_token}


def _coach_trial(w):
    return {"public_id": _trial(w).public_id}


def _confirm(w):
    token = rules.confirmation_token(
        _trial(w),
        organisation_name="Initech",
        coach=w.coach,
        start_date=datetime.date(2027, 1, 4),
        planned_sessions=6,
    )
    return {"token": token}


def _only(**statuses):
    return {role: NOT_FOUND for role in ROLES} | {"anonymous": LOGIN} | statuses


# url name -> (kwargs builder, {role: expected})
EXPECTED = {
    "my_coaching": (
        lambda w: {},
        {role: OK for role in ROLES if role != "anonymous"} | {"anonymous": LOGIN},
    ),
    "space": (
        lambda w: {"public_id": w.space.public_id},
        {role: NOT_FOUND for role in ROLES} | {"coachee": OK, "coach": OK, "anonymous": LOGIN},
    ),
    # Programmes in a space (journey, modules, answers, steps, actions).
    "space_journey": (
        lambda w: {"public_id": with_programme(w).space.public_id},
        participants_only(),
    ),
    "space_module": (
        lambda w: {"public_id": with_programme(w).space.public_id, "module_id": w.module.pk},
        participants_only(),
    ),
    "space_answer": (
        lambda w: {
            "public_id": with_programme(w).space.public_id,
            "module_id": w.module.pk,
            "block_id": w.block_id,
        },
        participants_only(),
    ),
    "space_module_complete": (
        lambda w: {"public_id": with_programme(w).space.public_id, "module_id": w.module.pk},
        participants_only(NOT_ALLOWED),
    ),
    "space_step": (
        lambda w: {"public_id": with_programme(w).space.public_id, "step_id": w.step_id},
        participants_only(NOT_ALLOWED),
    ),
    "space_action": (
        lambda w: {
            "public_id": with_programme(w).space.public_id,
            "action_id": w.action.public_id,
        },
        participants_only(NOT_ALLOWED),
    ),
    # Sponsor reports: a space's final report, as its participants see it.
    "space_report": (lambda w: {"public_id": w.space.public_id}, participants_only()),
    "space_report_pdf": (lambda w: {"public_id": w.space.public_id}, participants_only()),
}


def _participants(*who):
    """404 for everyone but ``who`` (default: both participants); login for anonymous."""
    who = who or ("coachee", "coach")
    return {role: NOT_FOUND for role in ROLES} | {r: OK for r in who} | {"anonymous": LOGIN}


def _space(w):
    return {"public_id": w.space.public_id}


def _proposal(w):
    """A pending proposal that ``w.other_coach`` may enter ``w.space`` (made once)."""
    if not hasattr(w, "proposal"):
        from wagtail_coaching.spaces import consent

        w.proposal = consent.propose(w.space, w.other_coach, w.staff)
    return w.proposal


def _coachees_export(w):
    """The space's zip, ready, asked for by the coachee (made once): the coachee downloads
    it; the coach, a participant too, gets 404 like everyone else."""
    if not hasattr(w, "export"):
        from .exports import prepare_export

        w.export = prepare_export(w.space, w.coachee)
    return _space(w)


# Content of world.space: the note, goal and document are the coachee's; only their author
# (the coachee) edits or deletes them, so the coach gets 404 on those URLs too.
EXPECTED |= {
    "contract": (_space, _participants()),
    "contract_pdf": (_space, _participants()),
    "notes": (_space, _participants()),
    "note_edit": (lambda w: _space(w) | {"note_uid": w.note.uid}, _participants("coachee")),
    "note_delete": (lambda w: _space(w) | {"note_uid": w.note.uid}, _participants("coachee")),
    "goals": (_space, _participants()),
    "goal": (lambda w: _space(w) | {"goal_uid": w.goal.uid}, _participants()),
    "goal_delete": (lambda w: _space(w) | {"goal_uid": w.goal.uid}, _participants("coachee")),
    "documents": (_space, _participants()),
    "document_download": (
        lambda w: _space(w) | {"document_uid": w.document.uid},
        _participants(),
    ),
    "document_delete": (
        lambda w: _space(w) | {"document_uid": w.document.uid},
        _participants("coachee"),
    ),
    "access_log": (_space, _participants()),
    # The coachee's answers to proposals of extra access, and removing access: POST only
    # (who may send them is in test_consent).
    "proposal_answer": (
        lambda w: _space(w) | {"proposal_uid": _proposal(w).uid},
        _only(coach=NOT_ALLOWED, coachee=NOT_ALLOWED),
    ),
    "revoke_access": (_space, _only(coach=NOT_ALLOWED, coachee=NOT_ALLOWED)),
    # The conversation; the message is the coachee's, so only they edit or delete it.
    "conversation": (_space, _participants()),
    "conversation_older": (_space, _participants()),
    "conversation_updates": (_space, _participants()),
    "message_edit": (
        lambda w: _space(w) | {"message_uid": w.message.uid},
        _participants("coachee"),
    ),
    "message_delete": (
        lambda w: _space(w) | {"message_uid": w.message.uid},
        _participants("coachee"),
    ),
    "export": (_space, _participants()),
    "export_download": (_coachees_export, _participants("coachee")),
    # Booking: any coach publishes their availability; only the coachee books in a space.
    "availability": (lambda w: {}, _only(coach=OK, other_coach=OK)),
    "book": (_space, _only(coachee=OK)),
    "booking_cancel": (_session, _only(coachee=OK)),
    # Sessions, video room, paper board, calendar.
    "session_plan": (lambda w: {"public_id": w.space.public_id}, _only(coach=OK)),
    "session_room": (_session, _only(coach=OK, coachee=OK)),
    "session_room_token": (_session, _only(coach=OK, coachee=OK)),
    "session_room_presence": (_session, _only(coach=NOT_ALLOWED, coachee=NOT_ALLOWED)),
    "session_confirm": (_session, _only(coach=OK)),
    "session_move": (_session, _only(coach=OK)),
    "session_cancel": (_session, _only(coach=OK)),
    "session_ics": (_session, _only(coach=OK, coachee=OK)),
    "board_state": (lambda w: {"public_id": w.space.public_id}, _only(coach=OK, coachee=OK)),
    "board_ops": (
        lambda w: {"public_id": w.space.public_id},
        _only(coach=NOT_ALLOWED, coachee=NOT_ALLOWED),
    ),
    "board_pdf": (lambda w: {"public_id": w.space.public_id}, _only(coach=OK, coachee=OK)),
    # The room's documents panel (list as JSON, upload by POST); the board saved as a PNG.
    "documents_feed": (_space, _participants()),
    "board_png": (_space, _only(coach=NOT_ALLOWED, coachee=NOT_ALLOWED)),
    # What's new: the person's own notifications, never a space's content (test_notifications).
    "notifications": (
        lambda w: {},
        {role: OK for role in ROLES if role != "anonymous"} | {"anonymous": LOGIN},
    ),
    "calendar_settings": (
        lambda w: {},
        {role: OK for role in ROLES if role != "anonymous"} | {"anonymous": LOGIN},
    ),
    # The feed's secret address is its credential: calendar apps cannot log in.
    "calendar_feed": (_feed, {role: OK for role in ROLES}),
    # The language switcher: POST only, for everyone; it shows nothing of any space.
    "set_language": (lambda w: {}, {role: NOT_ALLOWED for role in ROLES}),
    # Trials: the guest link is the prospect's credential (no account); the coach hosts.
    "trial_guest_room": (_guest, {role: OK for role in ROLES}),
    "trial_guest_token": (_guest, {role: OK for role in ROLES}),
    "trial_guest_presence": (_guest, {role: NOT_ALLOWED for role in ROLES}),
    "trial_room": (_coach_trial, _only(coach=OK)),
    "trial_room_token": (_coach_trial, _only(coach=OK)),
    "trial_room_presence": (_coach_trial, _only(coach=NOT_ALLOWED)),
    "trial_outcome": (_coach_trial, _only(coach=OK)),
    # The signed link e-mailed to the prospect's address is the proof that they read it.
    "trial_confirm": (_confirm, {role: OK for role in ROLES}),
}


# The second factor's own pages (the account's, never a space's): a logged-in user with no
# second factor may set one up; giving one or new recovery codes first needs one.
EXPECTED |= {
    "second_factor_setup": (
        lambda w: {},
        {role: OK for role in ROLES if role != "anonymous"} | {"anonymous": LOGIN},
    ),
    "second_factor_verify": (
        lambda w: {},
        {role: 302 for role in ROLES if role != "anonymous"} | {"anonymous": LOGIN},
    ),
    "second_factor_recovery_codes": (
        lambda w: {},
        {role: 302 for role in ROLES if role != "anonymous"} | {"anonymous": LOGIN},
    ),
}


def user_for(world, role):
    return None if role == "anonymous" else getattr(world, role)


def test_every_app_url_has_a_row():
    names = {pattern.name for pattern in coaching_urls.urlpatterns}
    assert names == set(EXPECTED), "add the new URL to EXPECTED with a status for every role"
    assert get_resolver()  # the site's URLconf loads


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_name", sorted(EXPECTED))
def test_status_by_role(client, world, url_name, role):
    kwargs_for, expected_by_role = EXPECTED[url_name]
    url = reverse(f"wagtail_coaching:{url_name}", kwargs=kwargs_for(world))
    user = user_for(world, role)
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    expected = expected_by_role[role]
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == expected
    if expected == NOT_FOUND:
        body = response.content.decode()
        assert "Page not found" in body
        # Nothing about the space leaks: not its people, not its sponsor.
        for leak in (world.coachee.get_full_name(), world.coach.get_full_name(), "Acme"):
            assert leak not in body


@pytest.mark.parametrize("role", ROLES)
def test_other_spaces_are_never_listed(client, world, role):
    user = user_for(world, role)
    if user is None:
        return
    client.force_login(user)
    body = client.get(reverse("wagtail_coaching:my_coaching")).content.decode()
    mine = {
        "coach": world.space,
        "coachee": world.space,
        "other_coach": world.other_space,
        "other_coachee": world.other_space,
    }.get(role)
    for space in (world.space, world.other_space):
        if space == mine:
            assert space.get_absolute_url() in body
        else:
            assert space.get_absolute_url() not in body
            assert space.coachee.get_full_name() not in body


def test_unknown_and_malformed_space_ids_are_404(client, world):
    client.force_login(world.coachee)
    assert client.get("/coaching/spaces/00000000-0000-4000-8000-000000000000/").status_code == 404
    assert client.get("/coaching/spaces/not-a-uuid/").status_code == 404
    assert client.get(f"/coaching/spaces/{world.space.pk}/").status_code == 404
