#!/usr/bin/env python3
"""Regenerates english-words.txt and benign-labels.txt, the embedded data of the threat scorers.

Run once, offline, on a Debian machine; the output is committed, so builds never run this.

  python3 generate.py [--psl /usr/share/publicsuffix/public_suffix_list.dat]

Provenance (no network access was used):
- english-words.txt: words that occur often in the English text installed on a Debian 12 machine:
  /usr/share/doc (changelogs, READMEs, copyright files, gzip or plain), /usr/share/man (man pages,
  troff markup stripped) and /usr/share/vim/*/doc (vim help). A token is kept when it is 2-12 ASCII
  letters, appears in at least 4 different files and 8 times in all, stands alone (not part of a token with
  digits or underscores: hex numbers, identifiers), has a vowel, and has 3 or more letters unless it is one
  of 24 common two-letter English words; the most frequent 25,000 are
  written most frequent first (the rank is the word's cost in the segmentation of DictionaryDgaScorer).
  12 letters is the most a 64-bit packed key holds (5 bits a letter).
- benign-labels.txt: service-names.txt (hand-written: well-known sites, brands and service names) plus
  every label of 3 or more letters of the rules of the Public Suffix List (Debian package publicsuffix),
  which names registries, cities and the hosting companies of its private section. It trains the
  n-gram model of benign names together with the English words, and is the allowlist of real names
  for the dictionary-DGA score.
"""
import argparse
import collections
import glob
import gzip
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
TOKEN = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z]+(?![A-Za-z0-9_])")
# Two-letter tokens in technical text are mostly abbreviations; keep only real English ones.
TWO_LETTER = set("an as at be by do go he if in is it me my no of on or so to up us we".split())
VOWELS = set("aeiouy")
TROFF = re.compile(r"\\f[BIRP]|\\\(..|\\[-&e]|^\.[A-Za-z]+", re.MULTILINE)


def read_text(path):
    opener = gzip.open if path.endswith(".gz") else open
    try:
        with opener(path, "rb") as handle:
            data = handle.read(2_000_000)
    except (OSError, EOFError):
        return ""
    if b"\0" in data[:4096]:
        return ""
    return data.decode("utf-8", "replace")


def sources():
    for root in ("/usr/share/doc", "/usr/share/man/man1", "/usr/share/man/man3", "/usr/share/man/man5",
                 "/usr/share/man/man7", "/usr/share/man/man8"):
        for directory, _, files in os.walk(root):
            for name in files:
                yield os.path.join(directory, name)
    yield from glob.glob("/usr/share/vim/vim*/doc/*.txt")


def english_words():
    counts = collections.Counter()
    documents = collections.Counter()
    for path in sorted(sources()):
        text = TROFF.sub(" ", read_text(path))
        seen = set()
        for token in TOKEN.findall(text):
            # Mixed-case identifiers (camelCase) and all-capitals acronyms are not dictionary words.
            if not (token.islower() or (token[0].isupper() and token[1:].islower())):
                continue
            word = token.lower()
            if (len(word) == 2 and word in TWO_LETTER) or (3 <= len(word) <= 12 and VOWELS & set(word)):
                counts[word] += 1
                seen.add(word)
        documents.update(seen)
    kept = [w for w, c in counts.items() if c >= 8 and documents[w] >= 4]
    kept.sort(key=lambda w: (-counts[w], w))
    return kept[:25000]


def psl_labels(path):
    labels = set()
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            rule = line.strip().split()[0] if line.strip() else ""
            if not rule or rule.startswith("//"):
                continue
            for label in rule.lstrip("!*.").split("."):
                if len(label) >= 3 and label.isascii() and label.isalpha():
                    labels.add(label.lower())
    return labels


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--psl", default="/usr/share/publicsuffix/public_suffix_list.dat")
    args = parser.parse_args()
    words = english_words()
    with open(os.path.join(HERE, "english-words.txt"), "w", encoding="ascii") as out:
        out.write("\n".join(words) + "\n")
    services = set()
    with open(os.path.join(HERE, "service-names.txt"), encoding="ascii") as handle:
        for line in handle:
            services.update(line.split("#")[0].lower().split())
    labels = sorted(services | psl_labels(args.psl))
    with open(os.path.join(HERE, "benign-labels.txt"), "w", encoding="ascii") as out:
        out.write("\n".join(labels) + "\n")
    print(f"{len(words)} words, {len(labels)} benign labels ({len(services)} hand-written)")


if __name__ == "__main__":
    main()
