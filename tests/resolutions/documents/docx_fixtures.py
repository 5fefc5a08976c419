"""The .docx fixtures, written with python-docx (used by build_fixtures.py and by the tests themselves)."""
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt


def _header_table(doc, left: list[str], right: list[str]):
    table = doc.add_table(rows=1, cols=2)
    for cell, lines in zip(table.rows[0].cells, (left, right)):
        cell.paragraphs[0].text = lines[0]
        for line in lines[1:]:
            cell.add_paragraph(line)
        for p in cell.paragraphs:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return table


def _centered(doc, text, bold=False):
    p = doc.add_paragraph()
    run = p.add_run(text)
    run.bold = bold
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return p


def _body(doc, text, indent=True):
    p = doc.add_paragraph(text)
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if indent:
        p.paragraph_format.first_line_indent = Cm(1.0)
    p.paragraph_format.space_after = Pt(6)
    return p


def _signature(doc, recipients: list[str], role: list[str], name: str):
    table = doc.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    left.paragraphs[0].text = "Nơi nhận:"
    for r in recipients:
        left.add_paragraph(r)
    right.paragraphs[0].text = role[0]
    for line in role[1:] + ["(Đã ký)", name]:
        right.add_paragraph(line)


def build_plan_table(path):
    """A plan whose tasks are the rows of a table, grouped by merged section rows."""
    doc = Document()
    _header_table(doc, ["TỈNH ỦY HẬU GIANG", "*", "Số 35-KH/TU"],
                  ["ĐẢNG CỘNG SẢN VIỆT NAM", "Hậu Giang, ngày 14 tháng 6 năm 2022"])
    _centered(doc, "KẾ HOẠCH", bold=True)
    _centered(doc, "triển khai thực hiện Nghị quyết số 05-NQ/TU ngày 15/3/2022 của Ban Thường vụ Tỉnh ủy về "
                   "chuyển đổi số tỉnh Hậu Giang đến năm 2025, định hướng đến năm 2030", bold=True)
    _centered(doc, "-----")
    _body(doc, "Thực hiện Nghị quyết số 05-NQ/TU ngày 15/3/2022 của Ban Thường vụ Tỉnh ủy, Ban Thường vụ Tỉnh ủy "
               "ban hành Kế hoạch thực hiện như sau:")
    _body(doc, "I. MỤC ĐÍCH, YÊU CẦU", indent=False)
    _body(doc, "1. Quán triệt sâu sắc, đầy đủ nội dung Nghị quyết đến cán bộ, đảng viên và Nhân dân; tạo sự thống "
               "nhất trong nhận thức và hành động.")
    _body(doc, "2. Xác định cụ thể nhiệm vụ, lộ trình và trách nhiệm của từng cơ quan, đơn vị; bảo đảm thực hiện "
               "đồng bộ, hiệu quả.")
    _body(doc, "II. NHIỆM VỤ CỤ THỂ", indent=False)
    rows = [
        ("STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"),
        ("(1)", "(2)", "(3)", "(4)", "(5)"),
        ("1", "CÔNG TÁC TUYÊN TRUYỀN, NÂNG CAO NHẬN THỨC", None, None, None),
        ("1.1", "Tổ chức hội nghị quán triệt, triển khai Nghị quyết đến cán bộ chủ chốt các cấp.",
         "Ban Tuyên giáo Tỉnh ủy", "Sở Thông tin và Truyền thông", "Tháng 6/2022"),
        ("1.2", "Tuyên truyền về chuyển đổi số trên các phương tiện thông tin đại chúng, hệ thống thông tin cơ sở.",
         "Sở Thông tin và Truyền thông", "Báo Hậu Giang;\nĐài Phát thanh và Truyền hình tỉnh", "Thường xuyên"),
        ("2", "HOÀN THIỆN THỂ CHẾ, HẠ TẦNG SỐ", None, None, None),
        ("2.1", "Xây dựng Đề án chuyển đổi số tỉnh Hậu Giang giai đoạn 2022 - 2025, trình UBND tỉnh ban hành.",
         "Sở Thông tin và Truyền thông", "Sở Kế hoạch và Đầu tư, Sở Tài chính", "Quý III/2022"),
        ("2.2", "Bố trí kinh phí thực hiện các nhiệm vụ chuyển đổi số trong dự toán ngân sách hằng năm.",
         "Sở Tài chính", "Sở Kế hoạch và Đầu tư", "Hằng năm"),
        ("2.3", "Triển khai phần mềm quản lý văn bản và điều hành trong các cơ quan Đảng.",
         "Văn phòng Tỉnh ủy", "Các huyện ủy, thị ủy, thành ủy", "Năm 2022"),
        ("2.4", "Triển khai nền tảng số trong các xã, phường, thị trấn.",
         "UBND các huyện, thị xã, thành phố", "Sở Thông tin và Truyền thông", "Trước 31/12/2022"),
    ]
    table = doc.add_table(rows=len(rows), cols=5)
    table.style = "Table Grid"
    for r, values in enumerate(rows):
        cells = table.rows[r].cells
        if values[2] is None:
            merged = cells[1].merge(cells[4])
            cells[0].text = values[0]
            merged.text = values[1]
            continue
        for c, value in enumerate(values):
            lines = value.split("\n")
            cells[c].text = lines[0]
            for line in lines[1:]:
                cells[c].add_paragraph(line)
    _body(doc, "III. TỔ CHỨC THỰC HIỆN", indent=False)
    _body(doc, "1. Các cấp ủy, tổ chức đảng căn cứ Kế hoạch này xây dựng kế hoạch thực hiện phù hợp với tình hình "
               "địa phương, đơn vị, hoàn thành trước ngày 30/7/2022.")
    _body(doc, "2. Sở Thông tin và Truyền thông là cơ quan thường trực, theo dõi, tổng hợp tình hình; định kỳ 6 tháng "
               "báo cáo Ban Thường vụ Tỉnh ủy (qua Ban Tuyên giáo Tỉnh ủy).")
    _signature(doc, ["- Ban Chỉ đạo chuyển đổi số tỉnh,", "- Như mục III,", "- Lưu Văn phòng Tỉnh ủy."],
               ["T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ THƯỜNG TRỰC"], "Phạm Minh Tâm")
    doc.save(path)


