"""README "Run as a service", as written: the wheel installed into a fresh venv, config.toml copied to
another folder, `govmon status` run from a third one with GOVMON_CONFIG.

No network: the wheel is built from this checkout once per session (hatchling, a test extra), and
the fresh venv finds govmon's dependencies in the test environment's site-packages (a .pth line)
instead of downloading them; govmon itself comes only from the wheel.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                    "--quiet", "-w", str(out), str(REPO)], check=True, capture_output=True, timeout=300)
    (built,) = out.glob("govmon-*.whl")
    return built


def test_readme_service_install_works_as_written(wheel: Path, tmp_path: Path) -> None:
    opt = tmp_path / "opt" / "govmon"  # python3 -m venv /opt/govmon && /opt/govmon/bin/pip install …
    venv.EnvBuilder(with_pip=False).create(opt)
    python = opt / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               check=True, capture_output=True, text=True).stdout.strip())
    (site / "test-environment-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index",
                    "--quiet", str(wheel)], check=True, capture_output=True, timeout=300)
    etc = tmp_path / "etc" / "govmon"  # install -D -m 0644 config.toml /etc/govmon/config.toml
    etc.mkdir(parents=True)
    shutil.copyfile(REPO / "config.toml", etc / "config.toml")
    home = tmp_path / "var" / "lib" / "govmon"  # the service user's home, its working folder
    home.mkdir(parents=True)
    env = {**os.environ, "GOVMON_CONFIG": str(etc / "config.toml")}
    env.pop("PYTHONPATH", None)
    status = subprocess.run([str(opt / "bin" / "govmon"), "status"], cwd=home, env=env, capture_output=True,
                            text=True, timeout=120)
    assert status.returncode == 0, status.stderr
    assert "rules folder not found" not in status.stderr and "Traceback" not in status.stderr
    where = subprocess.run([str(python), "-c", "import monitor, monitor.paths as p; print(monitor.__file__);"
                            " print(p.default_config_path())"], cwd=home, capture_output=True, text=True, check=True)
    module, default_config = where.stdout.split()
    assert module.startswith(str(opt)) and default_config.startswith(str(opt))  # govmon came from the wheel
    assert (home / "govmon.db").is_file()
