"""Fill an empty database with a believable coaching demo. Running it again changes nothing."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, Site

from wagtail_coaching import permissions
from wagtail_coaching.models import (
    ClientSpace,
    ClientSpaceStatus,
    CoachingSession,
    Organisation,
    SessionStatus,
)

DEMO_PASSWORD = "coaching-demo"
ORGANISATION = "Northwind Logistics"
PROGRAMME_TITLE = "Leading with confidence"

# username, first name, last name, role
PEOPLE = [
    ("admin", "Ada", "Admin", "superuser"),
    ("hr", "Hélène", "Rossi", "hr"),
    ("coach.claire", "Claire", "Morel", "coach"),
    ("coach.david", "David", "Okafor", "coach"),
    ("camille", "Camille", "Durand", "coachee"),
    ("lucas", "Lucas", "Bernard", "coachee"),
    ("sofia", "Sofia", "Lindqvist", "coachee"),
]

# coachee, coach, status, start (days from today), end (days), planned sessions,
# sessions as (days from now, hour, status, confirmed minutes)
SPACES = [
    (
        "camille",
        "coach.claire",
        ClientSpaceStatus.ACTIVE,
        -45,
        75,
        8,
        [
            (-42, 9, "done", 55),
            (-28, 9, "done", 60),
            (-14, 9, "cancelled", None),
            (-7, 9, "done", 50),
            (3, 9, "planned", None),
            (17, 9, "planned", None),
        ],
    ),
    (
        "lucas",
        "coach.claire",
        ClientSpaceStatus.PLANNED,
        7,
        120,
        6,
        [(8, 14, "planned", None)],
    ),
    (
        "sofia",
        "coach.david",
        ClientSpaceStatus.CLOSED,
        -180,
        -20,
        4,
        [
            (-170, 11, "done", 60),
            (-140, 11, "done", 60),
            (-110, 11, "missed", None),
            (-80, 11, "done", 45),
            (-40, 11, "done", 60),
        ],
    ),
]


class Command(BaseCommand):
    help = "Create demo organisation, users, programme, client spaces and sessions."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even though DEBUG is off (the demo users share a known password).",
        )

    def handle(self, *args, allow_production=False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "DEBUG is off: this looks like production. The demo users share a known "
                "password; pass --allow-production if you really want them here."
            )
        with transaction.atomic():
            created = self.build()
        self.stdout.write(
            self.style.SUCCESS("Demo data created.") if created else "Demo data already present."
        )
        self.print_logins()

    def build(self):
        if ClientSpace.objects.filter(organisation__name=ORGANISATION).exists():
            return False
        users = {
            username: self.user(username, first, last, role)
            for username, first, last, role in PEOPLE
        }
        organisation, _ = Organisation.objects.get_or_create(name=ORGANISATION)
        permissions.grant_report_access(users["hr"], organisation)
        programme = self.programme()
        self.trial_page()
        today = timezone.localdate()
        now = timezone.now().replace(minute=0, second=0, microsecond=0)
        for coachee, coach, status, start, end, planned, sessions in SPACES:
            space = ClientSpace.objects.create(
                coachee=users[coachee],
                coach=users[coach],
                organisation=organisation,
                programme=programme,
                status=status,
                start_date=today + datetime.timedelta(days=start),
                end_date=today + datetime.timedelta(days=end),
                planned_sessions=planned,
            )
            for days, hour, session_status, minutes in sessions:
                CoachingSession.objects.create(
                    space=space,
                    starts_at=(now + datetime.timedelta(days=days)).replace(hour=hour),
                    duration_minutes=60,
                    status=SessionStatus(session_status),
                    confirmed_minutes=minutes,
                )
        return True

    def user(self, username, first_name, last_name, role):
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@example.org",
                "is_staff": role == "superuser",
                "is_superuser": role == "superuser",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        if role == "coach":
            user.groups.add(permissions.coaches_group())
        if role == "hr":
            user.user_permissions.add(
                Permission.objects.get(
                    codename="access_admin", content_type__app_label="wagtailadmin"
                )
            )
        return user

    def programme(self):
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        root = site.root_page if site else Page.get_first_root_node()
        existing = root.get_children().filter(title=PROGRAMME_TITLE).first()
        if existing:
            return existing
        page = Page(title=PROGRAMME_TITLE, slug="leading-with-confidence")
        root.add_child(instance=page)
        page.save_revision().publish()
        return page

    def trial_page(self):
        """A public "Try coaching" page with the trial request form, under the home page."""
        from wagtail_coaching.trials import TrialRequestPage

        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        root = site.root_page if site else Page.get_first_root_node()
        if root.get_children().type(TrialRequestPage).exists():
            return
        page = TrialRequestPage(
            title="Try coaching",
            slug="try-coaching",
            intro="<p>Not sure coaching is for you? Ask for a free trial session with one of "
            "our coaches, or a guided visit of the platform.</p>",
            thank_you_text="<p>Thank you! We will write to you within two working days.</p>",
        )
        root.add_child(instance=page)
        page.save_revision().publish()

    def print_logins(self):
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        roles = {
            "superuser": "Wagtail admin superuser (cannot open client spaces)",
            "hr": f"HR of {ORGANISATION} (sees reports only)",
            "coach": "coach",
            "coachee": "coachee",
        }
        for username, first, last, role in PEOPLE:
            self.stdout.write(f"  {username:<14} {first} {last}: {roles[role]}")
