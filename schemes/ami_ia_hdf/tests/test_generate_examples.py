"""The shipped examples are exactly what ``scripts/generate_examples.py`` writes (issue 15).

The script is the examples' source of truth and must run from the repository alone: it is run
here into a temporary folder, and every file must equal the committed one, byte for byte.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCHEME_DIR = Path(__file__).parents[1]
SCRIPT = SCHEME_DIR / "scripts" / "generate_examples.py"
EXAMPLES = SCHEME_DIR / "examples"


def test_the_examples_regenerate_identically(tmp_path: Path) -> None:
    out = tmp_path / "examples"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,  # not the repository root: the script finds its inputs itself
        check=False,
    )
    assert done.returncode == 0, done.stderr
    written = sorted(p.name for p in out.iterdir())
    assert written == sorted(p.name for p in EXAMPLES.iterdir())
    for name in written:
        assert (out / name).read_bytes() == (EXAMPLES / name).read_bytes(), name


def test_the_script_names_no_path_outside_the_repository() -> None:
    text = SCRIPT.read_text(encoding="utf-8")
    # Built from their names so that this file names no machine path itself.
    for outside in ("work", "home", "Users", "tmp"):
        assert f"/{outside}/" not in text
    assert (SCRIPT.parent / "ami-ia-hdf-as-encoded.md").is_file()
