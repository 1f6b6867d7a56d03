"""Pictures for the bot: the defectors bar chart and the recognition world map.

The bot uses :mod:`bot.pictures.renderer`, which renders off the event loop and caches results.
Importing this package is cheap: matplotlib loads only when the first picture is drawn. The
package does point ``MPLCONFIGDIR`` at a writable folder first, so that whichever module imports
matplotlib (the renderer's worker, a test, the benchmark) finds its font cache.
"""

from bot.pictures._mplconfig import ensure_mplconfigdir

ensure_mplconfigdir()
