import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from wagtail_coaching.sessions.models import CoachingSession
from wagtail_coaching.spaces import roles
from wagtail_coaching.spaces.models import ClientSpace, Organisation

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CoachFactory(UserFactory):
    @factory.post_generation
    def in_coaches_group(obj, create, extracted, **kwargs):
        if create:
            obj.groups.add(roles.coaches_group())


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Sponsor {n}")


class ClientSpaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClientSpace

    coachee = factory.SubFactory(UserFactory)
    coach = factory.SubFactory(CoachFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    status = "active"
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    planned_sessions = 6


class CoachingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoachingSession

    space = factory.SubFactory(ClientSpaceFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    duration_minutes = 60
