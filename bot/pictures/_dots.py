"""Keep the small-state dots from hiding one another.

The Lesser Antilles put seven members within a few pixels of each other at 1200 px; drawn at
their true positions the dots stack and only the last one drawn is visible. Nudging them apart
by a few pixels keeps every state's colour visible while each dot stays next to its island.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Points = npt.NDArray[np.float64]  # shape (n, 2)


def spread(points: Points, min_distance: float, *, iterations: int = 200) -> Points:
    """Move points apart until no two are closer than ``min_distance`` (or iterations run out).

    Each overlapping pair is pushed apart along the line joining them, half the overlap each,
    so a dot moves only as far as its neighbours force it to. Deterministic: same input, same
    output, so the same map gives the same bytes.
    """
    p = np.array(points, dtype=np.float64, copy=True)
    n = len(p)
    if n < 2:
        return p
    # Coincident points have no direction to move in: break the tie by index, left to right.
    tie = np.sign(np.subtract.outer(np.arange(n), np.arange(n))).astype(np.float64)
    for _ in range(iterations):
        delta = p[:, None, :] - p[None, :, :]
        dist = np.hypot(delta[..., 0], delta[..., 1])
        np.fill_diagonal(dist, np.inf)
        overlap = np.clip(min_distance - dist, 0.0, None)
        if not overlap.any():
            break
        safe = np.where(dist > 1e-12, dist, 1.0)
        unit = delta / safe[..., None]
        coincident = dist <= 1e-12
        unit[coincident] = np.stack([tie[coincident], np.zeros(coincident.sum())], axis=-1)
        # Slightly more than half the overlap, so chains settle instead of creeping.
        p += 0.55 * (overlap[..., None] * unit).sum(axis=1)
    return p
