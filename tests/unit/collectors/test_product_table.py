"""The product-name table is data (resources/products/products.yaml): the shipped file is valid, and a broken one
is refused with every problem named by its field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from acronis_triage.collectors.base import ALL_PLATFORMS
from acronis_triage.collectors.builtin.products import family
from acronis_triage.collectors.product_table import KINDS, ProductTableError, default_path, parse_table, product_table


def test_the_shipped_table_is_valid_and_complete() -> None:
    table = product_table()
    assert set(table.sources) == set(ALL_PLATFORMS) == set(table.main_agent)
    assert all(entry.kind in KINDS for entry in table.components)
    assert all(entry.contains == entry.contains.lower() for entry in table.components)  # matched in lower case
    assert table.sources["windows"].installer_logs and table.sources["darwin"].app_bundles
    assert "mms" in table.agent_modules


@pytest.mark.parametrize(("version", "cloud", "expected"), [
    ("11.5.43994", False, "Acronis Backup & Recovery 11"),
    ("12.5.16428", True, "Acronis Backup 12.5"),
    ("15.0.36791", True, "Acronis Cyber Protect Cloud"),
    ("15.0.36791", False, "Acronis Cyber Protect"),
    ("", False, "Acronis Cyber Protect"),
])
def test_families_come_from_the_table(version: str, cloud: bool, expected: str) -> None:
    assert family(version, cloud) == expected


def test_a_broken_table_names_every_problem(tmp_path: Path) -> None:
    data = yaml.safe_load(default_path().read_text(encoding="utf-8"))
    data["components"][3]["kind"] = "agnet"
    data["components"][4]["colour"] = "blue"
    del data["home_products"][0]["name"]
    data["sources"]["beos"] = {"logs": [], "configs": [], "folders": []}
    data["sources"]["linux"]["folders"][0]["path"] = ""
    del data["management_server"]
    with pytest.raises(ProductTableError) as caught:
        parse_table(data, tmp_path / "products.yaml")
    assert caught.value.problems == [
        "products.yaml.management_server: missing",
        "home_products[0].name: missing",
        "home_products[0].name: expected a non-empty string",
        "components[3].kind: 'agnet' is not one of agent, home, management_server, shared",
        "components[4].colour: unknown key",
        "sources.beos: unknown key",
        "sources.linux.folders[0].path: expected a non-empty string",
        "management_server: expected a non-empty string",
    ]
    assert str(caught.value).startswith(f"{tmp_path / 'products.yaml'}: ")


def test_a_table_that_is_not_a_mapping_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ProductTableError, match=r"products\.yaml: expected a mapping"):
        parse_table(["not", "a", "table"], tmp_path / "products.yaml")
