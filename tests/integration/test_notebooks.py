"""The analysts' notebooks run headless, top to bottom, on the warehouse `ogi run` publishes."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

from infra.warehouse.readers import read
from schemas.fields import FIELDS
from schemas.tables import TABLES, arrow_schema, polars_schema
from tests.conftest import ROOT

NOTEBOOKS = ROOT / "notebooks"
NAMES = ("01_quickstart.ipynb", "02_data_quality.ipynb")
CHARTS = {"01_quickstart.ipynb": 5, "02_data_quality.ipynb": 3}


def run_notebook(name: str, warehouse: Path, monkeypatch) -> tuple[str, int]:
    """Execute a notebook (any cell error fails); returns its printed text and its number of images."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    pytest.importorskip("matplotlib")
    monkeypatch.setenv("OGI_WAREHOUSE", str(warehouse))
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbclient.NotebookClient(nb, timeout=180, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    images = sum("image/png" in o.get("data", {}) for o in outputs)
    return text, images


@pytest.mark.parametrize("name", NAMES)
def test_notebooks_are_committed_without_outputs(name):
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:80]


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_on_the_sample_warehouse(name, sample_warehouse, monkeypatch):
    text, images = run_notebook(name, sample_warehouse, monkeypatch)
    assert f"warehouse: {sample_warehouse}" in text
    assert images == CHARTS[name]


def write_partition(warehouse: Path, table: str, frame: pl.DataFrame) -> None:
    keys = TABLES[table].partition_by
    folder = warehouse / table / "/".join(f"{k}={frame[k][0]}" for k in keys)
    folder.mkdir(parents=True)
    data = frame.select(TABLES[table].data_columns).to_arrow().cast(arrow_schema(table))
    pq.write_table(data, folder / "part-0.parquet")


@pytest.fixture(scope="module")
def busy_warehouse(sample_warehouse, tmp_path_factory) -> Path:
    """The samples plus what five clean reports lack, so every chart draws data: a report that breaks an
    accounting identity, from a body that also reports the next year, and a quarantined document."""
    warehouse = tmp_path_factory.mktemp("busy") / "warehouse"
    shutil.copytree(sample_warehouse, warehouse)
    body = read(warehouse, "reports").filter(pl.col("organization") == "苏州市姑苏区党政办公室")
    assert body.height == 1 and body["year"][0] == 2024
    previous = "f" * 64
    issue = pl.Series("issues", [[{"code": "balance_mismatch", "detail": "表三 total: 新收 + 结转 ≠ 总计 + 结转下年度"}]],
                      dtype=FIELDS["issues"].dtype)
    write_partition(warehouse, "reports", body.with_columns(
        issue, report_id=pl.lit(previous), year=pl.lit(2023), quality=pl.lit("inconsistent")))
    rows = read(warehouse, "applications").filter(pl.col("report_id") == body["report_id"][0])
    write_partition(warehouse, "applications", rows.with_columns(
        report_id=pl.lit(previous), year=pl.lit(2023),
        total=pl.when(pl.col("outcome") == "carried_forward").then(3).otherwise(pl.col("total"))))
    write_partition(warehouse, "quarantine", pl.DataFrame(
        [{"report_id": "e" * 64, "source_key": "raw/ee/" + "e" * 64, "source_name": "random.bin",
          "stage": "parse", "error_code": "undecodable", "message": "not text", "ingest_date": "2026-01-01"}],
        schema=polars_schema("quarantine")))
    return warehouse


@pytest.mark.slow
def test_quickstart_charts_data_beyond_the_samples(busy_warehouse, monkeypatch):
    text, images = run_notebook("01_quickstart.ipynb", busy_warehouse, monkeypatch)
    assert "1 body-year pairs, 1 disagree" in text  # carried_forward 2023 = 3, carried_over 2024 = 0
    assert images == CHARTS["01_quickstart.ipynb"]


@pytest.mark.slow
def test_data_quality_charts_data_beyond_the_samples(busy_warehouse, monkeypatch):
    text, images = run_notebook("02_data_quality.ipynb", busy_warehouse, monkeypatch)
    assert "6 reports published, 1 documents quarantined" in text
    assert images == CHARTS["02_data_quality.ipynb"]
