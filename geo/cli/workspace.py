"""``python -m geo workspace init|list|show|history|restore|add|export|import|users``.

The workspace is named by ``--workspace`` or ``GEO_WORKSPACE`` (a folder or a ``postgresql://`` URL).
In team mode commands act as the user logged in with ``--user`` and ``GEO_PASSWORD`` (``users`` needs
the owner's URL: it is the administrator's command).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from geo import settings
from geo._errors import GeoError

HELP = "Kho dữ liệu: danh sách, phiên bản, lịch sử, gói trao đổi, người dùng / workspace: datasets, versions, history, bundles, users"
PASSWORD_ENV = "GEO_PASSWORD"


def register(sub) -> None:
    from geo.cli import common_args
    from geo.workspace.store import KINDS

    p = sub.add_parser("workspace", help=HELP)
    wsub = p.add_subparsers(dest="ws_command", required=True)

    def add(name: str, help_: str) -> argparse.ArgumentParser:
        q = wsub.add_parser(name, help=help_)
        q.add_argument("--workspace", default=None, help="thư mục kho hoặc postgresql://... (mặc định GEO_WORKSPACE)")
        q.add_argument("--user", default=None, help="người dùng (kho dùng chung; mật khẩu trong GEO_PASSWORD)")
        q.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
        common_args(q)
        return q

    q = add("init", "tạo kho (nếu chưa có) / create the workspace")
    q.add_argument("--app-role", default=None,
                   help="kho dùng chung: vai trò PostgreSQL mà ứng dụng dùng để kết nối / team: the app's database role")
    q.set_defaults(func=_init)
    q = add("list", "liệt kê dữ liệu (bản mới nhất) / list datasets")
    q.add_argument("--kind", choices=KINDS, default=None)
    q.add_argument("--province", default=None)
    q.set_defaults(func=_list)
    q = add("show", "các phiên bản và báo cáo của một dữ liệu / versions and report of one dataset")
    q.add_argument("name")
    q.add_argument("--kind", choices=KINDS, default=None)
    q.set_defaults(func=_show)
    q = add("history", "nhật ký: ai, làm gì, lúc nào, từ tệp nào / audit log")
    q.add_argument("name", nargs="?", default=None)
    q.add_argument("--limit", type=int, default=None)
    q.set_defaults(func=_history)
    q = add("restore", "dùng lại một phiên bản cũ / make an older version the newest")
    q.add_argument("name")
    q.add_argument("--version", type=int, required=True)
    q.add_argument("--kind", choices=KINDS, default=None)
    q.set_defaults(func=_restore)
    q = add("add", "đưa một tệp vào kho / add a file to the workspace")
    q.add_argument("file")
    q.add_argument("--kind", choices=("table", "boundaries", "scenario"), default="table")
    q.add_argument("--name", default=None, help="tên trong kho (mặc định tên tệp)")
    q.add_argument("--province", default=settings.DEFAULT_PROVINCE)
    q.add_argument("--level", choices=("district", "commune"), default=None)
    q.add_argument("--vintage", choices=("pre2025", "2025"), default=settings.DEFAULT_VINTAGE)
    q.add_argument("--crs", default=None)
    q.set_defaults(func=_add)
    q = add("export", "ghi gói trao đổi .gpkg / write a bundle")
    q.add_argument("--out", required=True)
    q.add_argument("--name", action="append", default=[], help="dữ liệu đưa vào gói (mặc định tất cả); lặp lại được")
    q.add_argument("--kind", action="append", default=[], choices=KINDS)
    q.set_defaults(func=_export)
    q = add("import", "nhập gói trao đổi (không ghi đè) / import a bundle (never overwrites)")
    q.add_argument("bundle")
    q.add_argument("--on-conflict", choices=("keep", "copy", "version"), default="keep")
    q.add_argument("--dry-run", action="store_true")
    q.set_defaults(func=_import)
    q = add("users", "người dùng của kho dùng chung / team users (admin)")
    q.add_argument("action", choices=("add", "list", "passwd", "disable"))
    q.add_argument("username", nargs="?", default=None)
    q.add_argument("--role", choices=settings.WORKSPACE_ROLES, default="viewer")
    q.add_argument("--provinces", default="", help="mã tỉnh được xem, cách nhau dấu phẩy, ví dụ 20,04")
    q.set_defaults(func=_users)


def _store(args, *, create: bool = True):
    from geo.workspace import is_server, open_workspace, workspace_location

    where = workspace_location(args.workspace)
    if is_server(where) and args.user:
        from geo.workspace.postgis import PostgisStore

        token = PostgisStore.login_url(where, user=args.user, password=os.environ.get(PASSWORD_ENV, ""))
        return open_workspace(where, token=token)
    return open_workspace(where, create=create)


def _print(args, payload, lines) -> int:
    if args.json:
        print(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
    else:
        for line in lines:
            print(line)
    return 0


def _init(args) -> int:
    from geo.workspace import is_server, workspace_location

    where = workspace_location(args.workspace)
    if is_server(where):  # the administrator's (owner's) URL: tables, functions, row-level security, grants
        from geo.workspace.postgis import PostgisAdmin, _server

        PostgisAdmin(where).init(app_role=args.app_role)
        return _print(args, {"workspace": _server(where)}, [f"workspace: {_server(where)}"])
    store = _store(args)
    return _print(args, {"workspace": store.label}, [f"workspace: {store.label}"])


def _list(args) -> int:
    items = _store(args, create=False).datasets(kind=args.kind, province=args.province)
    lines = [f"{d.kind:<12} {d.name}  v{d.version}  {d.file_name}  {d.province or ''}  {d.created[:19]}  {d.author}"
             for d in items]
    return _print(args, [d.to_dict() for d in items], lines)


def _kind_of(store, name: str, kind: str | None) -> str:
    if kind:
        return kind
    info = store.find(name)
    if info is None:
        raise GeoError("workspace_not_found", name=name, kind="?", version="")
    return info.kind


def _show(args) -> int:
    store = _store(args, create=False)
    kind = _kind_of(store, args.name, args.kind)
    versions = store.versions(args.name, kind=kind)
    lines = [f"{kind} {args.name}"] + [
        f"  v{v.version}  {v.created[:19]}  {v.author}  {v.file_name}  {v.size} B  sha256 {v.sha256}"
        + (f"  from {v.origin}" if v.origin else "") for v in versions]
    if versions and versions[0].report:
        lines.append("  report: " + json.dumps(versions[0].report, ensure_ascii=False, default=str)[:2000])
    return _print(args, [v.to_dict() for v in versions], lines)


def _history(args) -> int:
    entries = _store(args, create=False).history(args.name, limit=args.limit)
    lines = [f"{e.at[:19]}  {e.who:<12} {e.action:<16} {e.kind} {e.name}"
             + (f" v{e.version}" if e.version else "") + (f"  [{e.file_name}]" if e.file_name else "")
             + (f"  from {e.origin}" if e.origin else "") for e in entries]
    return _print(args, [e.to_dict() for e in entries], lines)


def _restore(args) -> int:
    store = _store(args, create=False)
    kind = _kind_of(store, args.name, args.kind)
    new = store.restore(args.name, kind=kind, version=args.version)
    return _print(args, new.to_dict(), [f"{kind} {args.name}: v{args.version} -> v{new.version}"])


def _add(args) -> int:
    from geo.workspace import datasets

    path = Path(args.file)
    if not path.is_file():
        raise GeoError("file_not_found", path=path.name)
    from geo.io.safe import check_size

    check_size(path)
    data = path.read_bytes()
    store = _store(args)
    name = args.name or path.name
    if args.kind == "table":
        info, _ = datasets.save_table(store, data=data, file_name=path.name, name=name, province=args.province,
                                      vintage=args.vintage, level=args.level)
    elif args.kind == "boundaries":
        info, _ = datasets.save_boundaries(store, data=data, file_name=path.name, name=name, province=args.province,
                                           level=args.level or settings.DEFAULT_LEVEL, vintage=args.vintage, crs=args.crs)
    else:
        from geo.workflows.priority import scenario_from_bytes

        scenario = scenario_from_bytes(data, name=path.name)
        info = datasets.save_scenario(store, scenario, name=name)
    return _print(args, info.to_dict(), [f"{info.kind} {info.name} v{info.version}"])


def _export(args) -> int:
    from geo.workspace.bundle import export_bundle

    summary = export_bundle(_store(args, create=False), args.out, names=args.name, kinds=args.kind,
                            overwrite=args.overwrite)
    return _print(args, summary, [f"{args.out}: {summary['datasets']} datasets, {summary['versions']} versions, "
                                  f"{summary['audit']} audit records"])


def _import(args) -> int:
    from geo.workspace.bundle import import_bundle

    plan = import_bundle(_store(args), args.bundle, on_conflict=args.on_conflict, dry_run=args.dry_run)
    lines = [f"{i.status:<9} {i.action:<8} {i.kind} {i.name}" + (f" -> {i.target}" if i.target != i.name else "")
             + (f" ({i.versions} versions)" if i.versions else "") for i in plan.items]
    lines.append(f"origin: {plan.origin}; " + ", ".join(f"{k} {v}" for k, v in sorted(plan.counts().items()))
                 + ("" if plan.applied else " (dry run)"))
    if plan.conflicts and args.on_conflict == "keep":
        print("\n".join(lines) if not args.json else "", file=sys.stderr if not args.json else sys.stdout)
        first = plan.conflicts[0]
        raise GeoError("workspace_conflict", name=first.name, kind=first.kind)
    return _print(args, plan.to_dict(), lines)


def _users(args) -> int:
    from geo.workspace import is_server, workspace_location

    where = workspace_location(args.workspace)
    if not is_server(where):
        raise GeoError("workspace_user", user=args.username or "?", reason="users exist only in a team workspace (postgresql://)")
    from geo.workspace.postgis import PostgisAdmin

    admin = PostgisAdmin(where)
    if args.action == "list":
        users = admin.users()
        return _print(args, users, [f"{u['name']:<16} {u['role']:<8} {','.join(u['provinces'])}"
                                    + ("" if u["active"] else "  (disabled)") for u in users])
    if not args.username:
        raise GeoError("workspace_user", user="?", reason="give a user name")
    if args.action == "disable":
        admin.disable_user(args.username)
        return _print(args, {"disabled": args.username}, [f"disabled {args.username}"])
    password = os.environ.get(PASSWORD_ENV) or _ask_password()
    provinces = [p.strip() for p in args.provinces.split(",") if p.strip()]
    if args.action == "add":
        admin.add_user(args.username, password=password, role=args.role, provinces=provinces)
    else:
        admin.set_password(args.username, password=password)
    return _print(args, {"user": args.username, "role": args.role, "provinces": provinces},
                  [f"{args.action} {args.username} ({args.role}; {','.join(provinces)})"])


def _ask_password() -> str:
    import getpass

    return getpass.getpass("Mật khẩu / password: ")
