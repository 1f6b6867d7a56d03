"""``python -m bot ask`` as scripts call it: a real process, its output and exit code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(tmp_path: Path, database_url: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database_url, "VAR_DIR": str(tmp_path / "var"),
            "DISCORD_TOKEN": ""}


def ask(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", "ask", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_ask_about_prints_the_reply(env: dict[str, str]) -> None:
    proc = ask(env, "/about")
    assert proc.returncode == 0, proc.stderr
    assert "FACTQUIZ" in proc.stdout
    assert "Ministry of Unification" in proc.stdout


def test_ask_json_prints_the_request_bodies(env: dict[str, str]) -> None:
    proc = ask(env, "--json", "/about")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    bodies = [json.loads(line) for line in lines]
    assert bodies[0]["type"] == 4
    assert bodies[0]["data"]["allowed_mentions"] == {"parse": []}
    assert not bodies[0]["data"].get("flags", 0) & 64  # /about answers publicly
    assert bodies[0]["data"]["embeds"][0]["title"].startswith("factquiz")


@pytest.mark.parametrize(("line", "reason"), [
    ("/about extra", "takes no more options"),
    ("/nosuchcommand", "never synced"),
    ("about", "starts with /"),
])
def test_ask_refuses_what_discord_would_not_send(env: dict[str, str], line: str, reason: str) -> None:
    proc = ask(env, line)
    assert proc.returncode == 2
    assert reason in proc.stderr
    assert proc.stdout == ""
