import sys

from bot.cli import main, use_uvloop

if __name__ == "__main__":  # importable: bench/floor_bot.py starts the bot the same way
    use_uvloop()
    sys.exit(main(sys.argv[1:]))
