"""The wheel is the product (issue 14, item 7): built from this tree, installed (not editable)
into a fresh virtualenv, the ``factquiz`` console script answers from an empty folder — data
files, map geometry and migrations come from the package, ``var/`` from the working folder."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_the_wheel_installs_and_the_console_script_answers_from_any_folder(
    tmp_path: Path,
) -> None:
    wheels = tmp_path / "wheels"
    # No build isolation and no index: no network; setuptools comes from the dev extra.
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps",
                    "--no-build-isolation", "-q", "-w", str(wheels)], check=True, timeout=300,
                   cwd=tmp_path)
    (wheel,) = wheels.glob("factquiz-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for shipped in ("bot/data/defectors.csv", "bot/data/un_members.csv",
                    "bot/data/geo/countries-50m.json", "bot/db/migrations/env.py",
                    "bot/db/migrations/versions/0001_facts.py"):
        assert shipped in names, shipped
    assert any(n.endswith("licenses/LICENSE") for n in names)

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    vpy = venv / "bin" / "python"
    # The dependencies come from this test's own environment (a path entry, so that its
    # editable install of factquiz is not seen); the package itself only from the wheel.
    site = subprocess.run([str(vpy), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "deps-from-test-env.pth").write_text(sysconfig.get_path("purelib") + "\n")
    subprocess.run([str(vpy), "-m", "pip", "install", "-q", "--no-deps", "--no-index",
                    str(wheel)], check=True, timeout=300)

    work = tmp_path / "anywhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "DATA_DIR", "VAR_DIR", "DATABASE_URL", "DISCORD_TOKEN")}
    proc = subprocess.run([str(venv / "bin" / "factquiz"), "ask", "/about"], cwd=work, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "FACTQUIZ 0.1.0" in proc.stdout  # the version from the installed metadata
    # var/ in the working folder (ask keeps its own local server's database there)
    assert (work / "var" / "ask.db").exists()
    where = subprocess.run([str(vpy), "-c", "import bot, bot.facts.files as f; "
                            "print(bot.__file__); print(f.DEFAULT_DATA_DIR)"], cwd=work, env=env,
                           check=True, capture_output=True, text=True).stdout.split()
    assert all(p.startswith(str(venv)) for p in where), where  # not the source tree
    version = subprocess.run([str(venv / "bin" / "factquiz"), "--version"], cwd=work, env=env,
                             capture_output=True, text=True, timeout=60)
    assert version.stdout.strip() == "factquiz 0.1.0"