def _add_numbering(doc, abstract_id: int, num_id: int, levels: list[tuple[str, str, str | None]]):
    """Write one list definition into numbering.xml: levels of (numFmt, lvlText, bullet font)."""
    numbering = doc.part.numbering_part.element
    abstract = OxmlElement("w:abstractNum")
    abstract.set(qn("w:abstractNumId"), str(abstract_id))
    multi = OxmlElement("w:multiLevelType")
    multi.set(qn("w:val"), "multilevel" if len(levels) > 1 else "singleLevel")
    abstract.append(multi)
    for ilvl, (fmt, text, font) in enumerate(levels):
        lvl = OxmlElement("w:lvl")
        lvl.set(qn("w:ilvl"), str(ilvl))
        for tag, val in (("w:start", "1"), ("w:numFmt", fmt), ("w:lvlText", text), ("w:lvlJc", "left")):
            el = OxmlElement(tag)
            el.set(qn("w:val"), val)
            lvl.append(el)
        ppr = OxmlElement("w:pPr")
        ind = OxmlElement("w:ind")
        ind.set(qn("w:left"), str(360 * (ilvl + 1)))
        ind.set(qn("w:hanging"), "360")
        ppr.append(ind)
        lvl.append(ppr)
        if font:
            rpr = OxmlElement("w:rPr")
            fonts = OxmlElement("w:rFonts")
            fonts.set(qn("w:ascii"), font)
            fonts.set(qn("w:hAnsi"), font)
            rpr.append(fonts)
            lvl.append(rpr)
        abstract.append(lvl)
    # abstractNum elements must come before num elements
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), str(num_id))
    ref = OxmlElement("w:abstractNumId")
    ref.set(qn("w:val"), str(abstract_id))
    num.append(ref)
    numbering.append(num)


def _numbered(doc, text, num_id: int, ilvl: int):
    p = _body(doc, text, indent=False)
    ppr = p._p.get_or_add_pPr()
    numpr = OxmlElement("w:numPr")
    lvl = OxmlElement("w:ilvl")
    lvl.set(qn("w:val"), str(ilvl))
    nid = OxmlElement("w:numId")
    nid.set(qn("w:val"), str(num_id))
    numpr.append(lvl)
    numpr.append(nid)
    ppr.append(numpr)
    return p


