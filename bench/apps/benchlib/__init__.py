"""What the hand-written Python contenders share with the Kite app: the in-memory store, and
for the framework-free ones the page renderer and the action-result encoding.

Kept apart from any framework so that only the request handling differs between contenders.
"""
