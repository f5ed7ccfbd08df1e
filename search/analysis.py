"""Indonesian text analysis, shared by the database engine and the Elasticsearch settings.

One pipeline for documents and queries:

1. Tokens are runs of letters and digits; a hyphenated word ("KTP-el", "SP4N-LAPOR!") gives
   one joined token ("ktpel") and its parts ("ktp", "el"), so it matches whole and split.
2. Lowercase and ASCII folding.
3. Synonyms (`synonyms/id.txt`, Solr format) are matched on the folded words as written,
   stop words included and before stemming, longest phrase first, as Elasticsearch's
   `synonym_graph` does ahead of its stop and stemmer filters. A match adds the group's
   canonical term, at index time and at query time alike, so "Disdukcapil" and "Dinas
   Kependudukan dan Pencatatan Sipil" meet on one term, while "laporan" (stem "lapor") does
   not turn into "LAPOR!" and "jaringan" does not turn into "dalam jaringan" (daring).
4. Indonesian stop words (including question words) are dropped (`synonyms/stopwords_id.txt`).
5. Stemming with Sastrawi (`STEM_EXCEPTIONS` keeps acronyms that look like derived words,
   such as "kusuka", whole).

Queries first pass through the English-Indonesian glossary (`synonyms/en_id.txt`).
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

SYNONYM_DIR = Path(__file__).resolve().parent / "synonyms"
SYNONYMS_FILE = SYNONYM_DIR / "id.txt"
GLOSSARY_FILE = SYNONYM_DIR / "en_id.txt"
STOPWORDS_FILE = SYNONYM_DIR / "stopwords_id.txt"

# A word: letters/digits, optionally joined by hyphens ("ktp-el", "anak-anak", "sp4n-lapor").
WORD_RE = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
SYNONYM_PREFIX = "~"  # canonical synonym terms ("~disdukcapil") never collide with words
MIN_STEM_LENGTH = 4
# Roots in Sastrawi's dictionary that are abbreviations and over-stem real words
# ("memilah" would become "mem").
_BAD_ROOTS = {"mem", "pen", "per", "ber", "ter"}
# Words Sastrawi gets wrong, mostly by taking a root ending in "-lah" for the particle.
STEM_EXCEPTIONS = {
    "memilah": "pilah",
    "dipilah": "pilah",
    "pemilah": "pilah",
    "terpilah": "pilah",
    "mengolah": "olah",
    "diolah": "olah",
    "pengolah": "olah",
    "sekolah": "sekolah",
    "bersekolah": "sekolah",
    "menyekolahkan": "sekolah",
    "masalah": "masalah",
    "bermasalah": "masalah",
    "wilayah": "wilayah",
    "jumlah": "jumlah",
    "sejumlah": "jumlah",
    "daerah": "daerah",
    "nelayan": "nelayan",
    # Acronyms that look like derived words.
    "kusuka": "kusuka",
    "perwali": "perwali",
    "ambulan": "ambulan",
}


# Raise when this module's code changes what a text is analysed into (the rules files are
# hashed in `analysis_version` anyway).
ANALYSIS_CODE_VERSION = 2


@cache
def analysis_version() -> str:
    """A hash of everything that decides a text's index terms: this module's version, the
    synonym, glossary and stop-word files and the stemming exceptions. An index built with
    another version needs `search_index --rebuild`."""
    digest = hashlib.sha1(str(ANALYSIS_CODE_VERSION).encode())  # noqa: S324 -- not security
    for path in (SYNONYMS_FILE, GLOSSARY_FILE, STOPWORDS_FILE):
        digest.update(path.read_bytes())
    digest.update(repr(sorted(STEM_EXCEPTIONS.items())).encode())
    return digest.hexdigest()


def fold(text: str) -> str:
    """Lowercase and strip accents: "Pelayanan Publik Ké-2" -> "pelayanan publik ke-2"."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def read_rules(path: Path) -> list[str]:
    """Non-empty, non-comment lines of a rules file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


@cache
def stopwords() -> frozenset[str]:
    return frozenset(fold(word) for word in read_rules(STOPWORDS_FILE))


@cache
def _stemmer():
    from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
    from Sastrawi.Stemmer.Stemmer import Stemmer
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    class SetDictionary(ArrayDictionary):
        # Sastrawi's own dictionary is a list: a lookup costs a scan of 30,000 roots, and an
        # unknown word needs hundreds of lookups (100 ms a word). A set makes it microseconds.
        def __init__(self, words):
            self.words = frozenset(words)

        def contains(self, word):
            return word in self.words

    roots = [w for w in StemmerFactory().get_words() if w.strip() and w not in _BAD_ROOTS]
    return Stemmer(SetDictionary(roots))


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Sastrawi stem of one folded word; numbers and short words stay."""
    if len(word) < MIN_STEM_LENGTH or not word.isalpha():
        return word
    return STEM_EXCEPTIONS.get(word) or _stemmer().stem_word(word) or word