def build_numbered(path):
    """A Kết luận whose I./II., 1./2., a)/b) and bullets are Word's automatic numbering, not text."""
    doc = Document()
    _add_numbering(doc, 90, 91, [("upperRoman", "%1.", None), ("decimal", "%2.", None), ("lowerLetter", "%3)", None)])
    _add_numbering(doc, 92, 93, [("bullet", "\uf0b7", "Symbol")])
    for line in ("TỈNH ỦY HẬU GIANG", "Số 27-KL/TU", "Hậu Giang, ngày 10 tháng 6 năm 2022"):
        _centered(doc, line)
    _centered(doc, "KẾT LUẬN", bold=True)
    _centered(doc, "CỦA BAN THƯỜNG VỤ TỈNH ỦY", bold=True)
    _centered(doc, "về công tác cán bộ và xây dựng tổ chức cơ sở đảng 6 tháng cuối năm 2022")
    _body(doc, "Tại phiên họp ngày 08/6/2022, sau khi nghe Ban Tổ chức Tỉnh ủy báo cáo kết quả công tác tổ chức xây "
               "dựng Đảng 6 tháng đầu năm, Ban Thường vụ Tỉnh ủy kết luận:")
    _numbered(doc, "Về kết quả thực hiện 6 tháng đầu năm", 91, 0)
    _numbered(doc, "Công tác kiện toàn tổ chức bộ máy được thực hiện đúng quy định; đã hoàn thành sắp xếp 12 ấp, "
                   "khu vực.", 93, 0)
    _numbered(doc, "Chất lượng sinh hoạt chi bộ có chuyển biến nhưng ở một số nơi còn hình thức.", 93, 0)
    _numbered(doc, "Nhiệm vụ trọng tâm 6 tháng cuối năm 2022", 91, 0)
    _numbered(doc, "Ban Tổ chức Tỉnh ủy chủ trì, phối hợp với Ủy ban Kiểm tra Tỉnh ủy tham mưu Ban Thường vụ Tỉnh ủy "
                   "quy trình lấy phiếu tín nhiệm đối với cán bộ thuộc diện Ban Thường vụ Tỉnh ủy quản lý; trình "
                   "trước ngày 31/8/2022.", 91, 1)
    _numbered(doc, "Các huyện ủy, thị ủy, thành ủy, đảng ủy trực thuộc:", 91, 1)
    _numbered(doc, "Rà soát, bổ sung quy hoạch cấp ủy nhiệm kỳ 2020 – 2025 và quy hoạch nhiệm kỳ 2025 – 2030, hoàn "
                   "thành trong tháng 10/2022.", 91, 2)
    _numbered(doc, "Củng cố, kiện toàn chi bộ yếu kém; chú trọng phát triển đảng viên trong doanh nghiệp ngoài khu "
                   "vực nhà nước.", 91, 2)
    _numbered(doc, "Đảng ủy Khối Cơ quan và Doanh nghiệp tỉnh tiếp tục thực hiện thí điểm mô hình chi bộ trong doanh "
                   "nghiệp tư nhân; tổng kết, báo cáo Ban Thường vụ Tỉnh ủy vào dịp tổng kết năm.", 91, 1)
    _numbered(doc, "Văn phòng Tỉnh ủy theo dõi, đôn đốc việc thực hiện Kết luận này.", 91, 1)
    for line in ("T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ", "Nguyễn Thị Hoa"):
        _centered(doc, line)
    doc.save(path)


def _page_number_footer(doc):
    footer = doc.sections[0].footer
    p = footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)


