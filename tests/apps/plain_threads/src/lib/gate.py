"""A gate between two requests: /held's plain load waits for it, /release's opens it.

Both loads are plain `def`s and block their thread: /release can only run while /held is
still waiting if the server neither runs plain functions on its event loop nor makes the
second wait for the first one's thread."""

import threading

MAX_WAIT = 20.0

gate = threading.Event()
