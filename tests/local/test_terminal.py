"""The playground as a newcomer meets it: a real process in a pseudo-terminal, and the
``play --script`` tour from examples/ (every command, so it cannot go stale)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pexpect
import pytest

from bot.local.driver import LocalDiscord

ROOT = Path(__file__).resolve().parents[2]
TOUR = ROOT / "examples" / "tour.play"
RAW = re.compile(r"<@|<t:|<#\d")
LOG_LINE = re.compile(r"\b(DEBUG|INFO|WARNING|ERROR|CRITICAL)\s+[\w.]+:")


@pytest.fixture
def env(tmp_path: Path, database_url: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database_url, "VAR_DIR": str(tmp_path / "var"),
            "DISCORD_TOKEN": "", "LOG_LEVEL": "INFO", "COLUMNS": "100"}


def test_a_round_with_friends_a_reset_and_ctrl_c(env: dict[str, str]) -> None:
    child = pexpect.spawn(sys.executable, ["-m", "bot"], cwd=str(ROOT), env=env,
                          encoding="utf-8", timeout=30, dimensions=(50, 100))
    screen: list[str] = []

    def expect(pattern: str) -> str:
        try:
            child.expect(pattern)
        except pexpect.TIMEOUT:
            raise AssertionError(f"waited for {pattern!r}; the screen was:\n"
                                 + "".join(screen) + str(child.before)) from None
        seen = f"{child.before}{child.after}"
        screen.append(seen)
        return seen

    def line(text: str, then: str) -> str:
        child.sendline(text)
        seen = expect(then)
        expect(re.escape("@#quiz> "))  # typed only at a prompt, as a person would
        return seen

    try:
        expect(r"log messages go to (\S+factquiz\.log)")
        log_path = Path(child.match.group(1))
        expect(re.escape("player@#general> "))
        line("#quiz", "You are in #quiz")
        line("as alice mod /quizadmin settings set time_limit:10", "QUIZ SETTINGS SAVED")
        line("as alice /quiz start questions:5", "QUIZ ROUND STARTING")
        line("wait question", r"\[1a\] A")
        line("a", "Locked in")
        line("as bob b", "Locked in")
        line("as alice b", "Locked in")  # every question has at least options A and B
        # An interleaved command shows the open question again, with the same references.
        line("/leaderboard", r"Still open in #quiz · message 1:.*?\[1a\]")
        line("wait reveal", "THE ANSWER IS")
        line("1a", "Button 1a no longer works: that question was revealed")
        seen = line("as alice /quizadmin leaderboard reset", r"\[(\d+)a\] Reset the leaderboard")
        number = re.search(r"\[(\d+)a\] Reset the leaderboard", seen).group(1)  # type: ignore[union-attr]
        line(f"{number}a", "The leaderboard was reset")
        started = time.monotonic()
        child.sendintr()
        expect("(?i)round ended: the bot is shutting down")
        child.expect(pexpect.EOF)
        screen.append(child.before)
        child.close()
        elapsed = time.monotonic() - started
    finally:
        if child.isalive():
            child.terminate(force=True)
    text = "".join(screen)
    assert elapsed < 3.0, text
    assert child.exitstatus == 0, text
    assert "@Alice" in text
    assert "@Bob" in text
    assert "@Player" in text
    assert "in 1" in text or "in 9 s" in text  # the deadline, relative
    assert not RAW.search(text), text
    assert not LOG_LINE.search(text), text
    assert "restarting" not in text
    assert log_path.exists()


def leaf_commands(commands: list[dict]) -> set[str]:
    found: set[str] = set()

    def walk(node: dict, prefix: str) -> None:
        subs = [o for o in node.get("options") or [] if o["type"] in (1, 2)]
        if not subs:
            found.add(prefix)
        for sub in subs:
            walk(sub, f"{prefix} {sub['name']}")

    for command in commands:
        walk(command, f"/{command['name']}")
    return found


async def test_the_tour_names_every_command(discord: LocalDiscord) -> None:
    lines = TOUR.read_text().splitlines()
    typed = {re.sub(r"^as \w+ (mod )?", "", line) for line in lines}
    missing = {cmd for cmd in leaf_commands(discord.standin.commands_for(discord.guild.id))
               if not any(t == cmd or t.startswith(cmd + " ") for t in typed)}
    assert missing == set()


def test_the_tour_runs_as_a_script(env: dict[str, str]) -> None:
    proc = subprocess.run([sys.executable, "-m", "bot", "play", "--script", str(TOUR)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    out = proc.stdout
    assert "player@#quiz> as bob b" in out
    assert "The leaderboard was reset" in out
    assert "ROUND STOPPED" in out
    assert not RAW.search(out)
    assert not LOG_LINE.search(out + proc.stderr)


def test_a_script_stops_at_its_first_failing_line(env: dict[str, str], tmp_path: Path) -> None:
    script = tmp_path / "broken.play"
    script.write_text("/about\n9z\n/about\n")
    proc = subprocess.run([sys.executable, "-m", "bot", "play", "--script", str(script)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert "There is no message 9 with buttons" in proc.stdout
    assert "line 2 failed: 9z" in proc.stdout
    assert proc.stdout.count("FACTQUIZ 0.1.0") == 1


def test_ask_as_a_named_member_in_a_new_channel(env: dict[str, str]) -> None:
    proc = subprocess.run([sys.executable, "-m", "bot", "ask", "--as", "alice", "--as-moderator",
                           "--channel", "quiz", "/quizadmin channel allow channel:quiz"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "#quiz" in proc.stdout
    assert "<#" not in proc.stdout
