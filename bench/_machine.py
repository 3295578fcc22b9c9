"""How fast this machine runs Python right now, printed beside the benchmarks' figures."""

from __future__ import annotations

import time


def reference_loop_ms() -> float:
    """CPU milliseconds for a fixed pure-Python loop: how fast this machine runs Python right
    now. On a shared host it varies (by 1.5x and more within minutes), and every figure
    above varies with it, so it is printed beside them."""
    began = time.process_time()
    total = 0
    for i in range(1_000_000):
        total += i * i
    return round((time.process_time() - began) * 1000, 1)
