"""``python -m geo samples``: write the illustrative sample files that the README's examples use."""

from __future__ import annotations

import argparse

from geo import settings
from geo.cli import EXIT_OK, common_args
from geo.text.i18n import format_number, t

__all__ = ["register"]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("samples", help=t("cli.samples.help"))
    p.add_argument("--out", default="samples", help=t("cli.samples.out"))
    p.add_argument("--province", default=settings.DEFAULT_PROVINCE, help=t("cli.province"))
    common_args(p)
    p.set_defaults(func=_cmd_samples)


def _cmd_samples(args) -> int:
    from geo.workflows.samples import write_samples

    result = write_samples(args.out, province=args.province, overwrite=args.overwrite)
    names = ", ".join(p.name for p in result.files.values())
    print(t("cli.samples.done", args.lang, folder=args.out, files=names,
            communes=format_number(result.communes, lang=args.lang)))
    return EXIT_OK
