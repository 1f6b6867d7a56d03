"""``python -m bot ask --locale ko``: the done-when line, as a script runs it."""

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


def test_defectors_2012_in_korean(env: dict[str, str]) -> None:
    proc = ask(env, "--locale", "ko", "/defectors year:2012")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "2012년 탈북민 입국 인원: 1,502명" in out
    assert "단일 연도 24개(2002–2025년) 중 9위" in out
    assert "2,706명에서 −1,204명 (−44.5%)" in out
    assert "출처: 대한민국 통일부" in out


def test_the_interaction_carries_the_locales(env: dict[str, str]) -> None:
    proc = ask(env, "--json", "--locale", "ko", "--guild-locale", "en-US", "/defectors year:2012")
    assert proc.returncode == 0, proc.stderr
    body = json.loads(proc.stdout.splitlines()[0])
    # The server speaks English: the public answer is in English.
    assert body["data"]["embeds"][0]["title"] == "2012: 1,502 North Koreans arrived in South Korea"
    refused = ask(env, "--locale", "ko", "--guild-locale", "en-US", "/defectors year:1990")
    assert "1990년 수치는 없습니다." in refused.stdout  # private: the member's language
