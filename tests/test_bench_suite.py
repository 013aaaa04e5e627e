"""The benchmark suite (python -m bench) runs end to end and reports every figure.

No timing is asserted: on a 50-meeting archive the numbers mean nothing; what matters is that
the suite covers everything and writes its JSON.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bench import generate

REPO = Path(__file__).resolve().parent.parent
#: Figures the suite reports in every run, by the start of their names.
EXPECTED = (
    "1 cold start", "1 warm start",
    "2 expand a year", "2 expand a meeting", "2 scroll the tree",
    "3a filter: one issue (query layer)", "3a filter: the most popular issue (query layer)",
    "3b filter: issue + country + dates (query layer)", "3c filter: a person (query layer)",
    "3a filter: one issue (window)", "3b filter: issue + country + dates (window)",
    "3c filter: a person (window)",
    "4 search: rare", "4 search: medium", "4 search: very common",
    "5 select a section (query layer)", "5 select a section (window)",
    "6 import", "7 export a section to PDF", "8 peak memory",
)


def test_the_suite_runs_and_covers_every_figure(tmp_path: Path) -> None:
    archive = tmp_path / "small.sqlite"
    generate.build_archive(archive, 50, progress=False)
    out = tmp_path / "results.json"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.run(
        [sys.executable, "-m", "bench", "--archive", str(archive), "--repeats", "2",
         "--no-peer", "--no-import", "--no-drop-caches", "--json", str(out)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "figure" in proc.stdout and "app median" in proc.stdout  # the table

    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["machine"]["meetings"] == 50
    assert result["machine"]["statements"] > 0
    figures = {f["name"]: f for f in result["figures"]}
    for prefix in EXPECTED:
        assert any(name.startswith(prefix) for name in figures), f"no figure {prefix!r}"
    for name, figure in figures.items():
        if name.startswith("6 import"):
            assert figure["app"] is None and "--no-import" in figure["notes"]
            continue
        if "first (newest) results (query layer)" in name and figure["app"] is None:
            continue  # needs the asynchronous search's order="newest"
        app = figure["app"]
        assert app is not None, f"{name}: no measurement ({figure['notes']})"
        assert app["runs"] >= 1
        assert isinstance(app["median_ms" if app["unit"] == "ms" else "median"], (int, float))
        if "(query layer)" in name:
            assert figure["limit"] is not None and figure["ratio"] is not None, name
            assert figure["datasette_sql"] is None  # --no-peer
        assert isinstance(figure["target"], str) and figure["target"]
