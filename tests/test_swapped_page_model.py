"""The app in a site that swaps Wagtail's base page model: migrated from nothing, then used.

The site (``tests/swapped_page``) needs its own settings, hence its own pytest process.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_a_site_with_a_swapped_page_model_migrates_and_works():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.swapped_page.settings"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-o",
            "python_files=smoke.py",
            "--ds",
            "tests.swapped_page.settings",
            "tests/swapped_page/smoke.py",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "2 passed" in result.stdout
