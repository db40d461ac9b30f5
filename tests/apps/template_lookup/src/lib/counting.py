"""Counts how often each template's source is read: each should be once, at start-up."""

import collections

from jinja2 import BaseLoader

READS: collections.Counter[str] = collections.Counter()


class CountingLoader(BaseLoader):
    def __init__(self, inner):
        self.inner = inner

    def get_source(self, environment, template):
        READS[template] += 1
        return self.inner.get_source(environment, template)
