"""The install guide shows the install script verbatim, and the script works on a site."""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "docs" / "install-wagtail-coaching.sh"


def test_the_guide_shows_the_script_word_for_word():
    guide = (ROOT / "docs" / "install.md").read_text(encoding="utf-8")
    assert "```sh\n" + SCRIPT.read_text(encoding="utf-8") + "```\n" in guide


def test_the_readme_points_to_the_guide():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/install.md" in readme


def test_the_script_refuses_a_folder_that_is_not_a_site(tmp_path):
    result = subprocess.run(
        ["sh", str(SCRIPT), "mysite"], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "folder of manage.py" in result.stderr
    assert list(tmp_path.iterdir()) == []
