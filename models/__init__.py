"""The model layer: embedders, spaCy pipelines and BERTopic composition, all offline."""
