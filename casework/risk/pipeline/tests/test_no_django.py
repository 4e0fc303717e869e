"""The pipeline imports no Django: in a fresh interpreter with no settings it loads no django module."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
PIPELINE = ROOT / "casework" / "risk" / "pipeline"


def pipeline_modules() -> list[str]:
    return sorted(
        "casework.risk.pipeline." + path.stem for path in PIPELINE.glob("*.py") if path.name != "__init__.py"
    )


def test_the_walk_finds_the_modules():
    assert {"casework.risk.pipeline.rules", "casework.risk.pipeline.cohort"} <= set(pipeline_modules())


def test_importing_every_pipeline_module_loads_no_django():
    code = (
        "import importlib, sys\n"
        f"for name in {pipeline_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))\n"
    )
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
