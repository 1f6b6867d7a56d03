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
    # The client's own marker of a private reply is in the client's language too.
    assert refused.stdout.startswith("(나만 볼 수 있음)\n"), refused.stdout
    english = ask(env, "/defectors year:1990")
    assert english.stdout.startswith("(only you can see this)\n"), english.stdout


def test_a_moderator_asks_in_korean(env: dict[str, str]) -> None:
    """``ask --locale ko --as NAME --as-moderator``: the moderator tools answer in Korean."""
    from tests.i18n.english import english_words

    proc = ask(env, "--locale", "ko", "--as", "alice", "--as-moderator",
               "/quizadmin settings show")
    assert proc.returncode == 0, proc.stderr
    assert "퀴즈 설정" in proc.stdout
    assert "문제당 시간" in proc.stdout
    refused = ask(env, "--locale", "ko", "--as", "bob", "/quizadmin settings show")
    assert refused.returncode == 2  # Discord's client hides /quizadmin from bob
    shown = ask(env, "--locale", "ko", "--as", "alice", "--as-moderator",
                "/quizadmin points adjust member:alice amount:0 reason:x")
    assert "0점 조정은 아무것도 바꾸지 않습니다." in shown.stdout
    assert not english_words(shown.stdout.split("\n", 1)[-1], "alice Alice x")