@dataclass(frozen=True)
class Token:
    """A word of the text: its folded form, its parts if hyphenated, and where it stands."""

    text: str  # folded, hyphens removed: "ktpel"
    parts: tuple[str, ...]  # ("ktp", "el") for "KTP-el"; empty for a plain word
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    tokens = []
    for match in WORD_RE.finditer(text):
        word = fold(match.group())
        pieces = tuple(piece for piece in word.split("-") if piece)
        joined = "".join(pieces)
        if joined:
            tokens.append(Token(joined, pieces if len(pieces) > 1 else (), *match.span()))
    return tokens


@dataclass(frozen=True)
class SynonymTable:
    """Synonym phrases as tuples of folded words, each mapped to its group's canonical term."""

    phrases: dict[tuple[str, ...], str]
    longest: int
    groups: dict[str, tuple[str, ...]]  # canonical term -> the group's entries as written
    starts: frozenset[str] = frozenset()  # first words of the phrases


def _phrase_keys(text: str) -> list[tuple[str, ...]]:
    """The word sequences a synonym entry matches: "ktp-el" matches "KTP-el" (one joined
    token) and "KTP el" (two)."""
    tokens = tokenize(text)
    joined = tuple(token.text for token in tokens)
    split = tuple(word for token in tokens for word in (token.parts or (token.text,)))
    return [joined] if split == joined else [joined, split]


def _stem_token(token: Token) -> str:
    return stem(token.text) if not token.parts else token.text


@cache
def protected_words() -> frozenset[str]:
    """Single-word synonym entries (mostly acronyms), kept from Elasticsearch's stemmer."""
    words = set()
    for line in read_rules(SYNONYMS_FILE):
        for entry in line.split(","):
            tokens = tokenize(entry)
            if len(tokens) == 1:
                words.add(tokens[0].text)
    return frozenset(words)


@cache
def synonym_table() -> SynonymTable:
    phrases: dict[tuple[str, ...], str] = {}
    groups = {}
    for line in read_rules(SYNONYMS_FILE):
        entries = [entry.strip() for entry in line.split(",") if entry.strip()]
        keys = [key for entry in entries for key in _phrase_keys(entry) if key]
        if len(entries) < 2 or not keys:
            continue
        canonical = SYNONYM_PREFIX + "_".join(keys[0])
        groups[canonical] = tuple(entries)
        for key in keys:
            phrases.setdefault(key, canonical)
    longest = max((len(k) for k in phrases), default=0)
    return SynonymTable(phrases, longest, groups, frozenset(key[0] for key in phrases))


def synonym_at(tokens: list[Token], i: int, table: SynonymTable) -> tuple[str, int] | None:
    """The canonical term of the longest synonym phrase starting at token `i`, and its length
    in tokens; a hyphenated token may also match as its parts."""
    if tokens[i].text not in table.starts and not (
        tokens[i].parts and tokens[i].parts[0] in table.starts
    ):
        return None
    words, owners = [], []  # the folded words from token i on, and the token each came from
    for j in range(i, min(len(tokens), i + table.longest)):
        words.append(tokens[j].text)
        owners.append(j)
    for size in range(len(words), 0, -1):
        canonical = table.phrases.get(tuple(words[:size]))
        if canonical:
            return canonical, owners[size - 1] - i + 1
    if tokens[i].parts:  # "KTP-el" against the entry "ktp el"
        words = list(tokens[i].parts)
        for j in range(i + 1, min(len(tokens), i + table.longest)):
            words.append(tokens[j].text)
        for size in range(min(len(words), table.longest), len(tokens[i].parts) - 1, -1):
            canonical = table.phrases.get(tuple(words[:size]))
            if canonical:
                return canonical, size - len(tokens[i].parts) + 1
    return None


@cache
def glossary() -> tuple[dict[tuple[str, ...], str], int]:
    """English phrases (as folded word tuples) -> the Indonesian text that replaces them."""
    mapping = {}
    for line in read_rules(GLOSSARY_FILE):
        left, _, right = line.partition("=>")
        # The first Indonesian term; the others are its synonyms (id.txt) or narrower.
        target = right.split(",")[0].strip()
        for english in left.split(","):
            key = tuple(token.text for token in tokenize(english))
            if key and target:
                mapping[key] = target
    return mapping, max((len(k) for k in mapping), default=0)


