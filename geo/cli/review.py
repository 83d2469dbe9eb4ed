"""``python -m geo review``: targets against results, and the review annex ("Đánh giá kết quả thực hiện…")."""

from __future__ import annotations

import argparse
import sys

from geo import settings
from geo._errors import GeoError
from geo.cli import EXIT_OK, common_args
from geo.text.i18n import t

__all__ = ["register"]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("review", help=t("cli.review.help"))
    p.add_argument("--boundaries", default="default", help=t("cli.review.boundaries"))
    p.add_argument("--province", default=settings.DEFAULT_PROVINCE, help=t("cli.province"))
    p.add_argument("--level", choices=("district", "commune"), default=None)
    p.add_argument("--vintage", choices=("pre2025", "2025"), default=settings.DEFAULT_VINTAGE)
    p.add_argument("--crs", default=None)
    p.add_argument("--indicators", default="langson_kh78_2021", help=t("cli.review.indicators"))
    p.add_argument("--indicators-year", dest="indicators_year", type=int, default=None,
                   help=t("cli.review.indicators_year"))
    p.add_argument("--results", required=True, help=t("cli.review.results"))
    p.add_argument("--year", type=int, default=None, help=t("cli.review.year"))
    p.add_argument("--standard", default=None, help=t("cli.review.standard"))
    p.add_argument("--from", dest="year_from", type=int, default=None)
    p.add_argument("--to", dest="year_to", type=int, default=None)
    p.add_argument("--rule", default=None, help=t("cli.review.rule"))
    p.add_argument("--lagging", default=None, help=t("cli.review.lagging"))
    p.add_argument("--out", required=True, help=t("cli.review.out"))
    common_args(p)
    p.set_defaults(func=_cmd_review)


def _rule(text: str | None) -> tuple[float, float] | None:
    from geo.text.numbers import parse_number

    if text is None:
        return None
    parts = [s for s in text.replace(";", "/").split("/") if s.strip()]
    try:
        values = [float(parse_number(s.strip())) for s in parts]
    except (TypeError, ValueError):
        values = []
    if len(values) not in (1, 2) or any(v != v or v < 0 for v in values):
        raise GeoError("review_rule_invalid", rule=text)
    return (values[0], values[-1])


def _cmd_review(args) -> int:
    from pathlib import Path

    from geo.io.write import check_output
    from geo.workflows.progress import REVIEW_FORMATS, review_files, write_review

    fmt = Path(args.out).suffix.lstrip(".").lower()
    if fmt not in REVIEW_FORMATS:
        raise GeoError("unsupported_format", path=args.out, supported=", ".join(f".{f}" for f in REVIEW_FORMATS))
    inputs = [Path(p) for p in (args.boundaries, args.indicators, args.results) if p and Path(p).exists()]
    check_output(args.out, inputs=inputs, overwrite=args.overwrite)
    if args.lagging:
        check_output(args.lagging, inputs=inputs + [Path(args.out)], overwrite=args.overwrite)
    result = review_files(
        boundaries=args.boundaries, indicators=args.indicators, results=args.results, province=args.province,
        level=args.level, vintage=args.vintage, crs=args.crs, year=args.year, standard=args.standard,
        year_from=args.year_from, year_to=args.year_to, rule=_rule(args.rule), indicators_year=args.indicators_year,
        lang=args.lang,
    )
    a = result.assessment
    write_review(a, args.out, lang=args.lang, illustrative=result.illustrative, overwrite=args.overwrite,
                 inputs=inputs)
    from geo.workflows.progress import rate_notes

    for note in rate_notes(result.layer):  # the base table's rates (the added table's are in its summary)
        print(f"{Path(str(args.indicators)).name}: {t(note, args.lang)}", file=sys.stderr)
    print(result.report.summary(args.lang), file=sys.stderr)
    if a.standard_change is not None:
        print(a.standard_change.message(args.lang), file=sys.stderr)
    if args.lagging:
        from geo.analysis.progress import lagging_designations
        from geo.io.write import atomic_path

        frame = lagging_designations(a, level=result.layer.level, vintage=result.layer.vintage).to_frame()
        with atomic_path(args.lagging) as tmp:
            frame.to_csv(tmp, index=False, encoding="utf-8-sig")
    print(t("cli.review.done", args.lang, path=args.out, year_from=a.year_from, year_to=a.year_to,
            summary=t("progress.summary", args.lang, **a.counts())))
    return EXIT_OK
