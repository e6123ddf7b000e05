"""What one user may see and do: the single gate between the console and the store.

Handlers never read sites, accounts or findings from the store directly; they ask a `Scope`, which
returns only what the user's role covers (a region officer: their 市(州); an operator: their sites)
and answers "not found" for anything else, so another region's ids cannot even be probed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from monitor.models import Account, Finding, SubjectKind, User, Website
from monitor.store import FindingFilter, Store

# What each role may do, beyond reading what it sees.
CAPABILITIES: dict[str, frozenset[str]] = {
    "admin": frozenset({"read", "review", "rectify", "verify", "report"}),
    "supervisor": frozenset({"read", "review", "rectify", "verify", "report"}),
    "region": frozenset({"read", "review", "rectify"}),
    "operator": frozenset({"read", "rectify"}),
}


def known_id(value: int | None) -> int:
    """The id of a row read from the store (always set; the model allows None for unsaved objects)."""
    assert value is not None, "a stored row has an id"
    return value


class NotVisible(LookupError):
    """The thing does not exist, or the user may not see it (the two are not told apart)."""


@dataclass
class Scope:
    store: Store
    user: User
    _cache: dict[tuple[str, str | None], list[Any]] = field(default_factory=dict, repr=False)  # one request's reads

    def can(self, capability: str) -> bool:
        return capability in CAPABILITIES.get(self.user.role, frozenset())

    @property
    def sees_everything(self) -> bool:
        return self.user.role in ("admin", "supervisor")

    # -- websites and accounts --------------------------------------------------------------------
    def sees_website(self, website: Website) -> bool:
        if self.sees_everything:
            return True
        if self.user.role == "region":
            return bool(self.user.region) and website.region == self.user.region
        return website.id in self.user.site_ids

    def sees_account(self, account: Account) -> bool:
        if self.sees_everything:
            return True
        return self.user.role == "region" and bool(self.user.region) and account.region == self.user.region

    def websites(self, region: str | None = None) -> list[Website]:
        if ("websites", region) not in self._cache:
            wanted = region
            if self.user.role == "region":
                wanted = self.user.region if region in (None, self.user.region) else "\x00"
            self._cache[("websites", region)] = [w for w in self.store.websites(region=wanted) if self.sees_website(w)]
        return self._cache[("websites", region)]

    def accounts(self, region: str | None = None) -> list[Account]:
        if ("accounts", region) not in self._cache:
            wanted = region
            if self.user.role == "region":
                wanted = self.user.region if region in (None, self.user.region) else "\x00"
            self._cache[("accounts", region)] = [a for a in self.store.accounts(region=wanted) if self.sees_account(a)]
        return self._cache[("accounts", region)]

    def website(self, website_id: int) -> Website:
        website = self.store.website(website_id)
        if website is None or not self.sees_website(website):
            raise NotVisible(website_id)
        return website

    def account(self, account_id: int) -> Account:
        account = self.store.account(account_id)
        if account is None or not self.sees_account(account):
            raise NotVisible(account_id)
        return account

    def regions(self) -> list[str]:
        if self.user.role == "region":
            return [self.user.region]
        return sorted({w.region for w in self.websites()} | {a.region for a in self.accounts()})

    def region(self, name: str) -> str:
        if name not in self.regions():
            raise NotVisible(name)
        return name

    # -- findings ---------------------------------------------------------------------------------
    def subject(self, finding: Finding) -> Website | Account:
        """The finding's website or account, if the user sees it."""
        if finding.subject_kind == SubjectKind.WEBSITE:
            return self.website(finding.subject_id)  # type: ignore[arg-type]
        return self.account(finding.subject_id)  # type: ignore[arg-type]

    def finding(self, finding_id: int) -> Finding:
        finding = self.store.finding(finding_id)
        if finding is None:
            raise NotVisible(finding_id)
        self.subject(finding)
        return finding

    def findings(self, flt: FindingFilter = FindingFilter()) -> list[Finding]:
        """Every finding of a website or account the user sees, matching `flt`."""
        site_ids = {w.id for w in self.websites()}
        account_ids = {a.id for a in self.accounts()}
        return [
            f for f in self.store.findings(flt)
            if (f.subject_id in site_ids if f.subject_kind == SubjectKind.WEBSITE else f.subject_id in account_ids)
        ]
