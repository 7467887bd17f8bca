"""Hidden suite for `beam_search`. The model is a deterministic Python callable over NumPy log-probs."""

import math
import operator

import numpy as np
from hypothesis import Phase, given, settings, strategies as st

from postprep.drills.harness import assert_close, assert_equal, check, fail

# No shrinking: the failure messages already name the hypotheses, and a wrong answer must fail fast.
SETTINGS = settings(
    derandomize=True, deadline=None, database=None, max_examples=60,
    phases=[Phase.explicit, Phase.generate],
)
NEG_INF = -math.inf
PENALTIES = [0.0, 0.6, 1.0, 2.0]


class Model:
    """A toy language model: next-token log-probs are a fixed function of the prefix.

    Either a hand-written table {prefix: probabilities}, or random log-softmax rows drawn from a
    generator seeded by (seed, prefix). Every call is recorded so the suite can check which
    prefixes the search asked about.
    """

    def __init__(self, vocab, seed=0, table=None, scale=1.0, eos=None, eos_bias=0.0, ban=0.0):
        self.vocab, self.seed, self.scale = vocab, seed, scale
        self.eos, self.eos_bias, self.ban = eos, eos_bias, ban
        self.rows = {}
        if table is not None:
            with np.errstate(divide="ignore"):
                self.rows = {tuple(k): np.log(np.asarray(v, dtype=np.float64)) for k, v in table.items()}
        self.random = table is None
        self.calls = []
        self.bad_calls = []

    def row(self, prefix):
        if prefix not in self.rows:
            if not self.random:
                return None
            rng = np.random.default_rng([self.seed, len(prefix), *prefix])
            logits = rng.standard_normal(self.vocab) * self.scale
            if self.eos is not None:
                logits[self.eos] += self.eos_bias
            if self.ban:
                banned = rng.random(self.vocab) < self.ban
                banned[rng.integers(self.vocab)] = False  # at least one possible token
                logits[banned] = NEG_INF
            top = logits.max()
            self.rows[prefix] = logits - (top + math.log(np.exp(logits - top).sum()))
        return self.rows[prefix]

    def __call__(self, prefix):
        try:
            key = tuple(operator.index(t) for t in prefix)
        except TypeError:
            self.bad_calls.append(f"next_log_probs was called with {prefix!r}; expected a list of int token ids")
            raise
        self.calls.append(key)
        row = self.row(key)
        if row is None:
            self.bad_calls.append(f"next_log_probs was called with the prefix {list(key)}, which this search should never expand "
                                  "(it is not among the live hypotheses)")
            return np.full(self.vocab, NEG_INF)
        return row.copy()

    def total(self, tokens):
        """Summed log-prob of the generated tokens (bos excluded), straight from the model."""
        return sum(float(self.row(tuple(tokens[:i]))[tokens[i]]) for i in range(1, len(tokens)))


def reference(model, bos, eos, beam_width, max_len, length_penalty=1.0):
    """The prompt's algorithm, step by step, with plain Python lists."""
    live = [((bos,), 0.0)]
    finished = []
    width = beam_width
    steps = 0
    while steps < max_len and width > 0 and live:
        candidates = []
        for tokens, total in live:
            row = model.row(tokens)
            for token in range(model.vocab):
                if row[token] != NEG_INF:
                    candidates.append((total + float(row[token]), tokens + (token,)))
        candidates.sort(key=lambda c: -c[0])
        live = []
        for total, tokens in candidates[:width]:
            if tokens[-1] == eos:
                finished.append((tokens, total))
                width -= 1
            else:
                live.append((tokens, total))
        steps += 1
    finished += live
    scored = [(list(t), s / (len(t) - 1) ** length_penalty) for t, s in finished]
    scored.sort(key=lambda r: -r[1])
    return scored


def greedy(model, bos, eos, max_len):
    tokens = [bos]
    while len(tokens) - 1 < max_len and tokens[-1] != eos:
        tokens.append(int(np.argmax(model.row(tuple(tokens)))))
    return tokens


