"""Settings from the environment: every variable documented, bad values fail loudly."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from congress.env import env_bool, env_int, env_int_list, env_list, env_str, env_url

ROOT = Path(__file__).resolve().parents[2]
# `env_str("NAME"`, `env_int(\n    "NAME"` ...: every variable settings.py reads.
READ = re.compile(r"\benv_[a-z_]+\(\s*\"([A-Z][A-Z0-9_]*)\"")
DOCUMENTED = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=", re.MULTILINE)


def variables_read_by_settings() -> set[str]:
    return set(READ.findall((ROOT / "congress" / "settings.py").read_text()))


def documented_variables() -> dict[str, int]:
    """NAME -> line number (0-based) of its `NAME=` / `# NAME=` line in .env.example."""
    lines = (ROOT / ".env.example").read_text().splitlines()
    found = {}
    for number, line in enumerate(lines):
        match = DOCUMENTED.match(line)
        if match:
            found[match.group(1)] = number
    return found


def test_the_settings_parser_sees_the_variables_we_know_of():
    # Guards the regex itself: if it stopped matching, the next test would pass vacuously.
    read = variables_read_by_settings()
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_PORT"} <= read
    assert len(read) >= 25


def test_every_variable_read_by_settings_is_documented_in_env_example():
    missing = variables_read_by_settings() - set(documented_variables())
    assert not missing, f"add these to .env.example with a one-line comment: {sorted(missing)}"


def test_every_documented_variable_has_a_comment_and_is_used():
    lines = (ROOT / ".env.example").read_text().splitlines()
    compose = (ROOT / "docker-compose.yml").read_text()
    entrypoint = (ROOT / "docker" / "entrypoint.sh").read_text()
    used = (
        variables_read_by_settings()
        | set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", compose))
        | set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", entrypoint))
    )
    for name, number in documented_variables().items():
        above = lines[number - 1] if number else ""
        assert above.startswith("# ") and not DOCUMENTED.match(above), (
            f"{name} in .env.example needs a comment line right above it"
        )
        assert name in used, f"{name} is documented in .env.example but nothing reads it"


# --- The helpers fail loudly --------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["x", "maybe", "2", "tru"])
def test_env_bool_refuses_what_is_not_a_boolean(raw):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_DEBUG"):
        env_bool("DJANGO_DEBUG", False, environ={"DJANGO_DEBUG": raw})


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("ON", True), (" yes ", True), ("0", False), ("off", False)]
)
def test_env_bool_reads_the_usual_spellings(raw, expected):
    assert env_bool("X", not expected, environ={"X": raw}) is expected


def test_env_bool_default_when_unset():
    assert env_bool("X", True, environ={}) is True


def test_env_int_refuses_out_of_range_and_garbage():
    with pytest.raises(ImproperlyConfigured, match="above the maximum 65535"):
        env_int("EMAIL_PORT", 25, minimum=1, maximum=65535, environ={"EMAIL_PORT": "70000"})
    with pytest.raises(ImproperlyConfigured, match="below the minimum 60"):
        env_int(
            "SESSION_ABSOLUTE_SECONDS", 3600, minimum=60, environ={"SESSION_ABSOLUTE_SECONDS": "5"}
        )
    with pytest.raises(ImproperlyConfigured, match="not an integer"):
        env_int("EMAIL_PORT", 25, environ={"EMAIL_PORT": "twenty-five"})
    assert env_int("EMAIL_PORT", 25, environ={"EMAIL_PORT": " 587 "}) == 587


def test_env_url_refuses_a_bad_scheme():
    schemes = {"postgres", "postgresql", "sqlite"}
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        env_url("DATABASE_URL", None, schemes=schemes, environ={"DATABASE_URL": "mysql://x/y"})
    with pytest.raises(ImproperlyConfigured):
        env_url("REDIS_URL", None, schemes={"redis"}, environ={"REDIS_URL": "localhost:6379"})
    url = "postgres://u:p@db:5432/congress"
    assert env_url("DATABASE_URL", None, schemes=schemes, environ={"DATABASE_URL": url}) == url
    assert env_url("REDIS_URL", None, schemes={"redis"}, environ={"REDIS_URL": ""}) is None


def test_env_list_refuses_an_empty_item():
    with pytest.raises(ImproperlyConfigured, match="empty item"):
        env_list("DJANGO_ALLOWED_HOSTS", [], environ={"DJANGO_ALLOWED_HOSTS": "a.example,,b"})
    with pytest.raises(ImproperlyConfigured, match="empty item"):
        env_list("DJANGO_ALLOWED_HOSTS", [], environ={"DJANGO_ALLOWED_HOSTS": "a.example,"})
    hosts = env_list("H", [], environ={"H": "a.example, b.example"})
    assert hosts == ["a.example", "b.example"]


def test_env_int_list_refuses_non_integers():
    with pytest.raises(ImproperlyConfigured, match="DEADLINE_REMINDER_OFFSETS"):
        env_int_list("DEADLINE_REMINDER_OFFSETS", [], environ={"DEADLINE_REMINDER_OFFSETS": "14,x"})
    assert env_int_list("D", [], environ={"D": "14, 3,1"}) == [14, 3, 1]


def test_env_str_without_default_is_required():
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY must be set"):
        env_str("DJANGO_SECRET_KEY", None, environ={})


# --- Importing the settings in a clean process ----------------------------------------------


def load_settings(tmp_path, **env: str) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter with only the given variables set."""
    clean = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "congress.settings",
        "DATA_DIR": str(tmp_path / "data"),
        **env,
    }
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print('DEBUG', settings.DEBUG, settings.SECURE_SSL_REDIRECT, settings.SESSION_COOKIE_SECURE)"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_without_a_secret_key_refuses_to_start(tmp_path):
    result = load_settings(tmp_path, DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "DJANGO_SECRET_KEY" in result.stderr


def test_production_with_a_short_secret_key_refuses_to_start(tmp_path):
    result = load_settings(tmp_path, DJANGO_DEBUG="0", DJANGO_SECRET_KEY="too-short")
    assert result.returncode != 0
    assert "50+ characters" in result.stderr


def test_a_bad_boolean_stops_the_settings_import(tmp_path):
    result = load_settings(tmp_path, DJANGO_DEBUG="perhaps")
    assert result.returncode != 0
    assert "DJANGO_DEBUG='perhaps' is not a boolean" in result.stderr


def test_production_with_a_long_secret_key_starts_secure(tmp_path):
    result = load_settings(
        tmp_path,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="k" * 20 + "3x!Q" * 10,
        DJANGO_ALLOWED_HOSTS="portal.example.test",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "DEBUG False True True"
