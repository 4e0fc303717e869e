"""The charging rules import no Django: in a fresh interpreter with no settings they load no django module."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
MODULES = [
    "casework.plans.charging.rates",
    "casework.plans.charging.calculator",
    "casework.plans.charging.enablement",
]


def test_the_modules_exist():
    assert all((ROOT / (name.replace(".", "/") + ".py")).is_file() for name in MODULES)


def test_importing_the_charging_rules_loads_no_django():
    code = (
        "import importlib, sys\n"
        f"for name in {MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))\n"
    )
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
