"""Dataset ids and the dataset box's list (geo.workflows.datasets)."""

from __future__ import annotations

from geo.workflows.datasets import (DEFAULT_DATASET, builtin_key, dataset_meta, dataset_options, is_official,
                                    upload_name)


def test_ids_name_a_builtin_table_or_an_upload():
    assert DEFAULT_DATASET == "builtin:langson_kh78_2021"
    assert builtin_key(DEFAULT_DATASET) == "langson_kh78_2021"
    assert upload_name(DEFAULT_DATASET) is None
    assert upload_name("upload:Phụ lục 2.xlsx") == "Phụ lục 2.xlsx"
    assert builtin_key("upload:x.csv") is None


def test_options_list_the_provinces_builtin_tables_then_uploads_then_the_workspace_once():
    got = dataset_options(province="20", lang="vi", none_label="(không)", uploads=["a.csv"],
                          workspace=["b.csv", "a.csv"])
    assert got == {
        "": "(không)",
        "builtin:langson_kh78_2021": "Hộ nghèo, cận nghèo năm 2020 và kế hoạch 2021 (Lạng Sơn, cấp huyện)",
        "upload:a.csv": "a.csv",
        "upload:b.csv": "b.csv",
    }
    assert dataset_options(province="01", lang="en", none_label="-") == {"": "-"}


def test_meta_and_official_flag():
    assert dataset_meta(DEFAULT_DATASET)["citation"].startswith("Kế hoạch số 78/KH-UBND ngày 05/4/2021")
    assert dataset_meta("upload:x.csv") is None
    assert dataset_meta("builtin:unknown") is None
    assert is_official(DEFAULT_DATASET) is True
    assert is_official("upload:x.csv") is True
