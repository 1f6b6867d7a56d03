import asyncio
import os
import sys

from bot.cli import main


def use_uvloop() -> None:
    """uvloop's event loop when installed (``pip install factquiz[speed]``): a faster loop
    for the gateway and HTTP traffic, nothing else changes. ``FACTQUIZ_UVLOOP=0`` keeps
    asyncio's own loop (bench/quiz_load.py --loop asyncio measures both ways)."""
    if os.environ.get("FACTQUIZ_UVLOOP", "1") == "0":
        return
    try:
        import uvloop
    except ImportError:
        return
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())


if __name__ == "__main__":  # importable: bench/floor_bot.py starts the bot the same way
    use_uvloop()
    sys.exit(main(sys.argv[1:]))
