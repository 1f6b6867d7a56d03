from __future__ import annotations

import io

from bot.local.playground import run_playground
from bot.services import Services


async def test_playground_help_about_and_quit(services: Services) -> None:
    stdin = io.StringIO("/help\n/about\nnot a command\n/about now\nquit\n/about\n")
    out = io.StringIO()
    assert await run_playground(services, stdin=stdin, out=out) == 0
    text = out.getvalue()
    assert "factquiz playground" in text
    assert "/about  — What this bot is" in text
    assert text.count("FACTQUIZ 0.1.0") == 1  # the /about after quit never ran
    assert "Commands start with /" in text
    assert "Discord would not send this: unexpected text 'now'" in text
    assert text.rstrip().endswith("Bye.")
