"""Command line: ``python -m geo <command> ...`` for batch work.

Every command calls the same library functions as the app. Exit codes:
0 when the command ran (even if some rows did not match), 2 with a one-line
message for unreadable, unsafe or unsupported input, in Vietnamese by default
or English with ``--lang en``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import sys
from pathlib import Path

from geo import settings
from geo._errors import GeoError
from geo.text.i18n import DEFAULT_LANG, LANGS, Num

__all__ = ["main", "build_parser"]

# Modules of geo/cli/ that register one command each (see build_parser).
COMMAND_MODULES: tuple[str, ...] = ("samples", "workspace", "review", "border", "households")

EXIT_OK = 0
EXIT_INPUT = 2

_HELP = {
    "join": "Ghép bảng chỉ tiêu với ranh giới theo mã (hoặc tên trong đơn vị cha) / join an indicator table to boundaries",
    "priority": "Xếp hạng xã ưu tiên theo quy tắc (nhóm, điểm, lý do) / rank units by priority rules",
    "convert": "Chuyển số liệu từ xã cũ (trước 7/2025) sang xã mới theo mã / convert old-commune figures to the 2025 communes",
}


def common_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", choices=LANGS, default=DEFAULT_LANG, help="ngôn ngữ thông báo / message language (vi, en)")
    p.add_argument("--overwrite", action="store_true", help="cho phép ghi đè tệp kết quả / allow overwriting outputs")


def boundary_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--boundaries", required=True, help="tệp ranh giới (GeoJSON, GPKG, SHP, ZIP, KML) hoặc 'default'")
    p.add_argument("--province", default=settings.DEFAULT_PROVINCE, help="mã tỉnh GSO, mặc định 20 (Lạng Sơn)")
    p.add_argument("--level", choices=("district", "commune"), default=None, help="cấp: district hoặc commune")
    p.add_argument("--vintage", choices=("pre2025", "2025"), default=settings.DEFAULT_VINTAGE)
    p.add_argument("--crs", default=None, help="hệ tọa độ của tệp không có .prj, ví dụ EPSG:9215")
    prefer_arg(p)


def prefer_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--prefer", choices=("first", "last"), default=None,
                   help="đơn vị có nhiều dòng mâu thuẫn: dùng dòng đầu (first) hoặc dòng cuối (last); "
                        "mặc định: không có số liệu")


def report_checks(layer, lang: str) -> None:
    """The layer's notes and the value checks' warnings, one line each, on stderr (the report file has every row)."""
    from geo.text.i18n import t

    for note in (layer.build.boundaries.get("read") or {}).get("warnings", []):  # CRS assumed, axes swapped...
        print(note.get(lang) or note.get("vi", ""), file=sys.stderr)
    for note in layer.notes:  # why a table shows nothing (other vintage, coarser level) or what was derived
        print(t(note, lang), file=sys.stderr)
    for line in layer.build.warnings(lang, front="cli"):
        print(line, file=sys.stderr)


# argparse's own error messages (Python 3.11) -> catalogue key of the same message in the user's language.
_ARGPARSE_ERRORS = (
    (re.compile(r"the following arguments are required: (?P<args>.+)"), "cli.argparse.required"),
    (re.compile(r"unrecognized arguments: (?P<args>.+)"), "cli.argparse.unrecognized"),
    (re.compile(r"argument (?P<arg>\S+): invalid choice: (?P<value>.+?) \(choose from (?P<choices>.+)\)"),
     "cli.argparse.choice"),
    (re.compile(r"argument (?P<arg>\S+): expected (?:one argument|at least one argument)"), "cli.argparse.value"),
    (re.compile(r"argument (?P<arg>\S+): invalid \S+ value: (?P<value>.+)"), "cli.argparse.invalid"),
    (re.compile(r"ambiguous option: (?P<arg>\S+) could match (?P<choices>.+)"), "cli.argparse.ambiguous"),
)


def _argv_lang(argv: list[str]) -> str:
    """The language asked with ``--lang`` on the command line, before it is parsed."""
    for i, arg in enumerate(argv):
        value = arg.split("=", 1)[1] if arg.startswith("--lang=") else (
            argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else None)
        if value in LANGS:
            return value
    return DEFAULT_LANG


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout, with its "usage:" in the user's language."""

    def add_usage(self, usage, actions, groups, prefix=None):  # noqa: D102 - argparse's hook
        from geo.text.i18n import t

        if prefix is None:
            prefix = t("cli.argparse.usage", _Parser.lang) + " "
        super().add_usage(usage, actions, groups, prefix)


