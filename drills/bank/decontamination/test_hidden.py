"""Hidden suite for `decontamination` (plain Python): designed cases, a brute-force spec on random
texts, the two boundary properties, and a timing check against a hash-set scan."""

import operator
import random
import string
import threading
import time

from hypothesis import Phase, given, settings, strategies as st

from postprep.drills.harness import check, fail

SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=40,
                    phases=[Phase.explicit, Phase.generate])
PUNCT = set(string.punctuation)


def spec_tokens(text):
    out = []
    for word in text.lower().split():
        word = "".join(ch for ch in word if ch not in PUNCT)
        if word:
            out.append(word)
    return out


def contains(doc, part):
    """True if the token list `part` occurs consecutively in `doc`."""
    return any(doc[i:i + len(part)] == part for i in range(len(doc) - len(part) + 1))


def spec(train_docs, benchmark, n):
    """The flagging rule with plain loops: every document against every benchmark example."""
    flagged = []
    for index, doc in enumerate(train_docs):
        d = spec_tokens(doc)
        hit = False
        for item in benchmark:
            b = spec_tokens(item)
            if len(b) >= n:
                hit = hit or any(contains(d, b[i:i + n]) for i in range(len(b) - n + 1))
            elif b:
                hit = hit or contains(d, b)
        if hit:
            flagged.append(index)
    return flagged


def fast_spec(train_docs, benchmark, n):
    """The same rule with hash sets (used for timing)."""
    keys = {}
    for item in benchmark:
        b = spec_tokens(item)
        if len(b) >= n:
            keys.setdefault(n, set()).update(tuple(b[i:i + n]) for i in range(len(b) - n + 1))
        elif b:
            keys.setdefault(len(b), set()).add(tuple(b))
    out = []
    for index, doc in enumerate(train_docs):
        d = spec_tokens(doc)
        if any(tuple(d[i:i + m]) in grams for m, grams in keys.items() for i in range(len(d) - m + 1)):
            out.append(index)
    return out


def run(impl, train_docs, benchmark, n=None):
    out = impl.find_contaminated(train_docs, benchmark) if n is None else impl.find_contaminated(train_docs, benchmark, n)
    if isinstance(out, (str, bytes, dict, set, frozenset)) or not hasattr(out, "__iter__"):
        fail(f"find_contaminated returned {type(out).__name__}; expected a list of document indices")
    try:
        got = [operator.index(i) for i in out]
    except TypeError:
        fail(f"find_contaminated returned {out!r}; expected a list of int document indices")
    check(got == sorted(set(got)), f"the indices {got} are not in increasing order, each once")
    return got


def expect(impl, train_docs, benchmark, n, want, what=""):
    got = run(impl, train_docs, benchmark, n)
    check(got == want, f"{what}flagged documents {got}, expected {want} (n={n})")


def test_worked_example(impl):
    """The prompt's example: punctuation inside a word, a short benchmark example, n = 8 and n = 3."""
    bench = ["Which planet is known as the Red Planet? Mars.", "Capital of France?"]
    docs = [
        "Quiz night! which PLANET is known as the red-planet... it's Mars.",
        "Mars is red. Which planet is known as the Red?",
        "The capital of France? Paris, of course.",
        "capital of\nfrance",
        "Capital of Spain?",
    ]
    expect(impl, docs, bench, 8, [2, 3])
    expect(impl, docs, bench, 3, [0, 1, 2, 3])


def test_tokenisation(impl):
    """Lowercase, any whitespace, punctuation (the underscore included) deleted inside words, punctuation-only words dropped."""
    bench = ["Don't stop believing, hold on to that feeling!"]  # 8 tokens
    docs = [
        "DONT STOP\tbelieving hold\non to that FEELING",           # 0: same tokens
        "don t stop believing hold on to that feeling",            # 1: 'don t' is two tokens
        "Don't -- stop ... believing ; hold on to (that) feeling",  # 2: punctuation-only words vanish
        "don't stop believing hold on to this feeling",            # 3: one word differs
        "«don't» stop believing hold on to that feeling",          # 4: « » are not ASCII punctuation
    ]
    expect(impl, docs, bench, 8, [0, 2])
    expect(impl, docs, bench, 7, [0, 1, 2, 4], "with n=7: ")
    # '_' is in string.punctuation: 'my_func(x)' is the one token 'myfuncx'
    expect(impl, ["call myfuncx now", "call my_funcx now", "call my func x now"],
           ["Call my_func(x) now"], 3, [0, 1], "an underscore is punctuation: ")


