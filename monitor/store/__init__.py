"""The SQLite store: the only code in govmon that knows the database.

Everything else calls named methods of `Store`; no SQL and no table access live outside this package
(`Store` keeps its connection private). Where a new query goes:

- `registry.py`  websites and accounts: look-ups, registry import writes, what is due for a check
- `runs.py`      check runs and the pages a run looked at, run errors for `govmon status`
- `probes.py`    availability probes: recording rounds, reading a site's probes back
- `findings.py`  the findings lifecycle: upsert and resolve, manual findings, review, filters
- `accounts.py`  new-media account observations and the quarter's account sample
- `items.py`     article history (URL, title, displayed date, text hash, first seen) for forged dates
- `fingerprints.py` home-page fingerprints (title, footer, script hosts, hidden links) for tampering
- `console.py`   the web console: users and API tokens, assignments to units, audit trail, alert log
- `annex4.py`    附件4 inputs: imports with their file and time, 找错 messages, required reposts, rankings
- `schema.py`    forward migrations (append one; never edit a shipped one)
- `base.py`      the connection: opening, WAL and busy timeout, transactions, meta keys

Add a method to the area's mixin class, give it a name that says what it answers, and return model
objects with timestamps already parsed (datetime), not raw rows. A write goes inside
`self.transaction()`: it is the one place that takes the write lock, waits out another writer
(the daemon and the web console share one file) and rolls back on error.
"""

from monitor.store.accounts import AccountQueries, SampleRow
from monitor.store.annex4 import Annex4Queries
from monitor.store.base import NotADatabase, StoreBase, StoreBusy, StoreError
from monitor.store.console import ConsoleQueries
from monitor.store.findings import FindingFilter, FindingQueries
from monitor.store.fingerprints import FingerprintQueries
from monitor.store.items import ItemQueries
from monitor.store.probes import ProbeQueries
from monitor.store.registry import RegistryQueries
from monitor.store.runs import PageVisit, RunQueries, RunSpan, SiteChecks
from monitor.store.schema import MIGRATIONS


class Store(RegistryQueries, RunQueries, ProbeQueries, FindingQueries, AccountQueries, ItemQueries,
            ConsoleQueries, Annex4Queries, FingerprintQueries, StoreBase):
    """One SQLite database. Open it with `Store.open(path)`; it migrates itself forward."""


__all__ = ["MIGRATIONS", "FindingFilter", "NotADatabase", "PageVisit", "RunSpan", "SampleRow", "SiteChecks", "Store", "StoreBusy",
           "StoreError"]