class _Parser(argparse.ArgumentParser):
    """argparse, with its error messages and its own words in the help ("usage:", "options:", "show this
    help message and exit") in the user's language (Vietnamese unless ``--lang en``)."""

    lang = DEFAULT_LANG  # set by main() from the command line, before it is parsed

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def format_help(self) -> str:  # noqa: D102 - argparse's hook
        from geo.text.i18n import t

        lang = self.lang
        self._positionals.title = t("cli.argparse.positionals", lang)
        self._optionals.title = t("cli.argparse.options", lang)
        for action in self._actions:
            if isinstance(action, argparse._HelpAction):
                action.help = t("cli.argparse.help", lang)
        return super().format_help()

    def error(self, message: str):  # noqa: D102 - argparse's hook
        from geo.text.i18n import t

        lang = self.lang
        for pattern, key in _ARGPARSE_ERRORS:
            m = pattern.fullmatch(message)
            if m:
                message = t(key, lang, **m.groupdict())
                break
        self.print_usage(sys.stderr)
        self.exit(EXIT_INPUT, f"{self.prog}: {t('cli.argparse.error', lang)}: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m geo", description="Bản đồ và danh sách ưu tiên giảm nghèo")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("join", help=_HELP["join"])
    boundary_args(p)
    p.add_argument("--indicators", required=True, help="bảng chỉ tiêu (CSV, XLSX) hoặc khóa bảng có sẵn")
    p.add_argument("--out", required=True, help="tệp kết quả .gpkg")
    p.add_argument("--report", required=True, help="báo cáo ghép .json")
    common_args(p)
    p.set_defaults(func=_cmd_join)

    p = sub.add_parser("convert", help=_HELP["convert"])
    p.add_argument("--indicators", required=True, help="bảng chỉ tiêu theo xã cũ (CSV, XLSX), có cột mã xã")
    p.add_argument("--from", dest="from_vintage", choices=("pre2025", "2025"), default="pre2025")
    p.add_argument("--to", dest="to_vintage", choices=("pre2025", "2025"), default="2025")
    p.add_argument("--province", default=settings.DEFAULT_PROVINCE, help="mã tỉnh GSO cũ, mặc định 20 (Lạng Sơn)")
    p.add_argument("--weights", default=None, help="tệp trọng số CSV old_code,new_code,weight cho xã bị chia")
    p.add_argument("--out", required=True, help="tệp kết quả .csv hoặc .xlsx")
    p.add_argument("--report", required=True, help="báo cáo chuyển đổi .json")
    prefer_arg(p)
    common_args(p)
    p.set_defaults(func=_cmd_convert)

    p = sub.add_parser("priority", help=_HELP["priority"])
    boundary_args(p)
    p.add_argument("--indicators", required=True, help="bảng chỉ tiêu (CSV, XLSX) hoặc khóa bảng có sẵn")
    p.add_argument("--designations", default=None, help="danh sách diện chính sách (CSV, XLSX) theo mã hoặc tên + huyện")
    p.add_argument("--designation-type", default=None, help="loại diện khi danh sách không có cột loại, ví dụ border")
    p.add_argument("--manual", default=None, help="quyết định thủ công (CSV: code, action=include|exclude, reason, tier)")
    p.add_argument("--rules", required=True, help="tệp quy tắc .yaml (xem docs/rules_example.yaml)")
    p.add_argument("--out", required=True, help="tệp kết quả .csv, .xlsx hoặc .gpkg")
    common_args(p)
    p.set_defaults(func=_cmd_priority)

    p = sub.add_parser("webmap", help=_WEBMAP_HELP)
    boundary_args(p)
    _webmap_args(p)
    common_args(p)
    p.set_defaults(func=_cmd_webmap)

    p = sub.add_parser("annex", help=_ANNEX_HELP)
    _annex_args(p)
    common_args(p)
    p.set_defaults(func=_cmd_annex)

    # Commands that live in their own module of geo/cli/: each has register(sub) adding one sub-parser.
    for name in COMMAND_MODULES:
        importlib.import_module(f"geo.cli.{name}").register(sub)
    return parser


