"""Tables as other offices make them (generated here, illustrative values): the footer is never a unit."""

from __future__ import annotations

import io

import openpyxl

from geo.io.tables import NOTE, SUBTOTAL, TOTAL, read_indicators


def _office_workbook() -> bytes:
    """Title, a header merged over two rows, district headings with Roman numerals, a subtotal per district,
    a province total, then "Người lập biểu" / "KT. GIÁM ĐỐC" and the signers' names under them."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["KẾT QUẢ RÀ SOÁT HỘ NGHÈO NĂM 2023 (số liệu minh họa)"])
    ws.append(["STT", "Mã xã", "Đơn vị", "Tổng số hộ", "Hộ nghèo", None])
    ws.append([None, None, None, None, "Số hộ", "Tỷ lệ %"])
    for rng in ("A2:A3", "B2:B3", "C2:C3", "D2:D3", "E2:F2"):
        ws.merge_cells(rng)
    ws.append(["I", None, "Huyện Tràng Định", None, None, None])
    ws.append([1, 5998, "Xã Khánh Long", "1.000", "50", "5,00"])  # a code stored as a number: lost its zero
    ws.append([2, 6001, "Xã Đoàn Kết", "2.000", "300", "15,00"])
    ws.append([None, None, "Cộng huyện Tràng Định", "3.000", "350", "11,67"])
    ws.append(["II", None, "Huyện Bình Gia", None, None, None])
    ws.append([1, 6049, "Thị trấn Bình Gia", "1.500", "30", "2,00"])
    ws.append([None, None, "Toàn tỉnh", "4.500", "380", "8,44"])
    ws.append([])
    ws.append([None, None, "Người lập biểu", None, None, "KT. GIÁM ĐỐC"])
    ws.append([None, None, "Nguyễn Văn A", None, None, "Trần Thị B"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_signers_names_under_the_footer_are_not_units():
    table = read_indicators(_office_workbook(), name="bieu_01.xlsx")
    data = table.data
    assert data["code"].tolist() == ["05998", "06001", "06049"]
    assert data["name"].tolist() == ["Xã Khánh Long", "Xã Đoàn Kết", "Thị trấn Bình Gia"]
    assert data["households"].tolist() == [1000.0, 2000.0, 1500.0]
    assert data["poor_rate"].tolist() == [5.0, 15.0, 2.0]
    assert data["parent_name"].tolist() == ["Huyện Tràng Định", "Huyện Tràng Định", "Huyện Bình Gia"]
    skipped = dict(table.skipped)
    assert (skipped[7], skipped[10]) == (SUBTOTAL, TOTAL)
    assert (skipped[12], skipped[13]) == (NOTE, NOTE)  # "Người lập biểu", then "Nguyễn Văn A"
    assert table.warnings == []


def test_a_unit_with_a_code_after_a_note_is_still_read():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Mã xã", "Tên xã", "Tỷ lệ hộ nghèo (%)"])
    ws.append(["05998", "Xã Khánh Long", 5.0])
    ws.append(["Ghi chú: số liệu minh họa", None, None])
    ws.append(["06001", "Xã Đoàn Kết", 7.5])
    buf = io.BytesIO()
    wb.save(buf)
    table = read_indicators(buf.getvalue(), name="xa.xlsx")
    assert table.data["code"].tolist() == ["05998", "06001"]
    assert table.data["poor_rate"].tolist() == [5.0, 7.5]


def _legacy_rows(encoding: str) -> list[list[object]]:
    from geo.text.encoding import to_legacy

    return [[to_legacy("BIỂU TỔNG HỢP HỘ NGHÈO (số liệu minh họa)", encoding)],
            [to_legacy(x, encoding) for x in ("Mã xã", "Tên đơn vị", "Tổng số hộ", "Số hộ nghèo")],
            ["05986", to_legacy("Xã Hoàng Đồng", encoding), 1000, 85],
            ["06004", to_legacy("Xã Quốc Khánh", encoding), 400, 20]]


def test_a_workbook_typed_in_tcvn3_fonts_is_read_in_unicode():
    wb = openpyxl.Workbook()
    for row in _legacy_rows("tcvn3"):
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    table = read_indicators(buf.getvalue(), name="bieu_vntime.xlsx")
    assert table.data["name"].tolist() == ["Xã Hoàng Đồng", "Xã Quốc Khánh"]
    assert table.data["poor"].tolist() == [85.0, 20.0]
    assert table.title == ("BIỂU TỔNG HỢP HỘ NGHÈO (số liệu minh họa)",)
    assert [(w.code, w.detail) for w in table.warnings] == [("legacy_text", "tcvn3")]


def test_a_csv_saved_from_a_vni_workbook_is_read_in_unicode():
    import csv

    text = io.StringIO()
    csv.writer(text).writerows(_legacy_rows("vni")[1:])
    data = text.getvalue().encode("cp1252")  # the bytes Excel writes for VNI-Times text
    table = read_indicators(data, name="bieu_vni.csv")
    assert table.data["name"].tolist() == ["Xã Hoàng Đồng", "Xã Quốc Khánh"]
    assert table.data["households"].tolist() == [1000.0, 400.0]
    assert [(w.code, w.detail) for w in table.warnings] == [("legacy_text", "vni")]


def test_a_windows_1258_csv_is_not_taken_for_a_legacy_font():
    from geo.text.encoding import to_legacy

    text = to_legacy("Mã xã,Tên xã,Số hộ nghèo\n05986,Xã Hoàng Đồng,85\n", "cp1258")
    data = text.encode("cp1252")
    assert data.decode("cp1258") != data.decode("latin-1")  # tone marks as Windows-1258 bytes
    table = read_indicators(data, name="x.csv")
    assert table.data["name"].tolist() == ["Xã Hoàng Đồng"] and table.warnings == []


def test_district_headings_numbered_in_capitals_are_the_parents_of_the_communes_below():
    # Names only: "Xã Chi Lăng" is in Tràng Định and in Chi Lăng (beside "Thị trấn Chi Lăng"); the heading decides.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["TT", "Tên đơn vị", "Số hộ nghèo", "Tổng số hộ", "Ghi chú"])
    ws.append(["I", "I. HUYỆN TRÀNG ĐỊNH", None, None, None])
    ws.append([1, "xã Chi Lăng", 11, 500, "ATK"])
    ws.append([None, "Cộng Huyện Tràng Định", 11, 500, None])
    ws.append(["II", "II - HUYỆN CHI LĂNG", None, None, None])
    ws.append([1, "1. xã Chi Lăng", 22, 600, None])
    ws.append([2, "TT Chi Lăng", 33, 700, None])
    buf = io.BytesIO()
    wb.save(buf)
    table = read_indicators(buf.getvalue(), name="bieu_02.xlsx")
    assert table.data["name"].tolist() == ["xã Chi Lăng", "xã Chi Lăng", "TT Chi Lăng"]
    assert table.data["parent_name"].tolist() == ["HUYỆN TRÀNG ĐỊNH", "HUYỆN CHI LĂNG", "HUYỆN CHI LĂNG"]
    assert [(w.code, w.column) for w in table.warnings] == [("text_column", "Ghi chú")]

    from geo.workflows.layer import build_layer

    layer = build_layer(boundaries="default", table=table, province="20", level="commune")
    poor = layer.gdf.set_index("code")["poor"]
    assert (poor["06034"], poor["06523"], poor["06466"]) == (11, 22, 33)  # Tràng Định's, Chi Lăng's, the town
    assert layer.report.summary()["matched"] == 3


def test_district_and_province_rows_of_a_gso_style_list_are_not_communes():
    text = ("Mã ĐVHC,Tên đơn vị hành chính,Tổng số hộ,Số hộ nghèo\n"
            "20,Tỉnh Lạng Sơn,3000,300\n"
            "178,Thành phố Lạng Sơn,1000,100\n"
            "5971,Phường Hoàng Văn Thụ,1000,100\n"
            "180,Huyện Tràng Định,2000,200\n"
            "05998,Xã Khánh Long,2000,200\n")
    table = read_indicators(text.encode("utf-8"), name="dvhc.csv")
    assert table.level == "commune"
    assert table.data["code"].tolist() == ["05971", "05998"]
    assert table.data["parent_name"].tolist() == ["Thành phố Lạng Sơn", "Huyện Tràng Định"]
    assert table.skipped == [(2, TOTAL), (3, SUBTOTAL), (5, SUBTOTAL)]
    assert table.warnings == []  # the province row's 3000 and 300 are the sums of the communes


def test_a_rate_typed_with_three_decimals_is_a_rate_not_thousands():
    # "12,500" (Vietnamese) and "12.500" (English) in a rate column are 12.5 %; counts keep their thousands.
    for rate_a, rate_b, households in (('"12,500"', '"8,250"', '"1.000"'), ("12.500", "8.250", '"1,000"')):
        text = ("Mã xã,Tên xã,Tổng số hộ,Số hộ nghèo,Tỷ lệ hộ nghèo (%)\n"
                f"05971,Phường Hoàng Văn Thụ,{households},125,{rate_a}\n"
                f"05974,Phường Tam Thanh,2000,165,{rate_b}\n")
        data = read_indicators(text.encode("utf-8"), name="x.csv").data
        assert data["poor_rate"].tolist() == [12.5, 8.25]
        assert data["households"].tolist() == [1000.0, 2000.0]


def test_a_note_between_units_of_names_does_not_end_the_table():
    text = ("Tên xã,Tên huyện,Số hộ nghèo\n"
            "Xã Khánh Long,Huyện Tràng Định,5\n"
            "Ghi chú: xã dưới đây đã sáp nhập năm 2020,,\n"
            "Xã Đoàn Kết,Huyện Tràng Định,7\n")
    table = read_indicators(text.encode("utf-8"), name="xa.csv")
    assert table.data["name"].tolist() == ["Xã Khánh Long", "Xã Đoàn Kết"]


def test_codes_exported_as_excel_literals_keep_their_zero():
    text = 'Mã xã,Tên xã,Số hộ nghèo\n="05971",Phường Hoàng Văn Thụ,"1.234"\n="05974",Phường Tam Thanh,"2.345"\n'
    table = read_indicators(text.encode("utf-8"), name="xuat_tu_phan_mem.csv")
    assert table.data["code"].tolist() == ["05971", "05974"]
    assert table.data["poor"].tolist() == [1234.0, 2345.0]
    assert table.warnings == []
