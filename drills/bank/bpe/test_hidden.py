"""Hidden suite for `bpe` (plain Python). References are plain loops written from the prompt's rules.

encode: the prompt accepts the in-order replay of the merges and GPT-2's lowest-rank-first loop;
the suite compares with both and accepts either (they agree on every input here).
"""

from collections import Counter

from hypothesis import Phase, given, settings, strategies as st

from postprep.drills.harness import check, fail

# No shrinking: a failing case is reported as generated (shrinking costs seconds per failing test).
SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=30, phases=[Phase.explicit, Phase.generate])
TOY = "low " * 5 + "lower " * 2 + "newest " * 6 + "widest " * 3


# ---------------------------------------------------------------- references


def merge_word(symbols, pair):
    a, b = pair
    out, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and symbols[i] == a and symbols[i + 1] == b:
            out.append(a + b)
            i += 2
        else:
            out.append(symbols[i])
            i += 1
    return out


def spec_learn(corpus, num_merges, min_frequency=2):
    freq = Counter(corpus.split())
    segs = {w: list(w) for w in freq}
    merges = []
    while len(merges) < num_merges:
        counts = Counter()
        for w, f in freq.items():
            s = segs[w]
            for i in range(len(s) - 1):
                counts[(s[i], s[i + 1])] += f
        if not counts:
            break
        best = max(counts.values())
        if best < min_frequency:
            break
        pair = max(p for p, c in counts.items() if c == best)
        merges.append(pair)
        for w in segs:
            segs[w] = merge_word(segs[w], pair)
    return merges


def spec_encode(text, merges):
    """The merges replayed in order, word by word."""
    out = []
    for w in text.split():
        s = list(w)
        for p in merges:
            s = merge_word(s, p)
        out.append(s)
    return out


def spec_encode_by_rank(text, merges):
    """GPT-2's loop: merge the present pair of lowest rank until none is in the merges."""
    rank = {}
    for i, p in enumerate(merges):
        rank.setdefault(tuple(p), i)
    out = []
    for w in text.split():
        s = list(w)
        while len(s) > 1:
            ranked = [(rank[(x, y)], (x, y)) for x, y in zip(s, s[1:]) if (x, y) in rank]
            if not ranked:
                break
            s = merge_word(s, min(ranked)[1])
        out.append(s)
    return out


# ---------------------------------------------------------------- calling the user's code


def learn(impl, corpus, num_merges, min_frequency=None):
    args = (corpus, num_merges) if min_frequency is None else (corpus, num_merges, min_frequency)
    out = impl.learn_bpe(*args)
    what = "learn_bpe's result"
    check(isinstance(out, (list, tuple)), f"{what} is {type(out).__name__}; expected a list of pairs (a, b)")
    merges = []
    for i, p in enumerate(out):
        ok = isinstance(p, (list, tuple)) and len(p) == 2 and all(isinstance(x, str) for x in p)
        check(ok, f"{what}[{i}] is {p!r}; expected a pair (a, b) of two strings")
        merges.append((p[0], p[1]))
    return merges


def encode(impl, text, merges):
    out = impl.encode(text, merges)
    what = f"encode({text!r}, ...)"
    check(isinstance(out, (list, tuple)), f"{what} returned {type(out).__name__}; expected a list with one list of symbols per word")
    segs = []
    for i, s in enumerate(out):
        ok = isinstance(s, (list, tuple)) and all(isinstance(x, str) for x in s)
        check(ok, f"{what}[{i}] is {s!r}; expected a list of strings (the symbols of word {i})")
        segs.append(list(s))
    return segs


def expect_merges(impl, corpus, num_merges, min_frequency=None, label=None):
    got = learn(impl, corpus, num_merges, min_frequency)
    expected = spec_learn(corpus, num_merges, 2 if min_frequency is None else min_frequency)
    if got != expected:
        call = label or f"learn_bpe({corpus!r}, {num_merges}" + ("" if min_frequency is None else f", min_frequency={min_frequency}") + ")"
        n = next((i for i, (g, e) in enumerate(zip(got, expected)) if g != e), min(len(got), len(expected)))
        detail = (
            f"merge {n} is {got[n]!r}, expected {expected[n]!r}" if n < min(len(got), len(expected))
            else f"it learned {len(got)} merges, expected {len(expected)}"
        )
        fail(f"{call}: {detail}; got {got}, expected {expected}")
    return got


def expect_encoding(impl, text, merges):
    got = encode(impl, text, merges)
    in_order, by_rank = spec_encode(text, merges), spec_encode_by_rank(text, merges)
    if got not in (in_order, by_rank):
        words = text.split()
        if len(got) != len(words):
            fail(f"encode({text!r}, merges) returned {len(got)} words, expected {len(words)} (the words of text.split()); got {got}")
        i = next(i for i, (g, e) in enumerate(zip(got, in_order)) if g != e)
        fail(f"encode({text!r}, {merges}) segments the word {words[i]!r} as {got[i]}, expected {in_order[i]}")
    return got


