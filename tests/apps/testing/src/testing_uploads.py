"""The uploads the /upload action saw, so that a test can check that Kite closed them."""

SEEN = []
