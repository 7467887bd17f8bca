import re
import string

PUNCT = re.compile("[" + re.escape(string.punctuation) + "]")


def normalise(text):
    out = []
    for word in text.lower().split():
        word = PUNCT.sub("", word)
        if word:
            out.append(word)
    return out


def find_contaminated(train_docs, benchmark, n=13):
    if type(n) is not int or n < 1:
        raise ValueError("n must be a positive integer")
    long_grams = set()
    short_by_len = {}
    for example in benchmark:
        words = normalise(example)
        if len(words) >= n:
            for i in range(len(words) - n + 1):
                long_grams.add(" ".join(words[i:i + n]))
        elif words:
            short_by_len.setdefault(len(words), set()).add(" ".join(words))
    lengths = [(n, long_grams)] + sorted(short_by_len.items())
    result = []
    for idx, doc in enumerate(train_docs):
        words = normalise(doc)
        found = False
        for size, table in lengths:
            for i in range(len(words) - size + 1):
                if " ".join(words[i:i + size]) in table:
                    found = True
                    break
            if found:
                break
        if found:
            result.append(idx)
    return result