def build_pdf_source(path):
    """A two-page Kết luận with justified, indented paragraphs and page numbers, to be printed to PDF."""
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "DejaVu Serif"
    style.font.size = Pt(13)
    _page_number_footer(doc)
    _header_table(doc, ["TỈNH ỦY HẬU GIANG", "*", "Số 41-KL/TU"],
                  ["ĐẢNG CỘNG SẢN VIỆT NAM", "Hậu Giang, ngày 05 tháng 8 năm 2022"])
    _centered(doc, "KẾT LUẬN", bold=True)
    _centered(doc, "CỦA BAN THƯỜNG VỤ TỈNH ỦY", bold=True)
    _centered(doc, "về phát triển nông nghiệp, nông thôn những tháng cuối năm 2022")
    _body(doc, "Ngày 02/8/2022, Ban Thường vụ Tỉnh ủy nghe Ban cán sự đảng UBND tỉnh báo cáo tình hình sản xuất nông "
               "nghiệp 7 tháng đầu năm 2022 và nhiệm vụ những tháng cuối năm. Sau khi thảo luận, Ban Thường vụ Tỉnh "
               "ủy kết luận như sau:")
    _body(doc, "I. ĐÁNH GIÁ CHUNG", indent=False)
    _body(doc, "Bảy tháng đầu năm 2022, trong điều kiện giá vật tư nông nghiệp tăng cao, dịch bệnh trên cây trồng, vật "
               "nuôi diễn biến phức tạp, các cấp ủy, chính quyền đã tập trung lãnh đạo, chỉ đạo sản xuất; tổng diện "
               "tích gieo trồng lúa đạt 158.640 ha, năng suất bình quân 6,2 tấn/ha; giá trị sản xuất nông nghiệp "
               "tăng 3,1% so với cùng kỳ. Chương trình mỗi xã một sản phẩm (OCOP) được quan tâm, toàn tỉnh có 107 "
               "sản phẩm đạt từ 3 sao trở lên. Xây dựng nông thôn mới tiếp tục đạt kết quả tích cực, đến nay có 43/51 "
               "xã đạt chuẩn nông thôn mới, 15 xã đạt chuẩn nông thôn mới nâng cao.")
    _body(doc, "Tuy nhiên, liên kết sản xuất, tiêu thụ nông sản còn lỏng lẻo; việc ứng dụng khoa học - công nghệ, cơ "
               "giới hóa trong sản xuất chưa đồng bộ; một số sản phẩm chủ lực chưa xây dựng được thương hiệu; đời "
               "sống của một bộ phận nông dân còn khó khăn, thu nhập chưa ổn định.")
    _body(doc, "II. NHIỆM VỤ TRỌNG TÂM THỜI GIAN TỚI", indent=False)
    _body(doc, "1. Ban cán sự đảng UBND tỉnh lãnh đạo UBND tỉnh tập trung chỉ đạo chuyển đổi cơ cấu cây trồng, vật "
               "nuôi; tổ chức lại sản xuất gắn với liên kết tiêu thụ nông sản; rà soát, điều chỉnh quy hoạch vùng "
               "chuyên canh lúa chất lượng cao, khóm, mía, hoàn thành trước ngày 31/10/2022.")
    _body(doc, "Tập trung nguồn lực hỗ trợ nông dân ứng dụng khoa học - công nghệ, cơ giới hóa đồng bộ trong sản "
               "xuất; xây dựng thương hiệu cho các sản phẩm chủ lực của tỉnh.")
    _body(doc, "2. Sở Nông nghiệp và Phát triển nông thôn chủ trì, phối hợp với Sở Công Thương, Sở Khoa học và Công "
               "nghệ xây dựng kế hoạch phát triển sản phẩm OCOP giai đoạn 2022 - 2025, trình UBND tỉnh trong quý "
               "IV/2022.")
    _body(doc, "3. Hội Nông dân tỉnh phối hợp với Liên minh Hợp tác xã tỉnh thường xuyên vận động nông dân tham gia tổ "
               "hợp tác, hợp tác xã; nhân rộng các mô hình sản xuất hiệu quả, liên kết theo chuỗi giá trị.")
    _body(doc, "4. Các huyện ủy, thị ủy, thành ủy chỉ đạo chuẩn bị tốt các điều kiện phục vụ sản xuất vụ Đông Xuân "
               "2022 - 2023, bảo đảm đủ nước tưới, phòng chống hạn, mặn, hoàn thành trước ngày 15/11/2022.")
    _body(doc, "5. Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh và các đoàn thể chính trị - xã hội tỉnh đẩy mạnh "
               "cuộc vận động \"Người Việt Nam ưu tiên dùng hàng Việt Nam\", hỗ trợ tiêu thụ nông sản cho nông dân "
               "trong thời gian tới.")
    for _ in range(6):
        _body(doc, "", indent=False)
    _signature(doc, ["- Các đồng chí Tỉnh ủy viên,", "- Các sở, ban, ngành tỉnh,", "- Lưu Văn phòng Tỉnh ủy."],
               ["T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ"], "Lê Tiến Châu")
    doc.save(path)


