"""Who may open the oversight pages (the dashboard and the implementation report): the office, the standing
committee, and unit leaders for their units. Officers have the task list. What each of them sees there is
tasks.access's rule, as everywhere."""
from accounts import roles
from accounts.identity import scope_for


def may_see_dashboard(user) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    return roles.sees_all_units(user) or bool(scope_for(user).led_unit_ids)
