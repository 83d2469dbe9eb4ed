"""Shared priority test data: six real Lạng Sơn communes with made-up figures (hand-checked in the tests)."""

import pandas as pd
import pytest

from geo.analysis.rules import RuleSet, ScoreSpec, Tier, Weight
from geo.units.designations import Designation, builtin_designations


@pytest.fixture
def units():
    """Six real Lạng Sơn communes with made-up figures (hand-checked below)."""
    return pd.DataFrame({
        "code": ["06364", "06358", "06103", "06274", "06508", "06433"],
        "name": ["Xã Chiến Thắng", "Xã Chiêu Vũ", "Xã Hòa Bình", "Xã Hòa Bình", "Xã Hòa Bình", "Xã Vân Nham"],
        "district_code": ["185", "185", "181", "184", "187", "186"],
        "district_name": ["Huyện Bắc Sơn", "Huyện Bắc Sơn", "Huyện Bình Gia", "Huyện Văn Quan", "Huyện Chi Lăng",
                          "Huyện Hữu Lũng"],
        "households": [500, 400, 300, 600, 200, 1000],
        "poor": [120, 40, 90, 60, 50, 50],
        "near_poor": [50, 30, 20, 60, 10, 80],
        "poor_rate": [24.0, 10.0, 30.0, 10.0, 24.3, 5.0],
    })


@pytest.fixture
def designations():
    imported = [
        Designation(type="border", code="06508", origin="imported", source="danh sách thử"),
        Designation(type="border", code="06274", origin="imported", source="danh sách thử"),
        Designation(type="zone_iii", code="06103", origin="imported", source="danh sách thử"),
    ]
    return builtin_designations(province=20).add(*imported)  # ATK: 06364 and 06358 are in the table


@pytest.fixture
def rules():
    return RuleSet(
        tiers=(Tier("Ưu tiên 1", "(border or zone_iii) and poor_rate >= 20"), Tier("Ưu tiên 2", "atk or poor_rate >= 10")),
        score=ScoreSpec(weights=(Weight("poor_rate", 1),)),
    )


def _by_code(ranked, column):
    return dict(zip(ranked["code"], ranked[column]))
