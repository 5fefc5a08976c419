"""Who the person is (groups, memberships, the units below the ones they lead) is read in one query per request."""
import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import roles
from units.models import Membership
from accounts.identity import scope_for
from tests.factories import MembershipFactory, UnitFactory, leader, office_user, standing_user

pytestmark = pytest.mark.django_db


def fresh(user):
    """The user as a request sees it: read again, nothing cached on the object."""
    return get_user_model().objects.get(pk=user.pk)


def test_a_leader_sees_the_whole_tree_below_the_unit_in_one_query():
    top = UnitFactory()
    child = UnitFactory(parent=top)
    closed_child = UnitFactory(parent=top, active=False)
    grandchild = UnitFactory(parent=closed_child)  # below a closed unit: still the leader's
    UnitFactory()  # elsewhere
    boss = fresh(leader(top))
    with CaptureQueriesContext(connection) as queries:
        scope = scope_for(boss)
        assert not roles.is_office(boss) and not roles.is_standing_committee(boss)
    assert len(queries) == 1
    assert scope.unit_ids == {top.pk, child.pk, closed_child.pk, grandchild.pk}
    assert scope.memberships == {top.pk: Membership.Role.LEADER}


def test_a_membership_counts_only_in_an_active_unit_and_an_officer_sees_no_sub_unit():
    unit, closed = UnitFactory(), UnitFactory(active=False)
    UnitFactory(parent=unit)
    UnitFactory(parent=closed)
    officer = MembershipFactory(unit=unit, role=Membership.Role.OFFICER).user
    MembershipFactory(user=officer, unit=closed, role=Membership.Role.LEADER)
    scope = scope_for(fresh(officer))
    assert scope.unit_ids == {unit.pk}
    assert scope.memberships == {unit.pk: Membership.Role.OFFICER}


def test_the_office_and_the_standing_committee_are_read_from_the_same_query():
    unit = UnitFactory()
    clerk = office_user()
    MembershipFactory(user=clerk, unit=unit, role=Membership.Role.OFFICER)
    clerk = fresh(clerk)
    with CaptureQueriesContext(connection) as queries:
        assert roles.is_office(clerk)
        scope = scope_for(clerk)
    assert len(queries) == 1
    assert scope.all_units and scope.memberships == {unit.pk: Membership.Role.OFFICER}
    reader = fresh(standing_user())
    assert roles.is_standing_committee(reader) and not roles.is_office(reader) and scope_for(reader).all_units


def test_an_inactive_account_sees_nothing_and_has_no_role():
    clerk = office_user()
    clerk.is_active = False
    clerk.save()
    clerk = fresh(clerk)
    assert not roles.is_office(clerk)
    assert scope_for(clerk).is_empty