# ---------------------------------------------------------------- learn_bpe


def test_worked_example(impl):
    """The prompt's example: the toy vocabulary's 6 merges (with ties) and its encodings."""
    merges = expect_merges(impl, TOY, 6, label="learn_bpe(toy corpus, 6)")
    got = encode(impl, "lowest newer lows", merges)
    expected = [["low", "est"], ["ne", "w", "e", "r"], ["low", "s"]]
    check(got == expected, f"encode('lowest newer lows', merges) is {got}, expected {expected}")
    got = encode(impl, "lowß", merges)
    check(got == [["low", "ß"]], f"encode('lowß', merges) is {got}, expected [['low', 'ß']]")
    expect_merges(impl, TOY, 100, label="learn_bpe(toy corpus, 100)")


def test_small_examples(impl):
    """The prompt's small cases: 'aaa aaa b', and 'ab cd' with the default and with min_frequency=1."""
    expect_merges(impl, "aaa aaa b", 10)
    expect_merges(impl, "ab cd", 10)
    expect_merges(impl, "ab cd", 10, 1)


def test_ties_go_to_largest_pair(impl):
    """Pairs with equal counts: the largest pair in tuple (code point) order is merged first."""
    cases = [
        "Bz Bz aa aa",            # ('a', 'a') > ('B', 'z')
        "xa xa xb xb ya ya",      # same first symbol: ('y', 'a') then ('x', 'b') > ('x', 'a')
        "ab ab bc bc abc",        # ('b', 'c') > ('a', 'b') at 3 each
        "abcd abcd bcd bcd",      # ties between pairs that share a symbol, several rounds
        "éa éa ea ea za za",      # non-ASCII: ('é', 'a') > ('z', 'a') > ('e', 'a')
    ]
    for corpus in cases:
        expect_merges(impl, corpus, 10, 1)
        expect_merges(impl, corpus, 10)


def test_counts_weighted_by_word_frequency(impl):
    """A word occurring f times counts f times: repeated words beat many distinct rare ones."""
    expect_merges(impl, "ab ab ab ab ab cde cdf cdg", 3)
    expect_merges(impl, "xy " * 4 + "pqr pqs pqt", 2, 1)
    expect_merges(impl, "the the the then them", 5)


def test_overlapping_pairs(impl):
    """Overlapping positions all count ('aaa' adds 2 to (a, a)), and merges scan left to right."""
    expect_merges(impl, "aaa aaa b", 10)           # [a, a, a] -> [aa, a], then (aa, a)
    expect_merges(impl, "zzzz ab ab ab", 1)        # (z, z) counts 3 and wins the tie at 3
    expect_merges(impl, "aaaa aaaa", 10)           # [aa, aa], then (aa, aa)
    expect_merges(impl, "aaaaa aaaaa", 10)         # [aa, aa, a]
    expect_merges(impl, "baaa baaa aab", 10, 1)


def test_only_adjacent_symbols_merge(impl):
    """A pair matches whole adjacent symbols only: (e, s) does not occur in the symbols he, s."""
    expect_merges(impl, "he he he he he hes hes es es es", 5)
    expect_merges(impl, "ab ab ab abc abc bc bc bc bc", 5)
    expect_encoding(impl, "hes ehes", [("h", "e"), ("e", "s")])
    expect_encoding(impl, "abc cabc", [("a", "b"), ("b", "c"), ("c", "a")])


def test_num_merges_caps_the_list(impl):
    """num_merges = 0, 1, 3, ...: exactly that many merges while pairs remain, a prefix of the longer run."""
    full = spec_learn(TOY, 100)
    for n in [0, 1, 3, 7, len(full), len(full) + 5]:
        got = expect_merges(impl, TOY, n, label=f"learn_bpe(toy corpus, {n})")
        check(got == full[:n], f"learn_bpe(toy corpus, {n}) is not the first {n} merges of the full run")


def test_min_frequency_stops_training(impl):
    """Training stops when the best pair occurs fewer than min_frequency times (default 2)."""
    expect_merges(impl, "ab cd ef", 10)                 # every pair once: no merge
    expect_merges(impl, "abcdef", 10)                   # one word seen once: no merge
    expect_merges(impl, "ab ab", 10)                    # count 2 == min_frequency: merged
    expect_merges(impl, "ab ab abc abc abc xyz", 10, 3)
    expect_merges(impl, "ab ab abc abc abc xyz", 10, 1)  # down to one symbol per word
    expect_merges(impl, "ab ab abc abc abc xyz", 10, 5)


def test_words_split_on_any_whitespace(impl):
    """Words are corpus.split(): tabs, newlines and runs of spaces separate words and never join them."""
    expect_merges(impl, "ab\tab\nab  cd\r\ncd \n", 10)
    expect_merges(impl, "  a b\ta b\n\na b  ", 10, 1)
    expect_merges(impl, "xy\nxy\nxy\tz z", 10)
    expect_merges(impl, "", 5)
    expect_merges(impl, " \n\t ", 5)
    expect_merges(impl, "a b c a", 5, 1)


