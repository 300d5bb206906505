"""The model layer: embedders, spaCy pipelines, BERTopic composition and redaction, all offline."""

import os

# tldextract (used by Presidio's email recogniser) would download the public suffix list at run
# time; an empty URL list makes it use the snapshot it ships. It reads this when first imported,
# so it is set here, before any module of this package can import Presidio.
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
