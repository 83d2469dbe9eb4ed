"""Streamlit glue shared by the pages, one module a concern; every page calls ``from app_pages import _ui as ui``.

- :mod:`.state`: session defaults, language, ``T``, errors, the selection, page stores;
- :mod:`.cached`: library calls cached per server (default boundaries, registry, built-in tables);
- :mod:`.workspace`: the workspace store, its lists and notices, designations;
- :mod:`.scenarios`: scenarios saved in and reopened from the workspace;
- :mod:`.uploads`: uploads written once per content, read by the one safe reader, kept;
- :mod:`.layer`: the current dataset and layer, the sidebar that chooses them, map clicks;
- :mod:`.matching`: pickers for conflicting rows and hand matches.

Only widget plumbing lives here; every decision is made by ``geo`` (dataset ids, clicks, hand-match choices and
content keys in ``geo.workflows.datasets``, ``selection``, ``matching`` and ``geo.io.fingerprint``).
"""

from geo.workflows.datasets import BUILTIN_PREFIX, DEFAULT_DATASET, UPLOAD_PREFIX
from app_pages._ui.cached import (boundaries_from_old, builtin_table, default_boundaries, provinces, registry_units,
                                  static_assets, warm_national)
from app_pages._ui.layer import (clicked_code, component_click, current_layer, current_table, dataset_citation,
                                 dataset_is_official, dataset_meta, dataset_options, layer_key, layer_or_stop,
                                 level_and_dataset_sidebar, overrides_for, picks_for, save_overrides,
                                 selection_table, trust_warnings)
from app_pages._ui.matching import conflict_pickers, hand_choices, hand_matches
from app_pages._ui.scenarios import (adopt_scenario, open_scenario_from_workspace, save_scenario_to_workspace,
                                     workspace_scenarios)
from app_pages._ui.state import (PERSISTENT_KEYS, T, follow_old_address, init_state, keep, keep_style_choices, lang,
                                 language_switch, prefill, remember, restore_style_choices, selection, session_id,
                                 show_error)
from app_pages._ui.uploads import (boundary_layer, boundary_sources, content_key, digest, file_uploader,
                                   keep_converted, save_upload, upload_boundaries, upload_table)
from app_pages._ui.workspace import (designations, forget_workspace_versions, set_designations, workspace,
                                     workspace_caption, workspace_info, workspace_is_server, workspace_list,
                                     workspace_login, workspace_notice, workspace_table)

__all__ = [
    "BUILTIN_PREFIX", "DEFAULT_DATASET", "UPLOAD_PREFIX", "PERSISTENT_KEYS",
    "T", "init_state", "keep", "keep_style_choices", "restore_style_choices", "lang", "language_switch",
    "follow_old_address",
    "prefill", "remember", "selection", "session_id",
    "show_error",
    "boundaries_from_old", "builtin_table", "default_boundaries", "provinces", "registry_units", "static_assets",
    "warm_national",
    "clicked_code", "component_click", "current_layer", "current_table", "dataset_citation", "dataset_is_official",
    "dataset_meta", "dataset_options", "layer_key", "layer_or_stop", "level_and_dataset_sidebar", "overrides_for",
    "picks_for", "save_overrides", "selection_table", "trust_warnings",
    "conflict_pickers", "hand_choices", "hand_matches",
    "adopt_scenario", "open_scenario_from_workspace", "save_scenario_to_workspace", "workspace_scenarios",
    "boundary_layer", "boundary_sources", "content_key", "digest", "file_uploader", "keep_converted", "save_upload",
    "upload_boundaries", "upload_table",
    "designations", "forget_workspace_versions", "set_designations", "workspace", "workspace_caption",
    "workspace_info", "workspace_is_server", "workspace_list", "workspace_login", "workspace_notice",
    "workspace_table",
]
