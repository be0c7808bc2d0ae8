"""``pip install ./clients/python`` produces an importable, typed package."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PYTHON_ROOT


def test_pip_installs_the_package_with_its_type_marker(tmp_path: Path) -> None:
    if subprocess.run([sys.executable, "-m", "pip", "--version"], capture_output=True).returncode != 0:
        pytest.skip("pip is not installed for this interpreter")
    source = tmp_path / "src"
    shutil.copytree(PYTHON_ROOT, source, ignore=shutil.ignore_patterns("tests", "__pycache__", "build", "*.egg-info"))
    target = tmp_path / "site"
    # --no-build-isolation: use the installed setuptools, so that the test needs no package index.
    result = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
                             "--target", str(target), str(source)], capture_output=True, text=True)
    if result.returncode != 0 and "setuptools" in (result.stderr + result.stdout) and "No module" in result.stderr:
        pytest.skip("setuptools is not installed for this interpreter")
    assert result.returncode == 0, result.stderr
    assert (target / "circul" / "py.typed").exists()
    check = subprocess.run([sys.executable, "-c", "import circul; print(circul.__file__, circul.__version__)"],
                           cwd=tmp_path, env={"PYTHONPATH": str(target)}, capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    assert check.stdout.strip() == f"{target / 'circul' / '__init__.py'} 0.1.0"
