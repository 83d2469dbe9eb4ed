"""``python -m geo households``: household review lists -> commune indicators, report and village table.

Example::

    python -m geo households --lists ds_xa.zip --totals tong_so_ho.xlsx \\
        --out out/chi_tieu_ho.xlsx --report out/bao_cao_ho.json
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from geo import settings

HELP = "Đọc danh sách hộ nghèo, cận nghèo; tính chỉ tiêu theo xã, huyện, thôn / household lists to commune indicators"


def register(sub: argparse._SubParsersAction) -> None:
    from geo.cli import common_args

    p = sub.add_parser("households", help=HELP)
    p.add_argument("--lists", nargs="+", help="tệp .xlsx/.csv, thư mục hoặc tệp .zip danh sách hộ")
    p.add_argument("--totals", default=None, help="bảng tổng số hộ theo xã (để tính tỷ lệ); không bắt buộc")
    p.add_argument("--mapping", default=None, help="tệp ghép cột .json (loại của từng cột; xã của tệp không ghi xã); "
                                                   "được lưu vào kho dữ liệu cho các tệp cùng dạng tiêu đề")
    p.add_argument("--no-saved-mapping", action="store_true",
                   help="không dùng và không lưu cách ghép cột trong kho dữ liệu / ignore the workspace's saved mappings")
    p.add_argument("--province", default=settings.DEFAULT_PROVINCE, help="mã tỉnh GSO, mặc định 20 (Lạng Sơn)")
    p.add_argument("--vintage", choices=("pre2025", "2025"), default=settings.DEFAULT_VINTAGE)
    p.add_argument("--out", help="tệp chỉ tiêu .xlsx (xã, huyện, thôn, nguồn, cách tính) hoặc .csv")
    p.add_argument("--report", help="báo cáo nhập .json")
    p.add_argument("--villages", default=None, help="bảng theo thôn .xlsx/.csv cho phụ lục; không bắt buộc")
    p.add_argument("--example", default=None, metavar="ZIP",
                   help="chỉ ghi một tệp .zip danh sách hộ MINH HỌA (tên, số giấy tờ giả) để thử lệnh / write illustrative lists")
    common_args(p)
    p.set_defaults(func=run)


def _example(args) -> int:
    import tempfile

    from geo.cli import EXIT_OK
    from geo.io.households_fake import fake_households, write_lists, zip_folder
    from geo.io.write import atomic_path, check_output
    from geo.text.i18n import t

    check_output(args.example, overwrite=args.overwrite)
    frame = fake_households(n=settings.HOUSEHOLD_EXAMPLE_SIZE, province=args.province, vintage=args.vintage, seed=2024)
    with tempfile.TemporaryDirectory(prefix="geo-example-") as tmp, atomic_path(args.example) as out:
        write_lists(frame, tmp, form="xlsx_sheets")
        zip_folder(tmp, out)
    print(t("household.example_done", args.lang, path=args.example, n=len(frame)))
    return EXIT_OK


def _store(lang: str):
    """The workspace (for saved column mappings), or None with a warning when it cannot be opened."""
    from geo._errors import GeoError
    from geo.workspace import open_workspace

    try:
        return open_workspace()
    except GeoError as exc:
        print(exc.message(lang), file=sys.stderr)
        return None


def run(args) -> int:
    from geo.cli import EXIT_OK, _inputs
    from geo.io.write import atomic_path, check_output
    from geo.text.i18n import t
    from geo.workflows import households as wf

    from geo._errors import GeoError

    if args.example:
        return _example(args)
    missing = [name for name in ("lists", "out", "report") if not getattr(args, name)]
    if missing:
        raise GeoError("household_cli_missing", options=", ".join(f"--{m}" for m in missing))
    inputs = _inputs(*args.lists, args.totals, args.mapping)
    outputs = [Path(p) for p in (args.out, args.report, args.villages) if p]
    for i, out in enumerate(outputs):
        check_output(out, inputs=inputs + outputs[:i], overwrite=args.overwrite)
    mapping = wf.load_mapping(args.mapping)
    store = None if args.no_saved_mapping else _store(args.lang)
    if store is not None:
        from geo.workspace.household_mappings import with_saved

        mapping = with_saved(store, mapping)
    result = wf.import_lists(args.lists, totals=args.totals, mapping=mapping, province=args.province,
                             vintage=args.vintage)
    applied = wf.mapping_message(result, lang=args.lang)
    if applied:
        print(applied, file=sys.stderr)
    if store is not None and mapping.columns:
        from geo.workspace.household_mappings import save_mapping

        if save_mapping(store, layouts=result.layouts, mapping=mapping, origin="cli"):
            print(t("household.mapping_saved", args.lang), file=sys.stderr)
    wf.write_workbook(result, args.out, lang=args.lang)
    written = {"indicators": str(args.out)}
    if args.villages:
        fmt = "csv" if Path(args.villages).suffix.lower() == ".csv" else "xlsx"
        with atomic_path(args.villages) as tmp:
            tmp.write_bytes(wf.villages_bytes(result, fmt=fmt, lang=args.lang))
        written["villages"] = str(args.villages)
    wf.write_report(result, args.report, lang=args.lang, outputs=written)
    for line in wf.problem_messages(result, lang=args.lang, limit=settings.HOUSEHOLD_CLI_MESSAGES):
        print(line, file=sys.stderr)
    print(wf.summary_line(result, path=args.out, lang=args.lang))
    return EXIT_OK
