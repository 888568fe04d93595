"""The command line, as a user runs it (a subprocess each): validation from any folder, bad data named by file,
line and column with a non-zero exit, an author's own series folder. No notebook is executed; these are not in
``make check`` because each costs a Python start with pandas and pandera (about 3 s)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from casebook import paths

CORPUS = Path(__file__).parents[1] / "bad-inputs" / "data"
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "series-primary"


def _project_copy(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    shutil.copy(paths.ROOT / "pyproject.toml", root)
    shutil.copytree(paths.DATA, root / "data")
    return root


def _cli(*args: str, root: Path, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "CASEBOOK_ROOT": str(root)}
    return subprocess.run([sys.executable, "-m", "casebook", *args], cwd=cwd, env=env, capture_output=True, text=True)


def test_cli_validate_works_from_any_folder(tmp_path):
    result = _cli("validate", root=paths.ROOT, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "data valid" in result.stdout


def test_cli_names_file_line_column_and_exits_non_zero(tmp_path):
    root = _project_copy(tmp_path)
    shutil.copy(CORPUS / "dangling-patient" / "lesions.csv", root / "data" / "sts-series" / "lesions.csv")
    before = {p: p.read_bytes() for p in (root / "data").rglob("*.csv")}
    result = _cli("validate", root=root, cwd=tmp_path)
    assert result.returncode == 1
    assert "data/sts-series/lesions.csv, line 6, column 'patient_id': 'P9' does not exist" in result.stderr
    assert {p: p.read_bytes() for p in (root / "data").rglob("*.csv")} == before


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "series"
    shutil.copytree(FIXTURE, folder)
    return folder


def test_cli_validates_a_folder(tmp_path):
    folder = _copy(tmp_path)
    ok = subprocess.run([sys.executable, "-m", "casebook", "validate", str(folder)], capture_output=True, text=True)
    assert ok.returncode == 0 and "valid sts-series dataset (primary)" in ok.stdout
    (folder / "regimens.csv").write_text((folder / "regimens.csv").read_text().replace("Q2,1,,", "Q2,1,2,"), encoding="utf-8")
    bad = subprocess.run([sys.executable, "-m", "casebook", "validate", str(folder)], capture_output=True, text=True)
    assert bad.returncode != 0 and "regimens.csv, line 3, column 'interval': a single session has no interval" in bad.stderr


def test_validate_names_a_claim_whose_recompute_function_does_not_exist(tmp_path):
    """A claim naming a recompute function its report does not define is bad input: validate names the file, line and
    column, before any build (the build would fail on it in the audit notebook)."""
    import csv
    import io

    root = _project_copy(tmp_path)
    path = root / "data" / "sts-series" / "claims.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    i = next(i for i, r in enumerate(rows) if r["function"] and r["rule"] != "not_derivable")
    rows[i]["function"] = "no_such_function"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    result = _cli("validate", root=root, cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert (f"data/sts-series/claims.csv, line {i + 2}, column 'function': no recompute function 'no_such_function' "
            "in casebook.reports.sts_series.claims; known: ") in result.stderr
