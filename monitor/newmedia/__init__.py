"""New-media accounts: adapters that read an account's latest posts, manual observations, and the
quarterly sample. The freshness rule itself lives in `monitor.checks.accounts`."""