def _inputs(*paths) -> list[Path]:
    return [Path(p) for p in paths if p and Path(p).exists()]



def join_summary(summary: dict, by_method: dict, *, out: str, report: str, lang: str) -> str:
    """The join command's summary line: counts written with Babel, match methods in words."""
    from geo.text.i18n import format_number, t

    def n(key: str) -> str:
        return format_number(summary[key], 0, lang)

    methods = "; ".join(f"{t(f'method.{k}', lang)}: {format_number(v, 0, lang)}" for k, v in by_method.items())
    return t("cli.join.summary", lang, matched=n("matched"), methods=f" ({methods})" if methods else "",
             unmatched_rows=n("unmatched_rows"), unmatched_units=n("unmatched_boundaries"), ambiguous=n("ambiguous"),
             inconsistent=n("inconsistent"), out=out, report=report)

def _cmd_join(args) -> int:
    from geo.io.write import atomic_path, check_output
    from geo.workflows.layer import build_layer, output_layer

    inputs = _inputs(args.boundaries, args.indicators)
    check_output(args.out, inputs=inputs, overwrite=args.overwrite)
    check_output(args.report, inputs=inputs + [Path(args.out)], overwrite=args.overwrite)
    result = build_layer(
        boundaries=args.boundaries, table=args.indicators, province=args.province,
        level=args.level, vintage=args.vintage, crs=args.crs, prefer=args.prefer,
    )
    result.require_joined()
    out = output_layer(result)
    with atomic_path(args.out) as tmp:
        out.to_file(tmp, driver="GPKG", layer="units")
    report = result.to_dict()
    with atomic_path(args.report) as tmp:
        tmp.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    report_checks(result, args.lang)
    s = result.report.summary() if result.report is not None else {k: 0 for k in (
        "matched", "unmatched_rows", "unmatched_boundaries", "ambiguous", "inconsistent")}
    by_method = result.report.by_method if result.report is not None else {}
    line = join_summary(s, by_method, out=args.out, report=args.report, lang=args.lang)
    checks = result.build.checks
    if result.build.problems:
        from geo.text.i18n import t

        line += " " + t("trust.cli", args.lang, invalid=len(checks.invalid_values),
                        conflicts=sum(c["kept"] is None for c in checks.conflicts),
                        implausible=len(checks.implausible) + len(result.build.outliers))
    print(line)
    return EXIT_OK


