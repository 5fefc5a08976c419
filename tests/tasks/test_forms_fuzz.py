"""RELIABILITY row 11: fuzzed posts to every action form (huge, empty, NUL bytes, emoji, impossible dates, other
units' ids, tampered versions, random files). Never a 500; an invalid post gets a Vietnamese field error and writes
nothing; a valid one redirects to the task.

Each person posts to the forms they may use, so every post reaches the form and the service behind it.
"""
import datetime

import pytest

from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from tasks import services
from tests.tasks.support import PDF, World, multipart, snapshot

# Django's own English messages: none of them may reach a Vietnamese user.
ENGLISH = ("This field", "Enter a", "Select a valid", "Ensure this", "The submitted", "No file", "Null characters")

texts = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=80),
    st.sampled_from(["", " ", "\x00", "a\x00b", "😀" * 300, "x" * 20_001, "Ủy ban\u0301 nhân dân", "\r\n\t",
                     "<script>alert(1)</script>", "' OR 1=1 --", "ﷺ" * 50]),
)
dates = st.one_of(
    st.dates(min_value=datetime.date(1, 1, 1)).map(lambda d: d.strftime("%d/%m/%Y")),
    st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2040, 1, 1)).map(datetime.date.isoformat),
    st.sampled_from(["", "31/02/2027", "29/02/2027", "00/01/2027", "2027-13-01", "30/06/99999", "32/13/2027",
                     "1/1/1", "\x00", "ngày mai", "9" * 40, "-1"]),
    st.text(max_size=12),
)
numbers = st.one_of(st.integers(-(2**70), 2**70).map(str), st.sampled_from(["", "1e9", "0x10", "50%", "١٢"]),
                    st.text(max_size=8))


def ids(*good):
    return st.one_of(st.sampled_from([str(pk) for pk in good]), numbers)


# Files as a script could send them: any name (paths, NUL, right-to-left marks), any bytes, a real PDF now and then.
file_names = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",), exclude_characters='"\r\n'), max_size=40),
    st.sampled_from(["../../etc/passwd", "a.pdf", "..\\..\\x.exe", "bao-cao.html", "", ".", "..", "a\x00.pdf",
                     "\u202egnp.exe", "/abs/path.pdf"]),
)
uploads = st.lists(st.tuples(st.just("attachments"), file_names,
                             st.one_of(st.binary(max_size=300), st.just(PDF), st.just(b"MZ" + bytes(100)))),
                   max_size=3)


