"""The numeric core of the lead/lag statistics: lagged correlations for all lags at once and a
block-permutation null of their maximum.

corr(k) pairs x[t] with y[t+k]. Every lag's five sums (count, sum and sum of squares of each
side restricted to the pairs, and the cross product) are cross-correlations, so one batch of
FFTs gives them for every lag, pairwise-complete when there are NaN gaps. The result equals
pandas' ``x.corr(y.shift(-k))`` to rounding error.
"""

from __future__ import annotations

import numpy as np
import scipy.fft as sfft
from scipy.special import stdtr

MIN_PAIRS = 30  # every searched lag needs at least this many pairs
_BATCH_VALUES = 1_500_000  # permuted values per FFT batch: bounds memory, amortises call overhead


def _standardise(v: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Centre and scale the finite values, zero elsewhere.

    Pearson correlation is unchanged by a shift and a positive scale of either side, on any
    subset of pairs; doing it once up front keeps the FFT sums near unit size, which is what
    makes them accurate to ~1e-13 instead of losing digits to cancellation.
    """
    vals = v[mask]
    centred = vals - vals.mean()
    scale = np.sqrt(np.mean(centred * centred)) or 1.0
    out = np.zeros_like(v, dtype="float64")
    out[mask] = centred / scale
    return out


def _xcorr_all(left: np.ndarray, right: np.ndarray, max_lag: int, size: int) -> np.ndarray:
    """sum_t left[i, t] * right[i, t + k] for k = -max_lag..max_lag, row by row (FFT)."""
    full = sfft.irfft(
        np.conj(sfft.rfft(left, size, axis=-1)) * sfft.rfft(right, size, axis=-1), size, axis=-1
    )
    return np.concatenate([full[..., size - max_lag :], full[..., : max_lag + 1]], axis=-1)


def lagged_corr(x: np.ndarray, y: np.ndarray, max_lag: int) -> tuple[np.ndarray, np.ndarray]:
    """Pearson correlation of (x[t], y[t+k]) for every k in -max_lag..max_lag.

    Args:
        x: leader values (e.g. log returns); NaN marks a missing value.
        y: follower values, the same length as ``x``.
        max_lag: K >= 0 periods.

    Returns:
        (corr, pairs): arrays of length 2K+1 ordered by lag; corr is NaN where fewer than two
        pairs exist or one side is constant over the pairs.
    """
    x, y = np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64")
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError("x and y must be 1-D arrays of the same length")
    mx, my = np.isfinite(x), np.isfinite(y)
    if not mx.any() or not my.any():
        width = 2 * max_lag + 1
        return np.full(width, np.nan), np.zeros(width, dtype="int64")
    xs, ys = _standardise(x, mx), _standardise(y, my)
    size = sfft.next_fast_len(len(x) + max_lag + 1, real=True)
    mxf, myf = mx.astype("float64"), my.astype("float64")
    left = np.stack([mxf, xs, xs * xs, mxf, mxf, xs])
    right = np.stack([myf, myf, myf, ys, ys * ys, ys])
    n, sx, sxx, sy, syy, sxy = _xcorr_all(left, right, max_lag, size)
    pairs = np.rint(n).astype("int64")
    with np.errstate(divide="ignore", invalid="ignore"):
        safe = np.maximum(pairs, 1)
        cov = sxy - sx * sy / safe
        vx = sxx - sx * sx / safe
        vy = syy - sy * sy / safe
        # Sums of unit-scale data: anything this small is a constant side, not a tiny variance.
        tiny = 1e-9 * safe
        corr = np.where((pairs >= 2) & (vx > tiny) & (vy > tiny), cov / np.sqrt(vx * vy), np.nan)
    return np.clip(corr, -1.0, 1.0), pairs


def corr_at(x: np.ndarray, y: np.ndarray, lag: int) -> tuple[float | None, int]:
    """The correlation of (x[t], y[t+lag]) and its pair count; None when undefined."""
    n = len(x)
    if lag >= 0:
        a, b = x[: max(n - lag, 0)], y[lag:]
    else:
        a, b = x[-lag:], y[: max(n + lag, 0)]
    ok = np.isfinite(a) & np.isfinite(b)
    a, b = a[ok], b[ok]
    if len(a) < 3 or np.ptp(a) == 0 or np.ptp(b) == 0:
        return None, int(len(a))
    return float(np.corrcoef(a, b)[0, 1]), int(len(a))


def lag_p_values(corr: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Two-sided p-values of each correlation under no correlation (t test, pairs - 2 df)."""
    df = np.maximum(pairs - 2, 1).astype("float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.abs(corr) * np.sqrt(df / np.maximum(1.0 - corr * corr, 1e-300))
    return np.where(np.isfinite(corr) & (pairs > 2), 2.0 * stdtr(df, -t), np.nan)


def default_block(n: int) -> int:
    """Permutation block length for ``n`` periods: about n ** (1/3), at least 1."""
    return max(1, int(round(n ** (1 / 3))))


def _block_indices(rng: np.random.Generator, n: int, block: int, count: int) -> np.ndarray:
    """``count`` block permutations of range(n) as rows, each on a randomly rotated series.

    The series is rotated by a random offset (so block edges move), cut into blocks of
    ``block`` with the remainder kept as the last piece, and the full blocks are shuffled.
    Indices point into the series concatenated with itself, which avoids a modulo.
    """
    full = n // block
    offset = rng.integers(0, n, size=count).astype(np.int32)
    order = np.argsort(rng.random((count, full)), axis=1).astype(np.int32)
    idx = np.empty((count, n), dtype=np.int32)
    body = idx[:, : full * block].reshape(count, full, block)
    np.add(
        (offset[:, None] + order * block)[:, :, None], np.arange(block, dtype=np.int32), out=body
    )
    idx[:, full * block :] = offset[:, None] + np.arange(full * block, n, dtype=np.int32)
    return idx


def null_max_abs_corr(
    x: np.ndarray, y: np.ndarray, max_lag: int, permutations: int, block: int, seed: int
) -> np.ndarray:
    """max_k |corr(k)| for ``permutations`` block permutations of the leader ``x``.

    A block permutation breaks any alignment between the leader and the follower while keeping
    each series' own distribution and (within blocks) its short-range dependence, so the
    maxima form the null distribution of the search over all lags. Computed in float32 batches
    of FFTs; seeded and reproducible.

    Args:
        x, y: leader and follower values without NaN, the same length n.
        max_lag: K; lags -K..K as in :func:`lagged_corr`.
        permutations: number of draws (>= 1).
        block: block length in periods (>= 1).
        seed: seed of the random generator.
    """
    n = len(x)
    k = max_lag
    xs = _standardise(np.asarray(x, "float64"), np.ones(n, bool))
    ys = _standardise(np.asarray(y, "float64"), np.ones(n, bool))
    size = sfft.next_fast_len(n + k + 1, real=True)
    yf = sfft.rfft(ys, size).astype("complex64")
    lags = np.arange(-k, k + 1)
    lo, hi = np.maximum(0, -lags), np.minimum(n, n - lags)  # pairs use x[lo:hi], y[lo+lag:hi+lag]
    pairs = (hi - lo).astype("float64")
    cy, cyy = np.concatenate([[0.0], np.cumsum(ys)]), np.concatenate([[0.0], np.cumsum(ys * ys)])
    sy, syy = cy[hi + lags] - cy[lo + lags], cyy[hi + lags] - cyy[lo + lags]
    vy = syy - sy * sy / pairs
    # A permutation keeps x's total sum and sum of squares; only the <= K values at each end that
    # a lag leaves out change, so the x-side sums need cumulative sums of the edges alone.
    total, total_sq = xs.sum(), (xs * xs).sum()
    doubled = np.concatenate([xs, xs]).astype("float32")
    rng = np.random.default_rng(seed)
    out = np.empty(permutations)
    batch = max(16, _BATCH_VALUES // n)
    for first in range(0, permutations, batch):
        count = min(batch, permutations - first)
        perm = doubled[_block_indices(rng, n, block, count)]
        sxy = _batch_xcorr(perm, yf, k, size)
        head = _edge_sums(perm[:, :k], lo)
        tail = _edge_sums(perm[:, n - k :][:, ::-1] if k else perm[:, :0], n - hi)
        sx = total - head[0] - tail[0]
        sxx = total_sq - head[1] - tail[1]
        cov = sxy - sx * sy / pairs
        vx = sxx - sx * sx / pairs
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.abs(cov) / np.sqrt(np.maximum(vx * vy, 1e-300))
        out[first : first + count] = np.nanmax(r, axis=1)
    return out


def _batch_xcorr(perm: np.ndarray, yf: np.ndarray, k: int, size: int) -> np.ndarray:
    full = sfft.irfft(
        np.conj(sfft.rfft(perm, size, axis=1, workers=-1)) * yf, size, axis=1, workers=-1
    )
    return np.concatenate([full[:, size - k :], full[:, : k + 1]], axis=1).astype("float64")


def _edge_sums(edge: np.ndarray, left_out: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sums and sums of squares of the first ``left_out[j]`` values of each row, per lag j."""
    e = edge.astype("float64")
    zero = np.zeros((len(e), 1))
    c1 = np.concatenate([zero, np.cumsum(e, axis=1)], axis=1)
    c2 = np.concatenate([zero, np.cumsum(e * e, axis=1)], axis=1)
    return c1[:, left_out], c2[:, left_out]