def _cmd_convert(args) -> int:
    from geo.io.write import atomic_path, check_output
    from geo.io.conversion import write_conversion
    from geo.text.i18n import t
    from geo.workflows.reform import convert_checked

    suffix = Path(args.out).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise GeoError("unsupported_format", path=args.out, supported=".csv, .xlsx")
    inputs = _inputs(args.indicators, args.weights)
    check_output(args.out, inputs=inputs, overwrite=args.overwrite)
    check_output(args.report, inputs=inputs + [Path(args.out)], overwrite=args.overwrite)
    if args.weights and not Path(args.weights).is_file():
        raise GeoError("file_not_found", path=args.weights)
    result, layer = convert_checked(args.indicators, province=args.province, weights=args.weights,
                                    prefer=args.prefer, from_vintage=args.from_vintage, to_vintage=args.to_vintage)
    report_checks(layer, args.lang)
    table = layer.table
    with atomic_path(args.out) as tmp:
        write_conversion(result, tmp, lang=args.lang)
    report = result.report.to_dict()
    report["source"] = getattr(table, "source", str(args.indicators))
    report["messages"] = result.report.warnings(args.lang)
    with atomic_path(args.report) as tmp:
        tmp.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(t("convert.done", args.lang, out=args.out, report=args.report, **result.report.summary()))
    for line in result.report.gap_warnings(args.lang):  # which new communes have no data, and why
        print(line, file=sys.stderr)
    return EXIT_OK


def _read_manual(path: str):
    from geo.analysis.rules import ManualDecision
    from geo.io.upload import read_records

    df = read_records(path).frame  # the one safe reader: budgets, encodings
    missing = [c for c in ("code", "action", "reason") if c not in df.columns]
    if missing:
        raise GeoError("designation_columns", path=path, missing=", ".join(missing), columns=", ".join(df.columns))
    return [
        ManualDecision(code=r["code"], action=r["action"].strip().lower(), reason=r["reason"],
                       tier=int(r["tier"]) if str(r.get("tier", "")).strip().isdigit() else None)
        for r in df.to_dict("records")
    ]


def _cmd_priority(args) -> int:
    import geopandas as gpd

    from geo.io.sheets import write_table
    from geo.io.write import atomic_path, check_output
    from geo.units.designations import builtin_designations
    from geo.join.designations import read_designations
    from geo.text.i18n import t
    from geo.analysis.ranking import ranking_table
    from geo.analysis.rules_file import load_rules
    from geo.workflows.layer import build_layer
    from geo.workflows.priority import import_report_lines, prioritise, tier_counts, unit_labels

    suffix = Path(args.out).suffix.lower()
    if suffix not in (".csv", ".xlsx", ".gpkg"):
        raise GeoError("unsupported_format", path=args.out, supported=".csv, .xlsx, .gpkg")
    inputs = _inputs(args.boundaries, args.indicators, args.designations, args.rules, args.manual)
    check_output(args.out, inputs=inputs, overwrite=args.overwrite)
    rules = load_rules(args.rules)
    manual = _read_manual(args.manual) if args.manual else None
    layer = result = build_layer(
        boundaries=args.boundaries, table=args.indicators, province=args.province,
        level=args.level, vintage=args.vintage, crs=args.crs, prefer=args.prefer,
    )
    layer.require_joined()
    report_checks(layer, args.lang)
    designations = builtin_designations(province=args.province, vintage=layer.vintage)
    if args.designations:
        imported, report = read_designations(
            args.designations, type=args.designation_type, province=args.province, level=layer.level,
            vintage=layer.vintage,
        )
        designations = designations.merge(imported)
        s = report.summary()
        if s["unmatched"] or s["ambiguous"]:
            rows = [str(r["row"]) for r in report.unmatched + report.ambiguous]
            print(t("priority.cli_designations", args.lang, unmatched=s["unmatched"], ambiguous=s["ambiguous"],
                    rows=", ".join(rows)), file=sys.stderr)
        labels = unit_labels(layer.gdf)
        for line in import_report_lines(report, labels, lang=args.lang):
            print(f"{Path(args.designations).name}: {line}", file=sys.stderr)
    units = result.gdf.assign(approximate=True) if result.approximate else result.gdf
    outcome = prioritise(units, designations=designations, rules=rules, manual=manual or (), lang=args.lang)
    ranked = outcome.ranked  # the Priority page calls the same function on the same joined layer
    for line in outcome.warnings:
        print(line, file=sys.stderr)
    with atomic_path(args.out) as tmp:
        if suffix == ".gpkg":
            gdf = gpd.GeoDataFrame(ranked, geometry="geometry", crs=result.gdf.crs or "EPSG:4326")
            gdf.to_file(tmp, driver="GPKG", layer="priority")
        else:
            table = ranking_table(ranked, lang=args.lang, indicators=rules.indicators)
            notes = [f"{tier.label}: {tier.rule.text}" for tier in rules.tiers]
            write_table(table, tmp, sheet_name="priority", notes=notes)
    tiers = tier_counts(ranked, lang=args.lang)  # the Priority page prints the same counts
    print(t("priority.cli_summary", args.lang, n=len(ranked), selected=int(ranked["selected"].sum()), tiers=tiers,
            path=args.out))
    return EXIT_OK


