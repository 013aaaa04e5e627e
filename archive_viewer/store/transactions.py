"""Explicit write transactions on autocommit connections."""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``; on any error (or Ctrl-C) ``ROLLBACK`` and re-raise.

    IMMEDIATE takes the write lock up front, so a busy archive fails here, before any work,
    rather than at the first write. The connection must be in autocommit mode
    (``isolation_level=None``) and not already inside a transaction.
    """
    if conn.in_transaction:
        raise RuntimeError("a transaction is already open on this connection")
    try:
        # Inside the try: an interrupted BEGIN can fail after opening the transaction, which
        # then stayed open and refused every later write on the connection.
        conn.execute("BEGIN IMMEDIATE")
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:  # SQLite may already have rolled back (e.g. disk full)
            conn.execute("ROLLBACK")
        raise
