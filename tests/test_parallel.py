"""cleanse.parallel.ordered_map: results in input order, and the batches under way bounded by weight."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cleanse.parallel import BATCH, ordered_map, same_function


def square(n: int) -> int:
    return n * n


def counted(total: int, seen: list[int]) -> Iterator[int]:
    for n in range(total):
        seen[0] += 1
        yield n


@pytest.mark.parametrize(("ahead", "most_read_ahead"), [(BATCH, 3 * BATCH), (3 * BATCH, 4 * BATCH)])
def test_batches_under_way_stay_within_their_weight(ahead, most_read_ahead):
    seen = [0]
    out: list[int] = []
    read_ahead = 0
    total = 8 * BATCH
    for result in ordered_map(same_function(square), counted(total, seen), 2, weigh=lambda n: 1, ahead=ahead):
        out.append(result)
        read_ahead = max(read_ahead, seen[0] - len(out))
    assert out == [n * n for n in range(total)]
    # The window holds the batch being yielded, the ones under way while they weigh under
    # `ahead`, and the next batch read: never more, and with a larger `ahead`, more than the default.
    assert most_read_ahead - BATCH < read_ahead < most_read_ahead


def test_heavy_items_keep_the_window_at_two_batches():
    seen = [0]
    out = list(ordered_map(same_function(square), counted(4 * BATCH, seen), 2, weigh=lambda n: 10**9, ahead=BATCH))
    assert out == [n * n for n in range(4 * BATCH)]
