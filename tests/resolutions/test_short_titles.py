"""The short title (trích yếu) the importer proposes for each directive (resolutions.parsing.titles.short_title):
a few words of the first clause, never cut mid-word, within the limit, without the addressees or the label, on the
worked example and on every directive of the corpus."""
import pathlib
import re
import unicodedata

import pytest

from resolutions.parsing import parse_text
from resolutions.parsing.titles import SHORT_TITLE_MAX, SHORT_TITLE_TARGET, short_title

SEED = pathlib.Path(__file__).resolve().parents[3] / "shared" / "seeds" / "000_9fdafcf93230ce3d.txt"
CORPUS = sorted((pathlib.Path(__file__).parent / "documents" / "corpus").glob("*.txt"))
ENDS_A_PHRASE_BADLY = {"và", "của", "các", "những", "cho", "với", "để", "trong", "theo", "về", "là", "số"}


def _directive_texts(path):
    return [directive.text for directive in parse_text(path.read_text(encoding="utf-8")).directives]


def _flat(text):
    return " ".join(unicodedata.normalize("NFC", text).split())


def _assert_well_cut(text):
    title = short_title(text)
    flat = _flat(text)
    assert title, text
    assert len(title) <= SHORT_TITLE_TARGET <= SHORT_TITLE_MAX
    assert title[0] == title[0].upper()
    # The title is words of the text as written (its first letter capitalised), ending where a word ends.
    at = flat.find(title[1:])
    assert at > 0, (title, flat)
    end = at + len(title) - 1
    assert end == len(flat) or not flat[end].isalnum(), f"cut mid-word: {title!r} in {flat[:end + 10]!r}"
    assert title.split()[-1].lower() not in ENDS_A_PHRASE_BADLY, title
    return title


@pytest.mark.skipif(not SEED.exists(), reason="the worked example lives in ../shared")
def test_every_directive_of_the_worked_example_gets_a_well_cut_short_title():
    titles = [_assert_well_cut(text) for text in _directive_texts(SEED)]
    assert len(titles) == 16
    assert "Tham mưu Ban Thường vụ Tỉnh ủy ban hành Chỉ thị thay thế Chỉ thị số 05 cho phù hợp" in titles
    # The addressees are left out: "Cấp ủy, chính quyền, các cơ quan, đơn vị bám sát …" is about "bám sát".
    assert titles[0] == "Bám sát vào chương trình, kế hoạch"
    assert len(set(titles)) == len(titles)


@pytest.mark.parametrize("path", CORPUS, ids=[path.stem for path in CORPUS])
def test_every_directive_of_the_corpus_gets_a_well_cut_short_title(path):
    for text in _directive_texts(path):
        _assert_well_cut(text)


@pytest.mark.parametrize("text, expected", [
    ("(3) Ban Tuyên giáo Tỉnh ủy chủ trì, phối hợp với Công an tỉnh tăng cường công tác tuyên truyền phòng cháy "
     "chữa cháy trong dịp Tết. Báo cáo kết quả trước ngày 30/6/2022.",
     "Tăng cường công tác tuyên truyền phòng cháy chữa cháy trong dịp Tết"),
    ("Do đó, trong thời gian tới, đề nghị cấp ủy các cấp tăng cường công tác quản lý cán bộ, đảng viên.",
     "Tăng cường công tác quản lý cán bộ, đảng viên"),
    ("Sở Y tế: hướng dẫn Nhân dân xử lý nước, sử dụng nước sạch bảo đảm vệ sinh; chủ động phòng dịch.",
     "Hướng dẫn Nhân dân xử lý nước, sử dụng nước sạch bảo đảm vệ sinh"),
    ("Giao Sở Tài chính chủ trì thẩm định kinh phí.", "Thẩm định kinh phí"),
    ("Hội Cựu chiến binh các cấp cần tiếp tục đổi mới nội dung.", "Tiếp tục đổi mới nội dung"),
    ("a) Tiếp tục quán triệt Chỉ thị 05", "Tiếp tục quán triệt Chỉ thị 05"),
    ("", ""),
])
def test_the_short_title_keeps_the_work_and_drops_the_addressees_label_and_lead_in(text, expected):
    assert short_title(text) == expected


def test_a_long_first_clause_is_cut_after_a_whole_word_within_the_limit():
    text = "Tập trung " + " ".join(["triển khai đồng bộ"] * 40) + "."
    title = short_title(text)
    assert len(title) <= SHORT_TITLE_TARGET
    assert re.fullmatch(r"Tập trung( triển khai đồng bộ)+( triển khai( đồng)?)?", title)


def test_a_single_unbroken_word_longer_than_the_limit_is_kept_within_the_column():
    assert len(short_title("x" * 400)) <= SHORT_TITLE_MAX


# --- the review step: the proposal shown, edited, recorded -----------------------------------------------------

from html import unescape  # noqa: E402

from resolutions.models import Directive  # noqa: E402
from tasks.models import Task  # noqa: E402
from tests.resolutions.wizard_support import (  # noqa: E402, F401 (fixtures: directory, office)
    directory,
    item_starting,
    office,
    post_op,
    review_url,
    the_draft,
    upload,
)


@pytest.mark.django_db
def test_the_review_step_offers_each_items_proposed_short_title_in_an_editable_field(office):
    upload(office)
    draft = the_draft(office)
    page = unescape(office.get(review_url(draft)).content.decode())
    assert page.count(">Trích yếu</label>") == len(draft["items"])
    for item in draft["items"]:
        assert item["short_title"] == short_title(item["text"]) != ""
        assert f'name="item-{item["id"]}-short_title" value="{item["short_title"]}"' in page
    plan = item_starting(draft, "Giao Ban cán sự đảng")
    assert plan["short_title"].startswith("Xây dựng kế hoạch chuyển đổi số giai đoạn 2022 - 2025")


@pytest.mark.django_db
def test_the_short_title_the_office_writes_names_the_directive_and_its_tasks(office, directory):
    upload(office)
    draft = the_draft(office)
    edited = item_starting(draft, "Giao Ban Tuyên giáo")
    kept = item_starting(draft, "Văn phòng Tỉnh ủy")
    needing = {f"item-{item['id']}-leads": [f"unit:{directory['UBND_TINH'].pk}"]
               for item in draft["items"] if not item["leads"]}
    response = post_op(office, "next", **needing,
                       **{f"item-{edited['id']}-short_title": "  Tuyên truyền   về chuyển đổi số "})
    assert response["Location"].endswith("/confirm/")
    confirm = office.get(review_url(the_draft(office)) + "confirm/").content.decode()
    assert "Tuyên truyền về chuyển đổi số" in confirm
    assert office.post(review_url(the_draft(office)) + "confirm/").status_code == 302
    directive = Directive.objects.get(text__startswith="Giao Ban Tuyên giáo")
    assert directive.short_title == "Tuyên truyền về chuyển đổi số"
    assert set(Task.objects.filter(directive=directive).values_list("title", flat=True)) == {
        "Tuyên truyền về chuyển đổi số"}
    # The full text stays with the task, one click away.
    assert Task.objects.filter(directive=directive).first().description == directive.text
    # An item the office left alone keeps the proposal.
    other = Directive.objects.get(text__startswith="Văn phòng Tỉnh ủy")
    assert other.short_title == short_title(kept["text"])
    assert Task.objects.get(directive=other).title == other.short_title