class ActionFormsFuzz(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = World()
        w = cls.w
        cls.proposed_task = services.create_task(created_by=w.office, title="Chờ đánh giá", lead_unit=w.lead,
                                                 deadline=w.task.deadline)
        services.propose_completion(task=cls.proposed_task, user=w.leader, result="Xong.")
        cls.extended_task = services.create_task(created_by=w.office, title="Xin gia hạn", lead_unit=w.lead,
                                                 deadline=w.task.deadline)
        cls.extension = services.request_extension(task=cls.extended_task, user=w.leader,
                                                   new_deadline=w.task.deadline + datetime.timedelta(days=30),
                                                   reason="Chờ số liệu.")
        cls.all_units = [w.lead, w.sub, w.coord, w.other, w.other_child]

    def post(self, user, url, data, files=None):
        client = Client()
        client.force_login(user)
        before = snapshot()
        # A 500 would raise here.
        response = client.post(url, **multipart(data, files)) if files is not None else client.post(url, data)
        assert response.status_code in (302, 400, 409), response.status_code
        if response.status_code != 302:
            assert snapshot() == before, "an invalid post wrote something"
            html = response.content.decode()
            assert "invalid-feedback" in html or "alert-danger" in html, "refused without saying why"
            assert not any(phrase in html for phrase in ENGLISH), html
        return response

    def version(self, task):
        return st.one_of(st.just(str(task.version)), numbers)

    fuzz = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

    @fuzz
    @given(st.data())
    def test_progress_report(self, data):
        self.post(self.w.officer, reverse("tasks:report", args=[self.w.task.pk]), {
            "text": data.draw(texts), "percent": data.draw(st.one_of(st.integers(-5, 105).map(str), numbers))},
            files=data.draw(uploads))

    @fuzz
    @given(st.data())
    def test_contribution(self, data):
        self.post(self.w.coord_member, reverse("tasks:contribute", args=[self.w.task.pk]), {"text": data.draw(texts)},
                  files=data.draw(uploads))

    @fuzz
    @given(st.data())
    def test_propose_completion(self, data):
        self.post(self.w.leader, reverse("tasks:propose", args=[self.w.task.pk]),
                  {"result": data.draw(texts), "version": data.draw(self.version(self.w.task))})

    @fuzz
    @given(st.data())
    def test_request_extension(self, data):
        self.post(self.w.leader, reverse("tasks:extension", args=[self.w.task.pk]), {
            "new_deadline": data.draw(dates), "reason": data.draw(texts),
            "version": data.draw(self.version(self.w.task))})

    @fuzz
    @given(st.data())
    def test_delegate(self, data):
        self.post(self.w.leader, reverse("tasks:delegate", args=[self.w.task.pk]), {
            "unit": data.draw(ids(*[unit.pk for unit in self.all_units])), "title": data.draw(texts),
            "description": data.draw(texts), "deadline": data.draw(dates)})

    def decide(self, data, url, task):
        self.post(self.w.office, url, {
            "decision": data.draw(st.one_of(st.sampled_from(["approve", "refuse", ""]), texts)),
            "comment": data.draw(texts), "version": data.draw(self.version(task))})

    @fuzz
    @given(st.data())
    def test_decide_completion(self, data):
        self.decide(data, reverse("tasks:decide_completion", args=[self.proposed_task.pk]), self.proposed_task)

    @fuzz
    @given(st.data())
    def test_decide_extension(self, data):
        self.decide(data, reverse("tasks:decide_extension", args=[self.extension.pk]), self.extended_task)

    @fuzz
    @given(st.data())
    def test_change_lead(self, data):
        self.post(self.w.office, reverse("tasks:change_lead", args=[self.w.task.pk]), {
            "unit": data.draw(ids(*[unit.pk for unit in self.all_units])),
            "version": data.draw(self.version(self.w.task))})

    @fuzz
    @given(st.data())
    def test_cancel(self, data):
        self.post(self.w.office, reverse("tasks:cancel", args=[self.w.task.pk]),
                  {"reason": data.draw(texts), "version": data.draw(self.version(self.w.task))})

    @fuzz
    @given(st.data())
    def test_edit(self, data):
        self.post(self.w.office, reverse("tasks:edit", args=[self.w.task.pk]), {
            "title": data.draw(texts), "description": data.draw(texts), "deadline": data.draw(dates),
            "report_cycle": data.draw(st.one_of(st.sampled_from(["", "monthly", "quarterly"]), texts)),
            "version": data.draw(self.version(self.w.task))})

    @fuzz
    @given(st.data())
    def test_enter_a_task(self, data):
        unit_ids = ids(*[unit.pk for unit in self.all_units])
        self.post(self.w.office, reverse("tasks:create"), {
            "title": data.draw(texts), "description": data.draw(texts), "lead_unit": data.draw(unit_ids),
            "coordinating_units": data.draw(st.lists(unit_ids, max_size=3)), "deadline": data.draw(dates),
            "report_cycle": data.draw(st.one_of(st.sampled_from(["", "yearly"]), texts)),
            "directive": data.draw(numbers)})


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["lead_unit", "coordinating_units"])
def test_an_id_beyond_64_bits_is_an_invalid_choice_not_a_server_error(client, field):
    from tests.factories import UnitFactory, office_user

    client.force_login(office_user())
    data = {"title": "Nhiệm vụ thử", "lead_unit": str(UnitFactory().pk), "deadline": "30/06/2030",
            field: "9223372036854775808"}
    response = client.post(reverse("tasks:create"), data)
    assert response.status_code in (200, 400)
    assert "Lựa chọn không hợp lệ" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["¹", "²3", "-⁴"])
def test_a_superscript_digit_as_a_unit_is_an_invalid_choice_not_a_server_error(client, value):
    # Found by the fuzzer: "¹".isdigit() is true but int("¹") raises ValueError.
    from tests.factories import UnitFactory, office_user

    client.force_login(office_user())
    data = {"title": "Nhiệm vụ thử", "lead_unit": value, "deadline": "30/06/2030",
            "coordinating_units": [str(UnitFactory().pk)]}
    response = client.post(reverse("tasks:create"), data)
    assert response.status_code in (200, 400)
    assert "Lựa chọn không hợp lệ" in response.content.decode()
