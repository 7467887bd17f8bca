"""What a user reads when a hidden test fails: the numbers must show what is wrong."""

from __future__ import annotations

import numpy as np
import pytest

from postprep.drills.harness import Mismatch, assert_close, assert_equal


def test_a_near_miss_shows_enough_digits_to_see_the_difference():
    with pytest.raises(Mismatch) as caught:
        assert_close(np.array([1.0, -1.2594512]), [1.0, -1.2594508])
    message = str(caught.value)
    assert "at 1 of 2 entries" in message and "index (1,)" in message
    assert "got -1.2594512, expected -1.2594508, off by 4e-07" in message
    assert "allowed: 1e-07 + 1e-07 * |expected|" in message


def test_a_plain_miss_stays_short():
    with pytest.raises(Mismatch, match=r"got 1, expected 2, off by 1 "):
        assert_close(np.array([1.0]), [2.0])


def test_exact_comparisons_print_plain_numbers():
    with pytest.raises(Mismatch) as caught:
        assert_equal(np.array([3, 127.0]), np.array([3, 114]))
    assert str(caught.value) == "the output differs at index (1,): got 127.0, expected 114"
