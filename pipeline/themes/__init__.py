"""Themes of the public's passages, one module per concern.

- ``substance``: passages with nothing to theme (thanks, procedure, "see attached") set aside.
- ``background``: the words a question's answers all share, which never separate or name a theme.
- ``cluster``: deterministic clustering of centred vectors, any size, catch-alls split.
- ``discover``: themes per question (and across questions) from passages and vectors.
- ``labels``: noun-phrase labels; ``tables``: the themes, assignments and quotes tables;
  ``parents``: parent groups; ``extend``: an earlier run's themes extended to new passages.
"""
