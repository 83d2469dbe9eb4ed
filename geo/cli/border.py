"""``python -m geo border``: border-commune candidates from Natural Earth's land border, and their confirmation.

Candidates are always "suy ra, cần xác nhận" (derived, to confirm); ``--confirm`` with ``--user`` writes the
confirmed codes as ``border`` designations (source "xác nhận bởi <user>") for ``python -m geo priority
--designations``.
"""

from __future__ import annotations

import argparse
import sys

from geo import settings
from geo._errors import GeoError
from geo.cli import EXIT_OK, boundary_args, common_args
from geo.text.i18n import t

__all__ = ["register"]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("border", help=t("cli.border.help"))
    boundary_args(p)
    p.add_argument("--tolerance-m", type=float, default=None, help=t("cli.border.tolerance"))
    p.add_argument("--min-km", type=float, default=None, help=t("cli.border.min_km"))
    p.add_argument("--out", required=True, help=t("cli.border.out"))
    p.add_argument("--confirm", default=None, help=t("cli.border.confirm"))
    p.add_argument("--user", default=None, help=t("cli.border.user"))
    p.add_argument("--designations", default=None, help=t("cli.border.designations"))
    common_args(p)
    p.set_defaults(func=_cmd_border)


def _cmd_border(args) -> int:
    from pathlib import Path

    from geo.analysis.border import MIN_LENGTH_KM, TOLERANCE_M, border_candidates, confirm_border
    from geo.io.write import atomic_path, check_output
    from geo.join.files import load_boundaries
    from geo.text.i18n import format_number

    if Path(args.out).suffix.lower() != ".csv":
        raise GeoError("unsupported_format", path=args.out, supported=".csv")
    if args.confirm and not (args.user and args.designations):
        raise GeoError("border_confirm_user")
    inputs = [Path(args.boundaries)] if Path(args.boundaries).exists() else []
    check_output(args.out, inputs=inputs, overwrite=args.overwrite)
    if args.designations:
        check_output(args.designations, inputs=inputs + [Path(args.out)], overwrite=args.overwrite)
    layer = load_boundaries(args.boundaries, province=args.province, level=args.level or settings.DEFAULT_LEVEL,
                            vintage=args.vintage, crs=args.crs)
    code_column = layer.columns.get("code", "code")
    name_column = layer.columns.get("name", "name")
    found = border_candidates(layer.gdf, code_column=code_column, name_column=name_column,
                              tolerance_m=args.tolerance_m or TOLERANCE_M, min_length_km=args.min_km or MIN_LENGTH_KM)
    table = found.table.copy()
    table["status"] = [t("border.label", args.lang) if c else "" for c in table["candidate"]]
    with atomic_path(args.out) as tmp:
        table.to_csv(tmp, index=False, encoding="utf-8-sig")
    codes = found.codes
    print(t("cli.border.done", args.lang, path=args.out, n=len(codes), total=len(table),
            km=format_number(float(table.loc[table["candidate"], "border_km"].sum()), 1, args.lang)))
    if args.confirm:
        chosen = [c.strip() for c in args.confirm.split(",") if c.strip()]
        dset = confirm_border(found, chosen, user=args.user, level=layer.level, vintage=layer.vintage)
        with atomic_path(args.designations) as tmp:
            dset.to_frame().to_csv(tmp, index=False, encoding="utf-8-sig")
        print(t("cli.border.confirmed", args.lang, n=len(dset), path=args.designations, user=args.user),
              file=sys.stderr)
    return EXIT_OK