# --------------------------------------------------------------------------
# annex: print maps, atlas, annex tables and geometry (geo.render.printmap, geo.render.annex_table)
# --------------------------------------------------------------------------
_ANNEX_HELP = "Xuất phụ lục: bản đồ in, tập bản đồ, bảng XLSX/CSV/DOCX, hình học / export plan annexes"
_ANNEX_FORMATS = ("pdf", "png", "svg", "xlsx", "csv", "docx", "gpkg", "geojson")


def _annex_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--level", choices=("district", "commune"), required=True, help="cấp: district hoặc commune")
    p.add_argument("--indicator", required=True, help="chỉ tiêu để tô màu, ví dụ poor_rate hoặc poor_rate_2020")
    p.add_argument("--year", default=None, help="năm của chỉ tiêu, ví dụ 2020 (mặc định: năm đầu tiên có số liệu)")
    p.add_argument("--boundaries", default="default", help="tệp ranh giới hoặc 'default' (sơ đồ gần đúng)")
    p.add_argument("--indicators", default="langson_kh78_2021", help="bảng chỉ tiêu (CSV, XLSX) hoặc khóa bảng có sẵn")
    p.add_argument("--province", default=settings.DEFAULT_PROVINCE, help="mã tỉnh GSO, mặc định 20 (Lạng Sơn)")
    p.add_argument("--vintage", choices=("pre2025", "2025"), default=settings.DEFAULT_VINTAGE)
    p.add_argument("--crs", default=None, help="hệ tọa độ của tệp không có .prj, ví dụ EPSG:9215")
    prefer_arg(p)
    p.add_argument("--selection", default=None, help="tệp danh sách mã đơn vị được chọn (CSV, TXT, XLSX)")
    p.add_argument("--format", action="append", required=True, type=_annex_formats,
                   help="pdf, png, svg, xlsx, csv, docx, gpkg, geojson hoặc atlas; nhiều dạng một lần: "
                        "--format pdf,atlas,png (hoặc lặp lại --format)")
    p.add_argument("--out", required=True, help="tệp kết quả (nhiều dạng: cùng tên, đuôi theo dạng; atlas: <tên>_atlas.pdf)")
    p.add_argument("--atlas", action="store_true", help="PDF nhiều trang: trang tổng quan + mỗi huyện một trang")
    p.add_argument("--paper", choices=settings.PAPERS, default=settings.DEFAULT_PAPER)
    p.add_argument("--orientation", choices=settings.ORIENTATIONS, default=settings.DEFAULT_ORIENTATION)
    p.add_argument("--title", default=None, help="tiêu đề (mặc định: tên chỉ tiêu, năm, tỉnh)")
    p.add_argument("--subtitle", default=None, help="dòng phụ, ví dụ '(Kèm theo Kế hoạch số …/KH-UBND …)'")