def test_short_benchmark_examples_count_whole(impl):
    """An example with fewer than n tokens flags documents containing all its tokens in a row (tokens, not characters)."""
    bench = ["Paris", "New York City", "?!", ""]
    docs = [
        "I moved to new york city last year",   # 0: contains 'new york city'
        "new york is a city",                    # 1: not consecutive
        "city york new",                         # 2: wrong order
        "comparison of parisian cafes",          # 3: 'paris' only inside another token
        "PARIS.",                                # 4: token 'paris'
        "what?! no way",                         # 5: '?!' has no token: ignored
        "",                                      # 6: empty document
    ]
    expect(impl, docs, bench, 13, [0, 4])
    expect(impl, docs, ["cat"], 13, [], "the example 'cat' against 'concatenate': ")
    expect(impl, ["concatenate strings", "the Cat sat"], ["cat"], 13, [1])


def test_short_documents(impl):
    """A document with fewer than n tokens is not flagged by a long example, even when all its words appear in it."""
    bench = ["one two three four five six seven eight nine ten"]
    docs = ["two three four", "one two three four five", "five six seven eight nine ten", "zero one two three four five"]
    expect(impl, docs, bench, 6, [2])
    expect(impl, docs, bench, 5, [1, 2, 3])
    expect(impl, docs, bench, 3, [0, 1, 2, 3])


def test_n_edge_values(impl):
    """n = 1 flags any shared token; an example or document of exactly n tokens has one n-gram."""
    bench = ["alpha beta gamma"]
    docs = ["beta", "delta", "x alpha beta gamma y", "alpha beta gamma", "alpha beta", "gamma beta alpha"]
    expect(impl, docs, bench, 1, [0, 2, 3, 4, 5])
    expect(impl, docs, bench, 3, [2, 3])
    expect(impl, docs, bench, 2, [2, 3, 4])
    expect(impl, docs, bench, 4, [2, 3], "with n=4 the 3-token example counts as a whole: ")


def test_default_n_is_13(impl):
    """Without n, 13-grams are used: 13 shared tokens flag, 12 do not (for a long example)."""
    words = [f"w{i}" for i in range(20)]
    bench = [" ".join(words)]
    docs = [" ".join(["pre"] + words[3:16] + ["post"]), " ".join(["pre"] + words[3:15] + ["post"])]
    got = run(impl, docs, bench)
    check(got == [0], f"flagged {got} with the default n, expected [0] (13 shared tokens flag, 12 do not)")


def test_ngrams_never_span_texts(impl):
    """An n-gram split across two documents, or two benchmark examples, never counts."""
    bench = ["a1 a2 a3 a4 a5", "b1 b2 b3 b4 b5"]
    docs = ["x y a1 a2", "a3 a4 z", "a4 a5 b1 b2", "q a2 a3 a4 a5 r"]
    expect(impl, docs, bench, 4, [3])
    expect(impl, ["a4 a5", "b1 b2"], bench, 4, [], "a split n-gram: ")


def test_errors_and_inputs(impl):
    """ValueError for n < 1 or a non-int n; the input lists are not modified."""
    for n in (0, -2, 2.0):
        try:
            impl.find_contaminated(["a b"], ["a b"], n)
        except ValueError:
            continue
        fail(f"n={n!r} should raise ValueError")
    docs, bench = ["b a", "a b c"], ["a b", "c"]
    keep = (list(docs), list(bench))
    run(impl, docs, bench, 2)
    check((docs, bench) == keep, "the input lists were modified")
    check(run(impl, [], bench, 2) == [] and run(impl, docs, [], 2) == [], "no documents or no benchmark should flag nothing")


TRAIN_VOCAB = [f"t{i}" for i in range(40)]
BENCH_VOCAB = [f"b{i}" for i in range(40)]