# ---- one document in three forms: the .txt source, a .docx written from it, the .pdf LibreOffice prints ------------
def _field_run(p, code: str):
    run = p.add_run()
    for kind, text in (("begin", None), (None, code), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        elif code and text == code:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {code} "
            run._r.append(instr)
        else:
            t = OxmlElement("w:t")
            t.text = text
            run._r.append(t)


def _running_header_and_page_numbers(doc, header_text: str):
    """What an office prints on every page: the document's number at the top, "Trang N/M" at the bottom."""
    section = doc.sections[0]
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = p.add_run(header_text)
    run.italic = True
    run.font.size = Pt(10)
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("Trang ")
    _field_run(p, "PAGE")
    p.add_run("/")
    _field_run(p, "NUMPAGES")


def _blocks_of_text(text: str) -> list[list[str]]:
    """The .txt's runs of non-blank lines."""
    blocks, current = [], []
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.strip():
            current.append(line.rstrip(" "))  # a row's empty last cells are tabs
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _task_table(doc, rows: list[list[str]]):
    table = doc.add_table(rows=len(rows), cols=max(len(r) for r in rows))
    table.style = doc.styles["Table Grid"]
    for tr, cells in zip(table.rows, rows):
        for cell, text in zip(tr.cells, cells):
            cell.text = text.strip()
            if tr is table.rows[0]:
                for run in cell.paragraphs[0].runs:
                    run.bold = True
    widths = [Cm(1.0), Cm(5.6), Cm(3.2), Cm(3.2), Cm(2.8)][:len(table.columns)]
    table.autofit = False
    for column, width in zip(table.columns, widths):
        column.width = width
    for tr in table.rows:
        for cell, width in zip(tr.cells, widths):
            cell.width = width
    return table


def build_from_text(text: str, path, running_header: str):
    """The .docx an office would type for the .txt: the header as a two-column table (agency | national motto),
    the title centred, body paragraphs justified with a first-line indent, tab-separated lines as a bordered table,
    "Nơi nhận" and the signature side by side; 14 pt Times New Roman on A4 with the official margins, a running
    header and page numbers. The paragraphs are exactly the .txt's lines."""
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(14)
    style.paragraph_format.space_after = Pt(0)
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    section.left_margin, section.right_margin = Cm(3.0), Cm(2.0)
    section.header_distance = section.footer_distance = Cm(1.0)
    _running_header_and_page_numbers(doc, running_header)

    blocks = _blocks_of_text(text)
    header = blocks.pop(0)
    split = next(i for i, ln in enumerate(header) if ln.startswith(("ĐẢNG CỘNG SẢN", "CỘNG HÒA")))
    table = _header_table(doc, header[:split], header[split:])
    for cell in table.rows[0].cells:
        for p in cell.paragraphs:
            for run in p.runs:
                run.font.size = Pt(13)
    doc.add_paragraph()
    title = blocks.pop(0)
    if title[0].startswith("Kính gửi"):
        for line in title:
            _body(doc, line, indent=not line.startswith("Kính gửi"))
    else:
        for line in title:
            _centered(doc, line, bold=line.isupper())
    signature = []
    for k, block in enumerate(blocks):
        if block[0].startswith("Nơi nhận"):
            signature = [ln for b in blocks[k:] for ln in b]
            blocks = blocks[:k]
            break
    for block in blocks:
        i = 0
        while i < len(block):
            if block[i].count("\t") >= 2:
                j = i
                while j < len(block) and block[j].count("\t") >= 2:
                    j += 1
                _task_table(doc, [row.split("\t") for row in block[i:j]])
                i = j
                continue
            line = block[i]
            heading = line.isupper() or (line[:2] in ("I.", "II", "IV", "V.") and line.isupper())
            p = _body(doc, line, indent=not heading)
            if heading:
                for run in p.runs:
                    run.bold = True
            i += 1
    if signature:
        recipients = [ln for ln in signature[1:] if ln.startswith("-")]
        role = [ln for ln in signature[1:] if not ln.startswith("-")]
        table = doc.add_table(rows=1, cols=2)
        left, right = table.rows[0].cells
        left.paragraphs[0].text = signature[0]
        left.paragraphs[0].runs[0].bold = True
        for r in recipients:
            p = left.add_paragraph(r)
            p.runs[0].font.size = Pt(11)
        right.paragraphs[0].text = role[0]
        for line in role[1:]:
            right.add_paragraph(line)
        for p in right.paragraphs:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.save(path)
