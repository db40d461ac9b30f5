import os

from lib.counting import CountingLoader


def configure_templates(env):
    if os.environ.get("KITE_TEST_COUNT_READS"):
        env.loader = CountingLoader(env.loader)
