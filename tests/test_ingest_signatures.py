"""MinHash signatures and LSH bands computed without datasketch are datasketch's own, bit for bit."""
from __future__ import annotations

import random

import pytest

from frontlines.ingest.duplicates import datasketch_signature, signature
from frontlines.ingest.minhash_signature import BANDS, band_ranges


def _texts() -> list[str]:
    rng = random.Random(17)
    words = "Taliban fighters seized Kunduz city on Sunday after heavy clashes with Afghan forces near the airport".split()
    texts = [" ".join(rng.choice(words) for _ in range(rng.randrange(0, 400))) for _ in range(60)]
    return texts + ["", "one", "Two words.", "Ünïcode — dashes “quotes” and ميدان"]


@pytest.mark.parametrize("num_perm", [128, 64, 7])
def test_signatures_are_datasketchs(num_perm):
    for text in _texts():
        assert signature(text, num_perm).hashvalues == [int(v) for v in datasketch_signature(text, num_perm).hashvalues]


def test_bands_are_datasketchs():
    from datasketch import MinHashLSH

    for threshold, num_perm in [*BANDS, (0.75, 128), (0.7, 64)]:
        assert band_ranges(threshold, num_perm) == list(MinHashLSH(threshold=threshold, num_perm=num_perm).hashranges)


def test_a_run_does_not_import_datasketch():
    import subprocess
    import sys

    code = ("import sys; from frontlines.ingest.duplicates import signature, band_ranges; "
            "signature('a b c d e f'); band_ranges(0.7, 128); print('datasketch' in sys.modules, 'scipy' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split() == ["False", "False"]