def _annex_formats(text: str) -> list[str]:
    """``pdf,png`` -> ``["pdf", "png"]`` (argparse type of ``--format``)."""
    kinds = [k.strip().lower() for k in str(text).split(",") if k.strip()]
    bad = [k for k in kinds if k not in (*_ANNEX_FORMATS, "atlas")]
    if bad or not kinds:
        raise argparse.ArgumentTypeError(
            f"'{text}': {', '.join(bad) or '-'} ∉ {', '.join((*_ANNEX_FORMATS, 'atlas'))}")
    return kinds


def _annex_targets(args) -> dict[str, Path]:
    """{kind: output path}: ``--out`` for one kind; for several, its name with each kind's suffix."""
    from geo.workflows.exports import EXPORTS

    kinds = list(dict.fromkeys(k for group in args.format for k in group))
    if args.atlas:
        if "pdf" not in kinds:
            raise GeoError("annex_atlas_pdf", format=",".join(kinds))
        kinds = ["atlas" if k == "pdf" else k for k in kinds]
    out = Path(args.out)
    if len(kinds) == 1:
        return {kinds[0]: out}
    return {k: out.with_name(f"{out.stem}_atlas.pdf") if k == "atlas" else out.with_suffix("." + EXPORTS[k].suffix)
            for k in kinds}


def _cmd_annex(args) -> int:
    from geo.render import annex_table as annex
    from geo.workflows import exports
    from geo.io.write import check_output
    from geo.text.i18n import t
    from geo.workflows.layer import build_layer
    from geo.workflows.mapview import value_column
    from geo.join.files import BUILTIN_INDICATORS

    targets = _annex_targets(args)
    inputs = _inputs(args.boundaries, args.indicators, args.selection)
    for path in targets.values():
        check_output(path, inputs=inputs, overwrite=args.overwrite)
    selection = annex.read_selection(args.selection, level=args.level) if args.selection else None
    # The Annex page calls the same geo.workflows.exports functions on the same kind of layer.
    layer = build_layer(boundaries=args.boundaries, table=args.indicators, province=args.province,
                        level=args.level, vintage=args.vintage, crs=args.crs, prefer=args.prefer)
    layer.require_joined()
    report_checks(layer, args.lang)
    column = value_column(layer.indicators, args.indicator, args.year)  # same choice as the map page and webmap
    builtin = BUILTIN_INDICATORS.get(str(args.indicators))
    units = exports.annex_units(layer, "selection" if selection is not None else "all", selection=selection or ())
    map_title, table_title = exports.default_titles(layer, column, args.lang)
    choices = exports.AnnexChoices(
        value_column=column, title=args.title or map_title, table_title=args.title or table_title,
        subtitle=args.subtitle, paper=args.paper, orientation=args.orientation, lang=args.lang,
        data_source=builtin["citation"] if builtin else Path(args.indicators).name,
        boundary_source=None if args.boundaries == "default" else Path(args.boundaries).name,
    )
    # Several formats in one process: the layer is built once and the print map drawn once.
    exports.write_exports(targets, layer, choices, units=units, overwrite=args.overwrite, inputs=inputs)
    for kind, path in targets.items():
        if kind == "atlas":
            what = t("annex.cli_pages", args.lang, n=exports.atlas_pages(layer))
        elif exports.EXPORTS[kind].what == "map":
            what = t("annex.cli_units", args.lang, n=len(layer.gdf))
        else:
            what = t("annex.cli_units", args.lang, n=len(units.frame))
        print(t("annex.cli_done", args.lang, path=str(path), what=what))
    return EXIT_OK


# --------------------------------------------------------------------------
# webmap: the app's interactive map as one offline HTML file (geo.workflows.mapview, geo.render.webmap)
# --------------------------------------------------------------------------
_WEBMAP_HELP = "Xuất bản đồ tương tác một tệp HTML, mở không cần Internet / write a standalone interactive map"


