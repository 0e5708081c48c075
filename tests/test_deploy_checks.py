"""``manage.py check --deploy`` is clean on the sandbox's production settings (issue 16):
the settings CI deploys with, read from the environment as a real deployment reads them."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from wagtail_coaching.spaces.keys import generate_master_key

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_is_clean_on_the_production_settings(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sandbox.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "coaching.example.org",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
        "WAGTAIL_COACHING_KEYS_DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres_keys",
        "WAGTAIL_COACHING_MASTER_KEYS": f"deploy-check:{generate_master_key()}",
        "WAGTAIL_COACHING_PRIVATE_ROOT": str(tmp_path / "private"),
        "WAGTAIL_COACHING_JITSI_APP_ID": "coaching",
        "WAGTAIL_COACHING_JITSI_APP_SECRET": secrets.token_hex(32),
    }
    # The browser tests' live servers set this in the test process; a deployment never does.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
