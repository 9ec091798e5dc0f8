"""Read: a corpus folder into cleaned articles and their passages, with what spaCy reads of them.

In pipeline order: ``corpus`` loads the manifest and the articles (``webpage`` decodes a saved web
page, ``metadata`` works out the outlet, title and date the manifest does not give), ``cleaning``
marks page furniture, ``nlp`` parses the text (``cache`` keeps each Reading on disk as a ``records``
record), and ``segmentation`` cuts the parsed sentences into passages.
"""
