"""factory_boy factories shared by the whole test tree."""
import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from resolutions.models import Directive, Resolution
from accounts import roles
from tasks.models import Assignment, ProgressReport, Task
from units.models import Membership, Unit, UnitGroup


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@test.haugiang.example")
    first_name = "Văn"
    last_name = factory.Sequence(lambda n: f"Nguyễn {n}")
    password = factory.PostGenerationMethodCall("set_password", "secret-pass-123")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def office_user(**kwargs):
    user = UserFactory(is_staff=True, **kwargs)
    user.groups.add(Group.objects.get_or_create(name=roles.OFFICE_GROUP)[0])
    return user


def standing_user(**kwargs):
    user = UserFactory(is_staff=True, **kwargs)
    user.groups.add(Group.objects.get_or_create(name=roles.STANDING_GROUP)[0])
    return user


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"Ban thử nghiệm số {n}")
    short_name = factory.Sequence(lambda n: f"BTN{n}")
    code = factory.Sequence(lambda n: f"UNIT_{n}")
    kind = Unit.Kind.PARTY_BOARD
    email = factory.Sequence(lambda n: f"unit{n}@test.haugiang.example")


class UnitGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitGroup
        django_get_or_create = ("key",)

    key = factory.Sequence(lambda n: f"group_{n}")
    name = factory.Sequence(lambda n: f"Nhóm {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    role = Membership.Role.OFFICER


def member(unit, role=Membership.Role.OFFICER, **kwargs):
    """A new user who belongs to `unit` with `role`."""
    return MembershipFactory(unit=unit, role=role, user=UserFactory(**kwargs)).user


def leader(unit, **kwargs):
    return member(unit, Membership.Role.LEADER, **kwargs)


class ResolutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resolution

    kind = Resolution.Kind.KET_LUAN
    number = factory.Sequence(lambda n: f"{n}-KL/TU")
    title = factory.Sequence(lambda n: f"Kết luận của Ban Thường vụ Tỉnh ủy số {n}")
    issued_on = datetime.date(2022, 4, 15)


class DirectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Directive

    resolution = factory.SubFactory(ResolutionFactory)
    section_path = "I.3"
    label = factory.Sequence(lambda n: f"({n})")
    order = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Tập trung triển khai nhiệm vụ trọng tâm số {n}.")


class TaskFactory(factory.django.DjangoModelFactory):
    """A task with its lead unit: TaskFactory(lead=unit, coordinating=[...], deadline=...)."""

    class Meta:
        model = Task
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Nhiệm vụ thử nghiệm {n}")
    deadline = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    original_deadline = factory.SelfAttribute("deadline")

    @factory.post_generation
    def lead(obj, create, extracted, **kwargs):
        if create:
            Assignment.objects.create(task=obj, unit=extracted or UnitFactory(), role=Assignment.Role.LEAD)

    @factory.post_generation
    def coordinating(obj, create, extracted, **kwargs):
        if create and extracted:
            for unit in extracted:
                Assignment.objects.create(task=obj, unit=unit, role=Assignment.Role.COORDINATING)


class ProgressReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressReport

    task = factory.SubFactory(TaskFactory)
    unit = factory.LazyAttribute(lambda o: o.task.assignments.get(role=Assignment.Role.LEAD).unit)
    author = factory.SubFactory(UserFactory)
    text = "Đã triển khai đến các chi bộ trực thuộc."
    percent = 50