CHARS = "aabbcBé"
WORDS = st.text(alphabet=CHARS, min_size=1, max_size=6)
SEPARATORS = st.sampled_from([" ", " ", " ", "  ", "\t", "\n"])


def corpora():
    pairs = st.lists(st.tuples(WORDS, SEPARATORS), min_size=0, max_size=10)
    return pairs.map(lambda ws: "".join(w + s for w, s in ws))


@SETTINGS
@given(corpus=corpora(), num_merges=st.integers(0, 14), min_frequency=st.sampled_from([1, 2, 2, 3]))
def test_matches_plain_loop_spec(impl, corpus, num_merges, min_frequency):
    """On many random small corpora, the merges equal a plain-loop implementation of the rules."""
    expect_merges(impl, corpus, num_merges, min_frequency)


# ---------------------------------------------------------------- encode


@SETTINGS
@given(corpus=corpora(), text=st.text(alphabet=CHARS + "dx \n", max_size=24), num_merges=st.integers(0, 14))
def test_encode_matches_spec(impl, corpus, text, num_merges):
    """On random corpora and texts (with unseen characters), encode replays the learned merges correctly."""
    merges = spec_learn(corpus, num_merges, 1)
    got = expect_encoding(impl, text, merges)
    words = text.split()
    for w, s in zip(words, got):
        check("".join(s) == w, f"the symbols {s} of the word {w!r} do not join back to the word")


def test_encode_applies_merges_in_order(impl):
    """The same merges in another order give another segmentation: the list order is the priority."""
    expect_encoding(impl, "abc", [("a", "b"), ("b", "c")])      # [ab, c]
    expect_encoding(impl, "abc", [("b", "c"), ("a", "b")])      # [a, bc]
    expect_encoding(impl, "abcabc", [("b", "c"), ("a", "bc"), ("a", "b"), ("abc", "abc")])
    expect_encoding(impl, "aaaaa", [("a", "a"), ("aa", "a")])   # [aa, aa, a] -> [aa, aaa]
    expect_encoding(impl, "aaaaa", [("a", "a"), ("aa", "aa")])  # [aaaa, a]


def test_encode_words_and_unknown_characters(impl):
    """One symbol list per word, in order; unseen characters stay single symbols, nothing is dropped."""
    merges = spec_learn(TOY, 100)
    expect_encoding(impl, "lowest\tnewest\n\nwidest  lower", merges)
    expect_encoding(impl, "l0w3st? ñew ∑ lowlow", merges)
    expect_encoding(impl, "  ", merges)
    expect_encoding(impl, "", merges)
    expect_encoding(impl, "unknown words here", [])
    got = encode(impl, "zq!", merges)
    check(got == [["z", "q", "!"]], f"encode('zq!', merges) is {got}; characters never seen in training stay as single symbols: [['z', 'q', '!']]")


def test_encode_reproduces_training_segmentation(impl):
    """Encoding the training words with all learned merges gives the final training segmentation."""
    corpus = "hug hug hug pug pun pun bun hugs hugs " * 2 + "thug hugger"
    merges = spec_learn(corpus, 50)
    got = expect_encoding(impl, corpus, merges)
    check(all("".join(s) == w for s, w in zip(got, corpus.split())), "some word's symbols do not join back to the word")


def test_inputs_not_modified(impl):
    """encode does not modify the merges it is given; learn_bpe's result is a fresh list."""
    merges = [("s", "t"), ("e", "st"), ("o", "w"), ("l", "ow")]
    given_ = list(merges)
    encode(impl, "lowest slow", given_)
    check(given_ == merges, f"encode modified the merges list: it is now {given_}")
    as_lists = [list(m) for m in merges]  # pairs written as 2-item lists stay lists
    encode(impl, "lowest slow", as_lists)
    check(as_lists == [list(m) for m in merges] and all(type(m) is list for m in as_lists),
          f"encode modified merges given as 2-item lists: they are now {as_lists}")
    first = learn(impl, "ab ab cd cd", 5)
    first.clear()
    second = learn(impl, "ab ab cd cd", 5)
    check(second == [("c", "d"), ("a", "b")], f"a second call to learn_bpe gave {second}; expected [('c', 'd'), ('a', 'b')] (no state kept between calls)")


def test_invalid_arguments_raise_value_error(impl):
    """num_merges < 0 or min_frequency < 1 raise ValueError."""
    for args, label in [(("ab ab", -1), "num_merges=-1"), (("ab ab", 3, 0), "min_frequency=0"), (("ab ab", 3, -2), "min_frequency=-2")]:
        try:
            impl.learn_bpe(*args)
        except ValueError:
            continue
        except Exception as exc:  # noqa: BLE001 - the wrong kind of error is the finding
            fail(f"learn_bpe with {label} raised {type(exc).__name__}: {exc}; expected ValueError")
        fail(f"learn_bpe with {label} returned without raising ValueError")