def decorate(rng, word):
    """Random case and punctuation that must not change the token."""
    word = "".join(ch.upper() if rng.random() < 0.3 else ch for ch in word)
    return rng.choice(["", "(", '"']) + word[:1] + rng.choice(["", "'", "-"]) + word[1:] + rng.choice(["", ",", ".", "?!"])


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 6))
def test_inserted_benchmark_ngram_always_flags(impl, seed, n):
    """Inserting any benchmark n-gram (any case, punctuation, whitespace) into a clean document flags exactly that document."""
    rng = random.Random(seed)
    docs = [[rng.choice(TRAIN_VOCAB) for _ in range(rng.randint(0, 15))] for _ in range(rng.randint(1, 5))]
    bench = [[rng.choice(BENCH_VOCAB) for _ in range(rng.randint(n, n + 8))] for _ in range(rng.randint(1, 4))]
    item = rng.choice(bench)
    start = rng.randint(0, len(item) - n)
    target = rng.randrange(len(docs))
    at = rng.randint(0, len(docs[target]))
    docs[target][at:at] = [decorate(rng, w) for w in item[start:start + n]]
    texts = [rng.choice([" ", "\n", "  "]).join(d) for d in docs]
    expect(impl, texts, [" ".join(b) for b in bench], n, [target])


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 6))
def test_split_ngram_never_flags(impl, seed, n):
    """A benchmark n-gram cut into two parts at the end of one document and the start of the next flags neither."""
    rng = random.Random(seed)
    item = [rng.choice(BENCH_VOCAB) for _ in range(n + rng.randint(0, 4))]
    start = rng.randint(0, len(item) - n)
    gram = item[start:start + n]
    cut = rng.randint(1, n - 1)
    before = [rng.choice(TRAIN_VOCAB) for _ in range(rng.randint(0, 6))]
    after = [rng.choice(TRAIN_VOCAB) for _ in range(rng.randint(0, 6))]
    docs = [" ".join(before + gram[:cut]), " ".join(gram[cut:] + after)]
    if rng.random() < 0.5:
        docs.append(" ".join(before + gram + after))  # the whole n-gram in one document does flag
    expect(impl, docs, [" ".join(item)], n, [2] if len(docs) == 3 else [])


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 5))
def test_matches_brute_force_spec(impl, seed, n):
    """On random texts over a tiny vocabulary (many partial overlaps), matches a plain every-pair loop."""
    rng = random.Random(seed)
    vocab = ["a", "B", "c.", "d'", "--", "e!", "A,"]
    text = lambda k: rng.choice([" ", "\t", "\n"]).join(rng.choice(vocab) for _ in range(k))
    docs = [text(rng.randint(0, 10)) for _ in range(rng.randint(1, 6))]
    bench = [text(rng.randint(0, 8)) for _ in range(rng.randint(1, 4))]
    expect(impl, docs, bench, n, spec(docs, bench, n))


def test_runs_in_linear_time(impl):
    """2,000 documents against 12,000 benchmark examples: about as fast as one hash-set scan, not every pair."""
    rng = random.Random(12345)
    vocab = [f"v{i}" for i in range(3000)]
    docs = [" ".join(rng.choice(vocab) for _ in range(15)) for _ in range(2000)]
    bench = [" ".join(rng.choice(vocab) for _ in range(rng.choice([4, 9, 10]))) for _ in range(12000)]
    for i in range(0, 2000, 37):  # plant some overlaps: whole short examples and 8-grams
        words = bench[(i * 7) % 12000].split()
        docs[i] = docs[i] + " " + " ".join(words[:8])
    start = time.perf_counter()
    want = fast_spec(docs, bench, 8)
    scan = time.perf_counter() - start
    budget = 10 * scan + 0.5  # every pair is ~100x a scan here: the margin survives a loaded machine
    box = {}

    def call():
        try:
            box["out"] = impl.find_contaminated(docs, bench, 8)
        except BaseException as exc:  # noqa: BLE001 - reported below
            box["exc"] = exc

    worker = threading.Thread(target=call, daemon=True)
    start = time.perf_counter()
    worker.start()
    worker.join(budget)
    took = time.perf_counter() - start
    check(not worker.is_alive(), f"still running after {took:.2f} s, where a hash-set scan takes {scan:.2f} s: "
                                 "put the benchmark n-grams in a set and scan each document once")
    if "exc" in box:
        raise box["exc"]
    got = [operator.index(i) for i in box["out"]]
    check(got == want, f"flagged {len(got)} documents, expected {len(want)}: first differences "
                       f"{sorted(set(got) ^ set(want))[:5]}")
