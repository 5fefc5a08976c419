"""Personal calendar feeds: a secret address per person, only the tasks they may see, all-day events with a link
back and nothing confidential, and an address that dies when it is regenerated."""
from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from oversight import calendar_feed
from oversight.models import CalendarToken
from tasks.models import Task
from tests.factories import ProgressReportFactory, TaskFactory, UnitFactory, leader, member, office_user

pytestmark = pytest.mark.django_db


def feed_path(user) -> str:
    token = CalendarToken.objects.get(user=user)
    return reverse("oversight:calendar_feed", kwargs={"token": calendar_feed.feed_token(token)})


def subscribe(client, user) -> str:
    """Create the person's address through the page, as they would, and return its path."""
    client.force_login(user)
    response = client.post(reverse("oversight:calendar"), {"action": "regenerate"})
    assert response.status_code == 302
    client.logout()  # the calendar client that fetches the feed is not logged in
    return feed_path(user)


def events(client, path) -> list:
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content).walk("VEVENT")


def test_the_feed_holds_only_the_open_tasks_with_a_deadline_that_the_person_may_see(client, settings):
    settings.SITE_URL = "https://chidao.haugiang.example"
    mine, theirs = UnitFactory(), UnitFactory()
    sub = UnitFactory(parent=mine)
    soon = timezone.localdate() + datetime.timedelta(days=5)
    expected = {
        TaskFactory(title="Việc của đơn vị", lead=mine, deadline=soon).pk,
        TaskFactory(title="Việc phối hợp", lead=theirs, coordinating=[mine], deadline=soon).pk,
        TaskFactory(title="Việc đơn vị cấp dưới", lead=sub, deadline=soon).pk,
    }
    TaskFactory(title="Việc của đơn vị khác", lead=theirs, deadline=soon)
    TaskFactory(title="Việc thường xuyên", lead=mine, deadline=None, original_deadline=None)
    TaskFactory(title="Việc đã xong", lead=mine, deadline=soon, status=Task.Status.DONE,
                completed_at=timezone.now())
    TaskFactory(title="Việc đã hủy", lead=mine, deadline=soon, status=Task.Status.CANCELLED)
    boss, officer = leader(mine), member(mine)
    uids = {str(e["UID"]) for e in events(client, subscribe(client, boss))}
    assert uids == {f"task-{pk}@chidao.haugiang.example" for pk in expected}
    officer_titles = {str(e["SUMMARY"]) for e in events(client, subscribe(client, officer))}
    assert officer_titles == {"Việc của đơn vị", "Việc phối hợp"}  # an officer does not see the sub-unit's
    everything = {str(e["SUMMARY"]) for e in events(client, subscribe(client, office_user()))}
    assert everything == {"Việc của đơn vị", "Việc phối hợp", "Việc đơn vị cấp dưới", "Việc của đơn vị khác"}


def test_an_event_is_all_day_with_a_stable_uid_the_title_only_and_a_link_back(client, settings):
    settings.SITE_URL = "https://chidao.haugiang.example"
    unit = UnitFactory()
    deadline = timezone.localdate() + datetime.timedelta(days=10)
    task = TaskFactory(title="Chuẩn bị Hội nghị xúc tiến đầu tư", description="Nội dung mật: kinh phí 5 tỷ",
                       lead=unit, deadline=deadline)
    ProgressReportFactory(task=task, text="Báo cáo mật: danh sách nhà đầu tư")
    path = subscribe(client, member(unit))
    raw = client.get(path).content.decode()
    assert "DTSTART;VALUE=DATE:" + deadline.strftime("%Y%m%d") in raw
    assert "mật" not in raw  # neither the description nor any report text leaves the portal
    (event,) = events(client, path)
    assert event["DTSTART"].dt == deadline and event["DTEND"].dt == deadline + datetime.timedelta(days=1)
    assert str(event["SUMMARY"]) == "Chuẩn bị Hội nghị xúc tiến đầu tư"
    link = f"https://chidao.haugiang.example/tasks/{task.pk}/"
    assert str(event["URL"]) == link and link in str(event["DESCRIPTION"])
    assert str(event["UID"]) == f"task-{task.pk}@chidao.haugiang.example"
    assert event.get("DTSTAMP") is not None
    # A moved deadline moves the same event (same UID), it does not add a second one.
    Task.objects.filter(pk=task.pk).update(deadline=deadline + datetime.timedelta(days=7))
    (moved,) = events(client, path)
    assert str(moved["UID"]) == str(event["UID"]) and moved["DTSTART"].dt == deadline + datetime.timedelta(days=7)


def test_regenerating_the_address_kills_the_old_one(client):
    unit = UnitFactory()
    TaskFactory(lead=unit)
    person = member(unit)
    old = subscribe(client, person)
    assert client.get(old).status_code == 200
    new = subscribe(client, person)
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_unknown_tampered_revoked_or_inactive_addresses_answer_404(client):
    unit = UnitFactory()
    TaskFactory(lead=unit)
    person = member(unit)
    path = subscribe(client, person)
    token = path.rsplit("/", 1)[1].removesuffix(".ics")
    random_part, signature = token.split(".")
    assert client.get(reverse("oversight:calendar_feed", kwargs={"token": "nothing-here"})).status_code == 404
    tampered = ("y" if signature[0] == "x" else "x") + signature[1:]  # one character changed, whatever it was
    assert client.get(reverse("oversight:calendar_feed", kwargs={"token": f"{random_part}.{tampered}"})).status_code == 404
    # The random part alone, as a copy of the database holds it, opens nothing.
    assert client.get(reverse("oversight:calendar_feed", kwargs={"token": random_part})).status_code == 404
    assert CalendarToken.objects.get(user=person).token == random_part and signature not in random_part
    person.is_active = False
    person.save()
    assert client.get(path).status_code == 404
    person.is_active = True
    person.save()
    assert client.get(path).status_code == 200
    client.force_login(person)
    client.post(reverse("oversight:calendar"), {"action": "revoke"})
    client.logout()
    assert client.get(path).status_code == 404


def test_the_feed_needs_no_login_and_at_most_12_queries(client, django_assert_max_num_queries):
    parent = UnitFactory()
    children = [UnitFactory(parent=parent) for _ in range(3)]
    for unit in [parent, *children]:
        for _ in range(15):
            TaskFactory(lead=unit)
    path = subscribe(client, leader(parent))
    with django_assert_max_num_queries(12):
        found = events(client, path)
    assert len(found) == 60


def test_the_page_shows_the_address_with_instructions_for_three_clients(client):
    person = member(UnitFactory())
    assert client.get(reverse("oversight:calendar")).status_code == 302  # login required
    client.force_login(person)
    page = client.get(reverse("oversight:calendar")).content.decode()
    assert "Tạo địa chỉ lịch cá nhân" in page and ".ics" not in page
    client.post(reverse("oversight:calendar"), {"action": "regenerate"})
    page = client.get(reverse("oversight:calendar")).content.decode()
    url = settings.SITE_URL + feed_path(person)
    assert f'value="{url}"' in page
    assert "Outlook" in page and "Thunderbird" in page and "Google Calendar" in page
    # Everyone finds the page in the personal menu (officers have no dashboard to find it on).
    assert f'href="{reverse("oversight:calendar")}"' in client.get(reverse("tasks:list")).content.decode()
