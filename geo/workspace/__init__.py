"""The workspace: nothing a planner uploads or decides is lost between sessions.

:func:`open_workspace` gives the store named by ``GEO_WORKSPACE`` (a folder: one embedded GeoPackage
file; a ``postgresql://`` URL: the team workspace on PostGIS). See :mod:`geo.workspace.store`.
"""

from __future__ import annotations

import os
from pathlib import Path

from geo import settings

__all__ = ["workspace_location", "open_workspace", "is_server"]


def workspace_location(location: str | os.PathLike | None = None) -> str:
    """The workspace named by ``location``, else ``GEO_WORKSPACE``, else the default folder."""
    if location:
        return str(location)
    return os.environ.get(settings.WORKSPACE_ENV, "").strip() or str(settings.DEFAULT_WORKSPACE_DIR)


def is_server(location: str) -> bool:
    return str(location).startswith(("postgresql://", "postgres://"))


def open_workspace(location: str | os.PathLike | None = None, *, create: bool = True, token: str | None = None):
    """The workspace store at ``location`` (see :func:`workspace_location`).

    A folder holds one ``workspace.gpkg``, created on first use. A PostgreSQL URL opens the team
    workspace; ``token`` is a login session from :meth:`geo.workspace.postgis.PostgisStore.login`.
    """
    where = workspace_location(location)
    if is_server(where):
        from geo.workspace.postgis import PostgisStore

        return PostgisStore(where, token=token)
    from geo.workspace.store import SqliteStore

    path = Path(where)
    if path.suffix.lower() not in (".gpkg", ".sqlite", ".db"):
        path = path / settings.WORKSPACE_FILE
    return SqliteStore(path, create=create)
