"""spaCy's tokenizer with its cache filled first. The tokenizer splits a text at whitespace into chunks and
tokenises each chunk on its own (prefixes, suffixes, infixes, special cases), keeping the tokens of a chunk
in a cache keyed by the chunk. But it stops caching for the rest of a text once a special case ("'s",
"e.g.") has fired in it (spaCy #1250), which happens in the first lines of every report: the rest of the
chunks are tokenised afresh each time they occur. `Tokenizer` first gives each chunk not seen before to the
tokenizer on its own, so that the cache holds all of them (all but those holding a special case, which are
never cached), then tokenises the text: the same tokens, read from the cache."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

# chunks to cache in one process: some 100 bytes each, in the Python set and in spaCy's cache. Once the
# cap is reached (many reports run by one worker), the chunks not seen by then are tokenised as before.
MAX_CHUNKS = 200_000


class Tokenizer:
    """`make_doc` of a blank pipeline, with every new chunk of the text cached before the text is run."""

    def __init__(self, nlp: Language):
        self.tokenizer = nlp.tokenizer
        self.tokenizer.max_cache_size = MAX_CHUNKS  # type: ignore[union-attr]
        self.seen: set[str] = set()

    def __call__(self, text: str) -> Doc:
        if len(self.seen) < MAX_CHUNKS:
            chunks = set(text.split())  # the chunks spaCy makes, but for runs of whitespace (few, and cheap)
            for chunk in chunks - self.seen:
                self.tokenizer(chunk)
            self.seen |= chunks
        return self.tokenizer(text)