@dataclass(frozen=True)
class Term:
    """An index term and the span of text it came from."""

    text: str
    start: int
    end: int


def analyze(text: str, *, synonyms: bool = True) -> list[Term]:
    """The index terms of a text, in order, with the spans they came from (without the
    synonym terms if `synonyms` is false: the highlighter skips them when no query term is
    one)."""
    tokens = tokenize(text)
    stop = stopwords()
    terms = []
    for token in tokens:
        if token.text in stop:
            continue
        terms.append(Term(_stem_token(token), token.start, token.end))
        for part in token.parts:
            if part not in stop:
                terms.append(Term(stem(part), token.start, token.end))
    if synonyms:
        terms.extend(_synonym_terms(tokens))
    return terms


def _synonym_terms(tokens: list[Token]) -> list[Term]:
    table = synonym_table()
    found = []
    for i in range(len(tokens)):
        match = synonym_at(tokens, i, table)
        if match:
            canonical, size = match
            found.append(Term(canonical, tokens[i].start, tokens[i + size - 1].end))
    return found


def surface_words(text: str) -> set[str]:
    """Folded words of a text as people type them: the vocabulary for spelling suggestions."""
    words = set()
    stop = stopwords()
    for token in tokenize(text):
        for word in (token.text, *token.parts):
            if len(word) >= 3 and word.isalpha() and word not in stop:
                words.add(word)
    return words


# --- Queries ----------------------------------------------------------------------------------


@dataclass
class Concept:
    """One thing the query asks for: any of its terms matches it.

    `surface` is what the person typed for it; `terms` maps each index term to a weight
    (1.0 for the word itself and its synonyms, less for spelling corrections).
    """

    surface: str
    terms: dict[str, float] = field(default_factory=dict)
    correctable: bool = True  # a single typed word: may be corrected if nothing matches


@dataclass
class AnalyzedQuery:
    text: str
    rewritten: str  # after the English glossary
    concepts: list[Concept]

    def all_terms(self) -> set[str]:
        return {term for concept in self.concepts for term in concept.terms}


def translate_english(text: str) -> str:
    """Replace English public-service phrases by their Indonesian terms, longest first; the
    rest of the text stays as typed."""
    mapping, longest = glossary()
    tokens = tokenize(text)
    words = [token.text for token in tokens]
    out, position, i = [], 0, 0
    while i < len(words):
        for size in range(min(longest, len(words) - i), 0, -1):
            target = mapping.get(tuple(words[i : i + size]))
            if target:
                out += [text[position : tokens[i].start], target]
                position = tokens[i + size - 1].end
                i += size
                break
        else:
            i += 1
    return "".join(out) + text[position:]


def analyze_query(text: str) -> AnalyzedQuery:
    rewritten = translate_english(text)
    tokens = tokenize(rewritten)
    stop = stopwords()
    table = synonym_table()
    concepts: list[Concept] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        match = synonym_at(tokens, i, table)
        if match:
            canonical, size = match
            surface = rewritten[token.start : tokens[i + size - 1].end]
            terms = {canonical: 1.0}
            if size == 1 and token.text not in stop:
                terms[_stem_token(token)] = 1.0
            concepts.append(Concept(surface, terms, correctable=False))
            i += size
            continue
        i += 1
        if token.text in stop:
            continue
        terms = {_stem_token(token): 1.0}
        # A hyphenated word also matches its longer parts ("pbb-p2" -> "pbb").
        for part in token.parts:
            if len(part) >= 3 and part not in stop:
                terms.setdefault(stem(part), 0.8)
        concepts.append(Concept(rewritten[token.start : token.end], terms))
    # The same concept typed twice ("lahir ... kelahiran") counts once.
    unique: dict[frozenset, Concept] = {}
    for concept in concepts:
        unique.setdefault(frozenset(concept.terms), concept)
    return AnalyzedQuery(text, rewritten, list(unique.values()))


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of neighbours costs 1), or limit + 1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2 = None
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if (
                previous2 is not None
                and i > 1
                and j > 1
                and a[i - 1] == b[j - 2]
                and a[i - 2] == b[j - 1]
            ):
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def allowed_edits(word: str) -> int:
    """Elasticsearch's fuzziness AUTO: none below 3 letters, 1 up to 5, then 2."""
    if len(word) < 3:
        return 0
    return 1 if len(word) <= 5 else 2