def run(impl, model, bos, eos, beam_width, max_len, length_penalty=None):
    """Calls the user's beam_search, checks the calls it made and the shape of its answer."""
    kwargs = {} if length_penalty is None else {"length_penalty": length_penalty}
    out = impl.beam_search(model, bos, eos, beam_width, max_len, **kwargs)
    for prefix in model.calls:
        if not prefix or prefix[0] != bos:
            fail(f"next_log_probs was called with the prefix {list(prefix)}, which does not start with bos_id={bos}")
        if eos in prefix:
            fail(f"next_log_probs was called with the finished prefix {list(prefix)} (it contains eos_id={eos}); "
                 "finished hypotheses must not be expanded")
        if len(prefix) > max_len:
            fail(f"next_log_probs was called with the prefix {list(prefix)}, which already has {len(prefix) - 1} "
                 f"generated token(s): with max_len={max_len} it must not be expanded")
    if model.bad_calls:
        fail(model.bad_calls[0])
    if isinstance(out, (str, bytes)) or not hasattr(out, "__len__"):
        fail(f"beam_search returned {type(out).__name__}; expected a list of (tokens, score) pairs")
    results = []
    for i, item in enumerate(out):
        try:
            tokens, score = item
        except (TypeError, ValueError):
            fail(f"result #{i} is {item!r}; expected a (tokens, score) pair")
        try:
            tokens = [operator.index(t) for t in tokens]
        except TypeError:
            fail(f"result #{i} has tokens {tokens!r}; expected a list of int token ids")
        try:
            score = float(score)
        except (TypeError, ValueError):
            fail(f"result #{i} has score {score!r}; expected a float")
        results.append((tokens, score))
    return results


def compare(got, expected, what="the results"):
    got_tokens = [t for t, _ in got]
    want_tokens = [t for t, _ in expected]
    check(len(got) == len(expected),
          f"{what}: got {len(got)} hypotheses {got_tokens}, expected {len(expected)}: {want_tokens}")
    for i, ((tokens, score), (want, want_score)) in enumerate(zip(got, expected)):
        check(tokens == want, f"{what}: hypothesis #{i} (best first) is {tokens}, expected {want} "
                              f"(all expected, best first: {want_tokens})")
        assert_close(np.array(score), want_score, what=f"{what}: the score of {tokens}")


def random_model(data, vocab_range=(3, 6), ban=False):
    vocab = data.draw(st.integers(*vocab_range), label="vocab")
    bos, eos = data.draw(st.lists(st.integers(0, vocab - 1), min_size=2, max_size=2, unique=True), label="bos, eos")
    model = Model(
        vocab,
        seed=data.draw(st.integers(0, 2**20), label="seed"),
        scale=data.draw(st.sampled_from([1.0, 3.0]), label="scale"),
        eos=eos,
        eos_bias=data.draw(st.sampled_from([-1.0, 0.0, 1.0, 2.0]), label="eos_bias"),
        ban=data.draw(st.sampled_from([0.0, 0.4]), label="ban") if ban else 0.0,
    )
    return model, bos, eos


# The prompt's worked example: bos=0, eos=1, tokens 2 and 3.
EXAMPLE = {
    (0,): [0.0, 0.1, 0.5, 0.4],
    (0, 2): [0.0, 0.6, 0.1, 0.3],
    (0, 3): [0.0, 0.2, 0.7, 0.1],
    (0, 3, 2): [0.0, 0.9, 0.05, 0.05],
}


def test_worked_example_default_penalty(impl):
    """The prompt's worked example: beam_width=2, max_len=3, default length_penalty (1.0)."""
    got = run(impl, Model(4, table=EXAMPLE), 0, 1, 2, 3)
    compare(got, [([0, 3, 2, 1], math.log(0.252) / 3), ([0, 2, 1], math.log(0.3) / 2)])


def test_worked_example_no_penalty(impl):
    """The worked example with length_penalty=0: the raw summed log-prob ranks the short one first."""
    got = run(impl, Model(4, table=EXAMPLE), 0, 1, 2, 3, 0.0)
    compare(got, [([0, 2, 1], math.log(0.3)), ([0, 3, 2, 1], math.log(0.252))])


def test_worked_example_cut_at_max_len(impl):
    """The worked example with max_len=2: the live [0, 3, 2] counts as finished with 2 generated tokens."""
    got = run(impl, Model(4, table=EXAMPLE), 0, 1, 2, 2, 1.0)
    compare(got, [([0, 2, 1], math.log(0.3) / 2), ([0, 3, 2], math.log(0.28) / 2)])


def test_length_penalty_changes_ranking(impl):
    """length_penalty=2.0 divides by length squared: scores and ranking follow the stated formula."""
    got = run(impl, Model(4, table=EXAMPLE), 0, 1, 2, 3, 2.0)
    compare(got, [([0, 3, 2, 1], math.log(0.252) / 9), ([0, 2, 1], math.log(0.3) / 4)])


def test_results_are_pairs_starting_with_bos(impl):
    """Every result is a (tokens, score) pair whose tokens start with bos_id."""
    model = Model(5, seed=11, eos=4, eos_bias=1.0)
    got = run(impl, model, 2, 4, 3, 4, 1.0)
    check(len(got) > 0, "beam_search returned no hypotheses")
    for tokens, _ in got:
        check(len(tokens) >= 2 and tokens[0] == 2,
              f"hypothesis {tokens} should start with bos_id=2 and have at least one generated token")