def _webmap_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--indicators", default=None,
                   help="bảng chỉ tiêu (CSV, XLSX), khóa bảng có sẵn hoặc 'none'; mặc định: bảng có sẵn của tỉnh")
    p.add_argument("--indicator", default=None, help="chỉ tiêu, ví dụ poor_rate (mặc định: chỉ tiêu đầu tiên)")
    p.add_argument("--year", default=None, help="năm của chỉ tiêu, ví dụ 2020 (mặc định: năm đầu tiên)")
    p.add_argument("--scheme", default=None, help="cách phân lớp: " + ", ".join(settings.CLASS_SCHEMES))
    p.add_argument("--k", type=int, default=settings.DEFAULT_K, help=f"số lớp {settings.MIN_K}–{settings.MAX_K}")
    p.add_argument("--bins", default=None, help="ngưỡng tự nhập, cách nhau bởi ';', ví dụ \"5;10;15\" (scheme manual)")
    p.add_argument("--palette", default=settings.DEFAULT_PALETTE, help="bảng màu: " + ", ".join(settings.SEQUENTIAL_PALETTES))
    p.add_argument("--title", default=None, help="tiêu đề (mặc định: tên chỉ tiêu, năm, tỉnh)")
    p.add_argument("--out", required=True, help="tệp kết quả .html")


def _cmd_webmap(args) -> int:
    from geo.io.write import check_output
    from geo.units.designations import builtin_designations
    from geo.text.i18n import t
    from geo.workflows.layer import build_layer
    from geo.workflows.mapview import map_title, parse_breaks, render_map, value_column
    from geo.render.webmap import save_html
    from geo.join.files import BUILTIN_INDICATORS

    if Path(args.out).suffix.lower() not in (".html", ".htm"):
        raise GeoError("unsupported_format", path=args.out, supported=".html")
    spec = args.indicators
    inputs = _inputs(args.boundaries, spec)
    check_output(args.out, inputs=inputs, overwrite=args.overwrite)
    if spec is None:
        spec = next((k for k, meta in BUILTIN_INDICATORS.items() if meta["province"] == args.province), None)
    elif spec.strip().lower() == "none":
        spec = None
    bins = parse_breaks(args.bins)
    scheme = args.scheme or ("manual" if bins else settings.DEFAULT_SCHEME)
    layer = build_layer(boundaries=args.boundaries, table=spec, province=args.province, level=args.level,
                        vintage=args.vintage, crs=args.crs, prefer=args.prefer)
    if args.indicators is not None:  # the province's own table by default: its outlines with a note, as the app
        layer.require_joined()
    report_checks(layer, args.lang)
    column = value_column(layer.indicators, args.indicator, args.year)
    meta = BUILTIN_INDICATORS.get(str(spec))
    m = render_map(
        layer, indicator=column, scheme=scheme, k=args.k, bins=bins, palette=args.palette, lang=args.lang,
        designations=builtin_designations(province=args.province, vintage=layer.vintage),
        title=args.title or map_title(layer, column, args.lang),
        illustrative=meta is not None and not meta.get("official", False),
    )
    out = save_html(m, args.out, overwrite=args.overwrite)
    for note in layer.notes:
        print(t(note, args.lang), file=sys.stderr)
    print(t("webmap.cli_done", args.lang, path=args.out, n=len(layer.gdf), kb=Num(round(out.stat().st_size / 1024))))
    return EXIT_OK


# Arguments naming an input file; each also takes a workspace dataset: ws:<name>, or a bare name that is no file.
WORKSPACE_INPUTS = ("boundaries", "indicators", "designations", "manual", "rules", "weights", "scenario")


def _workspace_inputs(args) -> None:
    from geo.workspace.datasets import resolve_input

    for attr in WORKSPACE_INPUTS:
        value = getattr(args, attr, None)
        if isinstance(value, str) and value:
            setattr(args, attr, resolve_input(value))


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    _Parser.lang = _argv_lang(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    try:
        _workspace_inputs(args)
        return args.func(args)
    except GeoError as exc:
        print(exc.message(args.lang), file=sys.stderr)
        return EXIT_INPUT
