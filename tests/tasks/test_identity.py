"""Who the person is (groups, memberships, the units below the ones they lead) is read in one query per request."""
import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import roles
from accounts.identity import scope_for
from tests.factories import MembershipFactory, UnitFactory, leader, office_user, standing_user
from units.models import Membership
from units.tree import descendant_ids, subtree_ids

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


def test_a_leaders_scope_is_the_unit_trees_own_subtree_of_the_units_they_lead():
    """The identity query embeds units.tree's recursive query: both give the same units, whatever the shape."""
    tops = [UnitFactory(), UnitFactory()]
    level = tops
    for depth in range(3):
        level = [UnitFactory(parent=parent, active=depth != 1) for parent in level for _ in range(2)]
    UnitFactory(parent=UnitFactory())  # a tree nobody here leads
    boss = leader(tops[0])
    MembershipFactory(user=boss, unit=tops[1], role=Membership.Role.LEADER)
    scope = scope_for(fresh(boss))
    assert scope.unit_ids == subtree_ids([top.pk for top in tops])
    assert scope.unit_ids - {tops[0].pk, tops[1].pk} == descendant_ids(tops[0]) | descendant_ids(tops[1])


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
