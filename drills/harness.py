"""What hidden suites use: the candidate's module, the user's framework, and trustworthy comparisons.

Everything a verdict depends on is bound here, when the suite is collected and before the
candidate is imported, so a candidate that patches `numpy.allclose`, `torch.testing`, or the
`numpy` module itself cannot change a verdict. Comparisons use ufuncs and ndarray methods only.
"""

from __future__ import annotations

import math

import numpy as np

_ndarray = np.ndarray
_generic = np.generic
_array = np.array
_float64 = np.float64
_abs = np.absolute
_sub = np.subtract
_mul = np.multiply
_add = np.add
_le = np.less_equal
_isfinite = np.isfinite
_isnan = np.isnan
_logical_not = np.logical_not
_argwhere = np.argwhere
_unravel = np.unravel_index

# Defaults of torch.testing.assert_close, per dtype of the candidate's output.
TOLERANCES = {
    "float16": (1e-3, 1e-5),
    "bfloat16": (1.6e-2, 1e-5),
    "float32": (1.3e-6, 1e-5),
    "float64": (1e-7, 1e-7),
}

_torch = None
_tensor_type = None
_tensor_to_numpy = None


def bind_torch() -> None:
    """Capture torch's conversion path before the candidate runs (called by the runner)."""
    global _torch, _tensor_type, _tensor_to_numpy
    import torch

    _torch = torch
    _tensor_type = torch.Tensor
    detach, to, numpy_ = torch.Tensor.detach, torch.Tensor.to, torch.Tensor.numpy
    _tensor_to_numpy = lambda t: numpy_(to(detach(t), device="cpu", dtype=torch.float64))  # noqa: E731


class Mismatch(AssertionError):
    """A check failed; the message is shown to the user as it is."""


def fail(message: str) -> None:
    raise Mismatch(message)


def check(condition, message: str) -> None:
    if not condition:
        raise Mismatch(message)


class Framework:
    """The user's framework: turns the suite's NumPy inputs into the user's arrays and back."""

    def __init__(self, name: str):
        self.name = name
        if name == "torch" and _torch is None:
            bind_torch()

    def __repr__(self) -> str:
        return f"Framework({self.name!r})"

    def array(self, x, dtype: str | None = None):
        """An input for the candidate: a NumPy array or a torch tensor (a copy; dtype kept unless given)."""
        x = _array(x, dtype=dtype, copy=True)
        if self.name == "torch":
            return _torch.from_numpy(x)
        return x

    def generator(self, seed: int):
        if self.name == "torch":
            return _torch.Generator().manual_seed(seed)
        return np.random.default_rng(seed)

    def dtype_name(self, value) -> str:
        return str(value.dtype).removeprefix("torch.")

    def to_numpy(self, value, what: str = "the output") -> np.ndarray:
        """The candidate's value as float64 NumPy, after checking it is of the user's framework."""
        if self.name == "torch":
            if isinstance(value, _tensor_type):
                return _tensor_to_numpy(value)
            expected = "a torch.Tensor"
        else:
            if isinstance(value, (_ndarray, _generic)):
                return _array(value, dtype=_float64)
            expected = "a NumPy array"
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return _array(value, dtype=_float64)
        fail(f"{what} is {type(value).__module__}.{type(value).__qualname__}; expected {expected}")


def _fmt_pair(got: float, want: float) -> tuple[str, str]:
    """Both numbers with as many significant digits as it takes to tell them apart (6 at least)."""
    for digits in range(6, 18):
        a, b = f"{got:.{digits}g}", f"{want:.{digits}g}"
        if a != b:
            break
    return a, b


def assert_close(
    actual: np.ndarray,
    expected,
    *,
    dtype: str = "float64",
    rtol: float | None = None,
    atol: float | None = None,
    what: str = "the output",
) -> None:
    """Like torch.testing.assert_close: |actual - expected| <= atol + rtol * |expected|, elementwise.

    `actual` comes from Framework.to_numpy; `dtype` is the candidate output's dtype and picks the
    default tolerances. NaN or inf must match the reference's exactly (and finite entries stay finite).
    """
    expected = _array(expected, dtype=_float64)
    default_rtol, default_atol = TOLERANCES.get(dtype, TOLERANCES["float64"])
    rtol = default_rtol if rtol is None else rtol
    atol = default_atol if atol is None else atol
    if actual.shape != expected.shape:
        fail(f"{what} has shape {tuple(actual.shape)}, expected {tuple(expected.shape)}")
    nonfinite = _logical_and_not_finite(actual, expected)
    if nonfinite is not None:
        idx, value = nonfinite
        fail(f"{what} is {value} at index {idx}, where the reference is {float(expected[idx])}")
    diff = _abs(_sub(actual, expected))
    bad = _logical_not(_le(diff, _add(atol, _mul(rtol, _abs(expected)))))
    bad = _logical_and_finite(bad, expected)
    count = int(bad.sum())
    if count:
        worst = _unravel(int((diff * bad).argmax()), diff.shape) if diff.ndim else ()
        idx = tuple(int(i) for i in worst)
        got, want = _fmt_pair(float(actual[idx]), float(expected[idx]))
        fail(
            f"{what} differs from the reference at {count} of {diff.size} entries; "
            f"worst at index {idx}: got {got}, expected {want}, off by {float(diff[idx]):.2g} "
            f"(allowed: {atol:g} + {rtol:g} * |expected|)"
        )


def _logical_and_finite(bad: np.ndarray, expected: np.ndarray) -> np.ndarray:
    return bad & _isfinite(expected)


def _logical_and_not_finite(actual: np.ndarray, expected: np.ndarray):
    """The first entry that is not finite where it should be, or not the NaN / inf the reference has."""
    finite = _isfinite(expected)
    wrong = _logical_not(_isfinite(actual)) & finite
    wrong |= _isnan(expected) & _logical_not(_isnan(actual))
    wrong |= _logical_not(finite) & _logical_not(_isnan(expected)) & (actual != expected)
    if wrong.any():
        idx = tuple(int(i) for i in _argwhere(wrong)[0])
        return idx, float(actual[idx])
    return None


def assert_equal(actual, expected, what: str = "the output") -> None:
    """Exact equality for integer results (token ids, lengths)."""
    actual = _array(actual)
    expected = _array(expected)
    if actual.shape != expected.shape:
        fail(f"{what} has shape {tuple(actual.shape)}, expected {tuple(expected.shape)}")
    bad = actual != expected
    if bad.any():
        idx = tuple(int(i) for i in _argwhere(bad)[0])
        fail(f"{what} differs at index {idx}: got {actual[idx].item()!r}, expected {expected[idx].item()!r}")


def assert_finite(actual: np.ndarray, what: str = "the output") -> None:
    if not _isfinite(actual).all():
        idx = tuple(int(i) for i in _argwhere(_logical_not(_isfinite(actual)))[0])
        fail(f"{what} is not finite ({float(actual[idx])}) at index {idx}")


def binomial_z(count: int, n: int, p: float) -> float:
    """How many standard deviations an observed count is from its expectation under Binomial(n, p)."""
    if p <= 0 or p >= 1:
        return 0.0 if count == round(n * p) else math.inf
    return (count - n * p) / math.sqrt(n * p * (1 - p))