def test_sorted_best_score_first(impl):
    """The results are sorted by score, best (highest) first."""
    for seed in range(6):
        model = Model(5, seed=100 + seed, eos=0, eos_bias=1.0)
        got = run(impl, model, 1, 0, 4, 5, 0.6)
        scores = [s for _, s in got]
        check(all(a >= b for a, b in zip(scores, scores[1:])),
              f"the scores are not in descending order: {[round(s, 6) for s in scores]}")


def test_finished_end_with_eos_or_reach_max_len(impl):
    """Each hypothesis ends with eos_id (and contains no other) or, without eos, has exactly max_len generated tokens."""
    for seed in range(6):
        model = Model(4, seed=200 + seed, eos=3, eos_bias=0.5)
        max_len = 2 + seed % 3
        got = run(impl, model, 0, 3, 3, max_len, 1.0)
        for tokens, _ in got:
            generated = tokens[1:]
            if generated and generated[-1] == 3:
                check(3 not in generated[:-1], f"hypothesis {tokens} continues after eos_id=3")
                check(len(generated) <= max_len, f"hypothesis {tokens} has more than max_len={max_len} generated tokens")
            else:
                check(len(generated) == max_len,
                      f"hypothesis {tokens} does not end with eos_id=3 yet has {len(generated)} generated tokens, "
                      f"not max_len={max_len}")


def test_returns_beam_width_distinct_hypotheses(impl):
    """Without impossible tokens and with vocab >= beam_width, exactly beam_width distinct hypotheses come back."""
    for seed, (vocab, width, max_len) in enumerate([(4, 4, 3), (5, 3, 5), (6, 2, 4), (3, 3, 5), (6, 4, 2)]):
        model = Model(vocab, seed=300 + seed, eos=vocab - 1, eos_bias=1.0)
        got = run(impl, model, 0, vocab - 1, width, max_len, 1.0)
        tokens = [tuple(t) for t, _ in got]
        check(len(set(tokens)) == len(tokens), f"some hypotheses are returned twice: {[list(t) for t in tokens]}")
        check(len(got) == width, f"got {len(got)} hypotheses with beam_width={width}, expected {width}: "
                                 f"{[list(t) for t in tokens]}")


def test_scores_match_the_model(impl):
    """Each score equals the model's summed log-prob of the generated tokens / (generated tokens) ** length_penalty."""
    for seed, penalty in enumerate(PENALTIES):
        model = Model(5, seed=400 + seed, eos=2, eos_bias=1.0)
        got = run(impl, model, 0, 2, 3, 4, penalty)
        for tokens, score in got:
            if len(tokens) < 2:
                fail(f"hypothesis {tokens} has no generated token")
            expected = model.total(tokens) / (len(tokens) - 1) ** penalty
            assert_close(np.array(score), expected,
                         what=f"the score of {tokens} with length_penalty={penalty}")


def test_default_length_penalty_is_one(impl):
    """Leaving out length_penalty is the same as length_penalty=1.0."""
    model = Model(5, seed=500, eos=4, eos_bias=1.5)
    compare(run(impl, model, 0, 4, 3, 4), reference(model, 0, 4, 3, 4, 1.0), "with the default length_penalty")


def test_eos_as_best_first_token(impl):
    """When eos is the most likely first token, [bos, eos] is among the results with score log p(eos)."""
    model = Model(4, seed=600, eos=1, eos_bias=6.0)
    got = run(impl, model, 0, 1, 2, 3, 1.0)
    found = [s for t, s in got if t == [0, 1]]
    check(len(found) == 1, f"[0, 1] (bos then eos) should be returned once; got {[t for t, _ in got]}")
    assert_close(np.array(found[0]), float(model.row((0,))[1]), what="the score of [0, 1]")
    compare(got, reference(model, 0, 1, 2, 3, 1.0))


def test_max_len_one(impl):
    """max_len=1: one step only, every hypothesis has exactly one generated token."""
    model = Model(5, seed=700, eos=3, eos_bias=0.5)
    compare(run(impl, model, 0, 3, 3, 1, 1.0), reference(model, 0, 3, 3, 1, 1.0), "with max_len=1")


def test_each_finished_hypothesis_shrinks_the_beam(impl):
    """A model that favours eos: hypotheses finish early, each one lowering the width, until none is left."""
    for seed in range(4):
        model = Model(4, seed=800 + seed, eos=3, eos_bias=1.5)
        compare(run(impl, model, 0, 3, 3, 5, 1.0), reference(model, 0, 3, 3, 5, 1.0))


