"""An article's MinHash signature and the LSH bands it is cut into, without importing ``datasketch``.

``datasketch`` imports SciPy's integration routines (about a second) to choose LSH bands, so a one-article run
paid for it at start-up. The values here are ``datasketch`` 2.0's own, bit for bit (``MinHash(num_perm,
seed=1)``, its default ``affine32`` scheme and SHA-1 hash; ``MinHashLSH(threshold, num_perm).hashranges``);
``tests/test_ingest_duplicates.py`` checks them against it. Bands for a threshold or permutation count not in
:data:`BANDS` are asked of ``datasketch``.
"""
from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

import numpy as np

# (threshold, num_perm) -> (bands, rows per band), as datasketch's MinHashLSH chooses them (equal weights)
BANDS = {(0.5, 128): (25, 5), (0.6, 128): (18, 7), (0.7, 128): (14, 9), (0.8, 128): (9, 13), (0.9, 128): (5, 25)}
_EMPTY = np.uint32(0xFFFFFFFF)
_FMIX = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))


@dataclass
class Signature:
    """An article's MinHash: one hash value per permutation."""
    hashvalues: list[int]


@lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """The affine permutations ``h -> a * h + b (mod 2^32)``, ``a`` odd, drawn as datasketch draws them."""
    generator = np.random.RandomState(seed)
    a = generator.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def minhash_values(items: Iterable[bytes], num_perm: int, seed: int = 1) -> list[int]:
    """The MinHash of ``items``: per permutation, the least permuted (MurmurHash3-finalised) SHA-1 hash."""
    hashes = [struct.unpack("<I", hashlib.sha1(item).digest()[:4])[0] for item in items]
    if not hashes:
        return [int(_EMPTY)] * num_perm
    a, b = permutations(num_perm, seed)
    hv = _fmix(np.array(hashes, dtype=np.uint32).reshape(-1, 1))
    return [int(v) for v in np.minimum(np.full(num_perm, _EMPTY, dtype=np.uint32), (hv * a + b).min(axis=0))]


def _fmix(hv: np.ndarray) -> np.ndarray:
    s1, m1, s2, m2, s3 = _FMIX
    hv = hv ^ (hv >> s1)
    hv = hv * m1
    hv = hv ^ (hv >> s2)
    hv = hv * m2
    return hv ^ (hv >> s3)


def band_ranges(threshold: float, num_perm: int) -> list[tuple[int, int]]:
    """The (start, end) of each LSH band of a signature for this similarity threshold."""
    known = BANDS.get((round(threshold, 6), num_perm))
    if known is None:
        from datasketch import MinHashLSH
        return list(MinHashLSH(threshold=threshold, num_perm=num_perm).hashranges)
    bands, rows = known
    return [(i * rows, (i + 1) * rows) for i in range(bands)]