def test_impossible_tokens_are_never_kept(impl):
    """-inf log-probs are impossible tokens: never kept, so fewer than width hypotheses may survive a step."""
    table = {
        (0,): [0.0, 0.0, 0.0, 1.0],  # only token 3 is possible
        (0, 3): [0.0, 0.5, 0.5, 0.0],  # eos=1 or token 2
        (0, 3, 2): [0.0, 1.0, 0.0, 0.0],  # only eos
    }
    got = run(impl, Model(4, table=table), 0, 1, 3, 4, 1.0)
    compare(got, [([0, 3, 2, 1], math.log(0.5) / 3), ([0, 3, 1], math.log(0.5) / 2)], "with impossible tokens")


def test_impossible_tokens_when_all_that_remains_is_eos(impl):
    """When every continuation has ended in eos, the search returns the finished ones even with room left in the beam."""
    table = {
        (5,): [0.2, 0.0, 0.0, 0.0, 0.0, 0.0, 0.8],
        (5, 6): [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0],
        (5, 6, 6): [0.3, 0.0, 0.7, 0.0, 0.0, 0.0, 0.0],
        (5, 6, 6, 2): [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    }
    got = run(impl, Model(7, table=table), 5, 0, 4, 6, 0.0)
    compare(got, [([5, 6, 6, 2, 0], math.log(0.8 * 0.7)), ([5, 6, 6, 0], math.log(0.8 * 0.3)), ([5, 0], math.log(0.2))],
            "with impossible tokens")


def test_peaked_model_no_underflow(impl):
    """Very peaked models (log-probs thousands below zero) keep exact summed log-probs: no underflow."""
    for seed in range(4):
        model = Model(5, seed=900 + seed, scale=2000.0, eos=4, eos_bias=1000.0 * (seed % 2))
        got = run(impl, model, 0, 4, 3, 4, 1.0)
        for tokens, score in got:
            check(math.isfinite(score), f"the score of {tokens} is {score}; summed log-probs stay finite")
        compare(got, reference(model, 0, 4, 3, 4, 1.0), "with a very peaked model")


def test_float64_inputs_keep_float64_precision(impl):
    """The model's float64 log-probs are summed in float64: scores match the definition to ~1e-10, not float32's ~1e-7."""
    for seed, penalty in enumerate((1.0, 0.6)):
        model = Model(6, seed=1000 + seed, scale=30.0, eos=5, eos_bias=20.0)
        got = run(impl, model, 0, 5, 3, 5, penalty)
        expected = reference(model, 0, 5, 3, 5, penalty)
        compare(got, expected, f"with length_penalty={penalty}")
        for (tokens, score), (_, want) in zip(got, expected):
            assert_close(np.array(score), want, rtol=1e-10, atol=1e-12,
                         what=f"the score of {tokens} with length_penalty={penalty} (log-probs or sums kept in float32, "
                              "e.g. np.float32 arrays, are off by about 1e-7 relative)")

@SETTINGS
@given(data=st.data(), max_len=st.integers(1, 5))
def test_beam_width_one_is_greedy(impl, data, max_len):
    """beam_width=1 is greedy decoding: the argmax token each step, until eos or max_len."""
    model, bos, eos = random_model(data)
    penalty = data.draw(st.sampled_from(PENALTIES), label="length_penalty")
    got = run(impl, model, bos, eos, 1, max_len, penalty)
    tokens = greedy(model, bos, eos, max_len)
    check(len(got) == 1, f"beam_width=1 should return one hypothesis; got {len(got)}: {[t for t, _ in got]}")
    assert_equal(np.array(got[0][0]), np.array(tokens), what="the greedy hypothesis")
    assert_close(np.array(got[0][1]), model.total(tokens) / (len(tokens) - 1) ** penalty, what="its score")


@SETTINGS
@given(data=st.data(), beam_width=st.integers(1, 4), max_len=st.integers(1, 5))
def test_matches_plain_reference(impl, data, beam_width, max_len):
    """On many random toy models, widths, lengths and penalties, agrees with a plain step-by-step beam search."""
    model, bos, eos = random_model(data)
    penalty = data.draw(st.sampled_from(PENALTIES), label="length_penalty")
    got = run(impl, model, bos, eos, beam_width, max_len, penalty)
    compare(got, reference(model, bos, eos, beam_width, max_len, penalty))


@SETTINGS
@given(data=st.data(), beam_width=st.integers(1, 4), max_len=st.integers(1, 5))
def test_matches_plain_reference_with_impossible_tokens(impl, data, beam_width, max_len):
    """Random toy models where some tokens are impossible (-inf) still agree with the plain beam search."""
    model, bos, eos = random_model(data, ban=True)
    penalty = data.draw(st.sampled_from(PENALTIES), label="length_penalty")
    got = run(impl, model, bos, eos, beam_width, max_len, penalty)
    compare(got, reference(model, bos, eos, beam_width, max_len, penalty), "with impossible tokens")
