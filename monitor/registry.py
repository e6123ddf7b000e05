"""Import the registry (网站名录, 新媒体名录) from the CSV/XLSX files supervisors keep in Excel.

The table type is told from the header, so one command takes whatever files the office has.
Every bad row is reported with the line number the user sees in Excel and the rest still loads
(unless strict), because a registry of hundreds of sites always has a few typos. A re-import is an
upsert: rows missing from a new import of the same table type are retired, never deleted, so the
findings and probes of a closed site stay in the history.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from monitor.gazetteer import Place, ProvincePlaces
from monitor.models import ACCOUNT_SUBJECTS, PROVINCE_LEVEL_KINDS, WEBSITE_KINDS, iso
from monitor.rulebook import Rulebook
from monitor.sheets import BLANKS, RowError, SheetError, read_rows
from monitor.store import Store

RegistryFileError = SheetError  # what the registry import raises for a file it cannot read

WEBSITES = "websites"
ACCOUNTS = "accounts"

# Accepted spellings of each column (compared after _header_cell); the first is the official one.
WEBSITE_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("网站名称", "name"),
    "url": ("网址", "网站地址", "首页网址", "url"),
    "region": ("所属地方或部门", "所属地方", "region"),
    "kind": ("网站类型", "kind"),
    "site_code": ("网站标识码", "标识码", "site_code"),
    "sponsor": ("主办单位", "sponsor"),
    "note": ("备注", "note"),
}
ACCOUNT_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("账号名称", "name"),
    "platform": ("类型", "平台", "platform"),
    "region": ("所属地方或部门", "所属地方", "region"),
    "subject": ("主体类型", "subject"),
    "source": ("数据源", "source"),
}
# Columns a header must have; a website's 所属地方 may be left out when its 网站标识码 names the place.
REQUIRED: dict[str, tuple[str, ...]] = {
    WEBSITES: ("name", "url", "kind", "site_code"),
    ACCOUNTS: ("name", "platform", "region", "subject"),
}
COLUMNS = {WEBSITES: WEBSITE_COLUMNS, ACCOUNTS: ACCOUNT_COLUMNS}
TABLE_LABELS = {WEBSITES: "网站名录", ACCOUNTS: "新媒体名录"}
OTHER_PLATFORM = "其他+"
HEADER_SEARCH_ROWS = 5  # a title row or two above the header is common in Excel exports

_SITE_CODE = re.compile(r"^(?:[1-9]\d{9}|bm\d{8})$")
_HOST = re.compile(r"^[\w\-.]+$")


@dataclass
class TableCounts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0
    restored: int = 0


@dataclass(frozen=True)
class FileSummary:
    file: str
    table: str | None  # websites, accounts, or None when the header was not recognised
    rows: int  # data rows read (blank rows skipped)


@dataclass
class ImportReport:
    websites: TableCounts = field(default_factory=TableCounts)
    accounts: TableCounts = field(default_factory=TableCounts)
    errors: list[RowError] = field(default_factory=list)
    files: list[FileSummary] = field(default_factory=list)
    written: bool = False  # False when strict mode refused the import
    warnings: list[RowError] = field(default_factory=list)  # rows loaded, with something to check

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        return {
            "written": self.written,
            "websites": asdict(self.websites),
            "accounts": asdict(self.accounts),
            "files": [asdict(f) for f in self.files],
            "errors": [asdict(e) for e in self.errors],
            "warnings": [asdict(e) for e in self.warnings],
        }


@dataclass(frozen=True)
class _Row:
    """One good row, ready for the store: its key, its values, and where it came from."""

    key: tuple[str, ...]
    values: dict[str, str]
    file: str
    line: int


@dataclass
class _Batch:
    """Everything read from the files before anything is written."""

    rows: dict[str, dict[tuple[str, ...], _Row]] = field(default_factory=lambda: {WEBSITES: {}, ACCOUNTS: {}})
    protected: dict[str, set[tuple[str, ...]]] = field(default_factory=lambda: {WEBSITES: set(), ACCOUNTS: set()})
    site_codes: dict[str, _Row] = field(default_factory=dict)  # good website rows by 网站标识码
    tables_seen: set[str] = field(default_factory=set)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    files: list[FileSummary] = field(default_factory=list)


@dataclass(frozen=True)
class _Context:
    """What a row parser needs: the rule data, the province's places, and a list for its warnings."""

    rulebook: Rulebook
    places: ProvincePlaces
    notes: list[str]


# -- public entry point --------------------------------------------------------------------------------
def import_registry(store: Store, rulebook: Rulebook, paths: list[Path], *, now: datetime,
                    places: ProvincePlaces, strict: bool = False) -> ImportReport:
    """Read every file, then upsert/retire in one transaction (nothing at all if strict and a row is bad).

    `places` are the configured province's (Rulebook.places): 所属地方 spellings, county-level names
    and 网站标识码 division codes resolve to its 市(州). Raises RegistryFileError, before writing
    anything, when a file cannot be read.
    """
    sheets = [(str(path), read_rows(Path(path))) for path in paths]
    batch = _Batch()
    for name, rows in sheets:
        _parse_sheet(batch, rulebook, places, name, rows)
    report = ImportReport(errors=batch.errors, files=batch.files, warnings=batch.warnings)
    if strict and batch.errors:
        return report
    stamp = iso(now)
    with store.transaction():
        for table in sorted(batch.tables_seen):
            counts = _apply(store, table, batch.rows[table], batch.protected[table], stamp)
            setattr(report, table, counts)
    report.written = True
    return report


# -- header --------------------------------------------------------------------------------------------
def _header_cell(text: str) -> str:
    return text.strip(BLANKS).strip("*＊").strip(BLANKS).lower()


def match_header(cells: list[str]) -> dict[str, dict[str, int]]:
    """For each table type, the fields found in this header row: field -> column index."""
    normalised = [_header_cell(c) for c in cells]
    found: dict[str, dict[str, int]] = {}
    for table, columns in COLUMNS.items():
        found[table] = {}
        for fieldname, spellings in columns.items():
            for index, cell in enumerate(normalised):
                if cell in spellings:
                    found[table][fieldname] = index
                    break
    return found


def _complete(found: dict[str, dict[str, int]]) -> list[str]:
    return [table for table in COLUMNS if all(f in found[table] for f in REQUIRED[table])]


def _find_header(rows: list[tuple[int, list[str]]]) -> tuple[int, str, dict[str, int]] | str:
    """(index in rows, table type, columns) of the header, or the reason none was recognised."""
    candidates = [(i, cells) for i, (_n, cells) in enumerate(rows) if any(cells)][:HEADER_SEARCH_ROWS]
    if not candidates:
        return "文件为空，没有表头"
    for index, cells in candidates:
        found = match_header(cells)
        tables = _complete(found)
        if len(tables) == 1:
            return index, tables[0], found[tables[0]]
        if len(tables) > 1:
            return "表头同时符合网站名录和新媒体名录，无法判断表的类型"
    return _missing_columns_reason(match_header(candidates[0][1]))


def _missing_columns_reason(found: dict[str, dict[str, int]]) -> str:
    parts = []
    for table in COLUMNS:
        missing = [COLUMNS[table][f][0] for f in REQUIRED[table] if f not in found[table]]
        parts.append(f"{TABLE_LABELS[table]}缺少列 {'、'.join(missing)}")
    return "表头无法识别：" + "；".join(parts)


# -- rows ----------------------------------------------------------------------------------------------
def _parse_sheet(batch: _Batch, rulebook: Rulebook, places: ProvincePlaces, name: str,
                 rows: list[tuple[int, list[str]]]) -> None:
    header = _find_header(rows)
    if isinstance(header, str):
        line = next((n for n, cells in rows if any(cells)), 1)
        batch.errors.append(RowError(name, line, header))
        batch.files.append(FileSummary(name, None, 0))
        return
    index, table, columns = header
    batch.tables_seen.add(table)
    parse = _website_row if table == WEBSITES else _account_row
    count = 0
    for line, cells in rows[index + 1:]:
        if not any(cells):
            continue
        count += 1
        values = {f: cells[i] if i < len(cells) else "" for f, i in columns.items()}
        _take_row(batch, table, name, line, values, parse, _Context(rulebook, places, []))
    batch.files.append(FileSummary(name, table, count))


RowParser = Callable[[dict[str, str], _Context], tuple[_Row | None, list[str], set[tuple[str, ...]]]]


def _take_row(batch: _Batch, table: str, name: str, line: int, values: dict[str, str],
              parse: RowParser, context: _Context) -> None:
    """Keep a good row (with its warnings), or record why it is bad (and protect its key from retirement)."""
    row, reasons, keys = parse(values, context)
    if row is not None:
        keys = {row.key}
        first = batch.rows[table].get(row.key)
        if first is not None:
            where = f"第 {first.line} 行" if first.file == name else f"{first.file} 第 {first.line} 行"
            reasons = [f"与{where}重复（{' '.join(row.key)}）"]
        elif (clash := _site_code_clash(batch, table, row)) is not None:
            reasons = [clash]
        else:
            kept = batch.rows[table][row.key] = _Row(row.key, row.values, name, line)
            if table == WEBSITES:
                batch.site_codes[kept.values["site_code"]] = kept
            batch.warnings += [RowError(name, line, note) for note in context.notes]
            return
    batch.errors.append(RowError(name, line, "；".join(reasons)))
    batch.protected[table].update(keys)


def _site_code_clash(batch: _Batch, table: str, row: _Row) -> str | None:
    """Each website has its own 网站标识码: two URLs with one code is a registry mistake."""
    other = batch.site_codes.get(row.values["site_code"]) if table == WEBSITES else None
    if other is None:
        return None
    return f"网站标识码 {row.values['site_code']} 已用于 {other.key[0]}（{other.file} 第 {other.line} 行）"


def _missing(values: dict[str, str], table: str) -> list[str]:
    return [COLUMNS[table][f][0] for f in REQUIRED[table] if not values.get(f)]


def _local_place(context: _Context, text: str, site_code: str = "") -> Place | str:
    """The 市(州) and county of a local site or account: from 所属地方 (a 市(州), a county-level name
    with or without its 市(州)), else from the division code opening the 网站标识码; a disagreement
    between the two keeps 所属地方 and is noted for a warning."""
    places = context.places
    by_code = places.of_code(site_code) if site_code else None
    if not text:
        if by_code is None:
            return f"缺少 所属地方或部门（网站标识码 {site_code!r} 也不能确定{places.province.name}的市(州)）"
        return by_code
    place = places.resolve(text)
    if isinstance(place, str):
        return place
    shown = places.display
    if place.note:
        context.notes.append(f"{place.note}，按{shown[place.region]}归类")
    if by_code is not None and by_code.region != place.region:
        context.notes.append(f"所属地方 {text!r}（{shown[place.region]}）与网站标识码 {site_code} 的行政区划"
                             f"（{shown[by_code.region]}）不一致，按所属地方归类")
    elif by_code is not None and not place.county and by_code.county:
        return Place(place.region, by_code.county)
    return place


def _website_row(values: dict[str, str], context: _Context) -> tuple[_Row | None, list[str], set[tuple[str, ...]]]:
    reasons = []
    if missing := _missing(values, WEBSITES):
        reasons.append(f"缺少 {'、'.join(missing)}")
    url, site_code, kind = values["url"], values["site_code"].lower(), values["kind"]
    if url:
        try:
            url = registry_url(url)
        except ValueError as exc:
            reasons.append(str(exc))
    if site_code and not _SITE_CODE.match(site_code):
        reasons.append(f"网站标识码 {values['site_code']!r} 应为10位：6位行政区划代码+4位数字，或 bm+8位数字")
    if kind and kind not in WEBSITE_KINDS:
        reasons.append(f"网站类型 {kind!r} 不是 {'、'.join(WEBSITE_KINDS)} 之一")
    region, county = values.get("region", "").strip(BLANKS), ""
    if kind in WEBSITE_KINDS and kind not in PROVINCE_LEVEL_KINDS:
        place = _local_place(context, region, site_code)
        if isinstance(place, str):
            reasons.append(place)
        else:
            region, county = place.region, place.county
    elif kind in PROVINCE_LEVEL_KINDS and not region:
        reasons.append("缺少 所属地方或部门")
    if reasons:
        return None, reasons, {(u,) for u in _lenient_urls(values["url"])}
    record = {"name": values["name"], "region": region, "county": county, "kind": kind, "site_code": site_code,
              "sponsor": values.get("sponsor", ""), "note": values.get("note", "")}
    return _Row((url,), record, "", 0), [], set()


def _account_row(values: dict[str, str], context: _Context) -> tuple[_Row | None, list[str], set[tuple[str, ...]]]:
    reasons = []
    if missing := _missing(values, ACCOUNTS):
        reasons.append(f"缺少 {'、'.join(missing)}")
    platform, subject, region = values["platform"], values["subject"], values["region"]
    if platform:
        try:
            platform = normalise_platform(context.rulebook, platform)
        except ValueError as exc:
            reasons.append(str(exc))
    if subject and subject not in ACCOUNT_SUBJECTS:
        reasons.append(f"主体类型 {subject!r} 不是 {'、'.join(ACCOUNT_SUBJECTS)} 之一")
    county = ""
    if region and subject == "政府":  # a local government's account; the province's own keeps its name
        place = context.places.resolve(region)
        region, county = (place.region, place.county) if isinstance(place, Place) and not place.note else (region, "")
    elif region and subject in ("市州部门", "县级部门"):
        place = _local_place(context, region)
        if isinstance(place, str):
            reasons.append(place)
        else:
            region, county = place.region, place.county
    if reasons:
        return None, reasons, {(platform, values["name"])} if values["name"] else set()
    record = {"region": region, "county": county, "subject": subject, "source": values.get("source", "")}
    return _Row((platform, values["name"]), record, "", 0), [], set()


# -- field normalisation -------------------------------------------------------------------------------
def registry_url(text: str) -> str:
    """http(s) URL with a lower-case host and '/' as the path of a bare host; ValueError says why not."""
    text = text.strip(BLANKS)
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"网址 {text!r} 格式错误") from exc
    if parts.scheme.lower() not in ("http", "https"):
        raise ValueError(f"网址 {text!r} 须以 http:// 或 https:// 开头")
    host = _valid_host(parts.hostname or "")
    if host is None:
        raise ValueError(f"网址 {text!r} 缺少有效的主机名")
    if parts.username or parts.password:
        raise ValueError(f"网址 {text!r} 不应包含用户名或密码")
    netloc = f"{host}:{port}" if port is not None else host
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))


def _valid_host(host: str) -> str | None:
    """Lower-case host name (IPv6 in brackets), or None for an empty or single-label name."""
    host = host.lower()
    if ":" in host:
        try:
            return f"[{ipaddress.IPv6Address(host)}]"
        except ValueError:
            return None
    if not _HOST.match(host) or not all(host.split(".")) or ("." not in host and host != "localhost"):
        return None
    return host


def _lenient_urls(text: str) -> set[str]:
    """URLs a bad row may have meant, so a typo elsewhere in the row does not retire the site."""
    found = set()
    for candidate in (text, f"http://{text}", f"https://{text}"):
        try:
            found.add(registry_url(candidate))
        except ValueError:
            continue
    return found


def normalise_platform(rulebook: Rulebook, text: str) -> str:
    """The platform name as the notices write it; '其他+X' for a platform outside the list."""
    names, aliases = rulebook.platforms
    text = text.strip(BLANKS)
    if text in names:
        return text
    folded = {alias.lower(): name for alias, name in aliases.items()}
    if text.lower() in folded:
        return folded[text.lower()]
    other = re.match(r"^其[他它]\s*[+＋]\s*(.+)$", text)
    if other:
        return OTHER_PLATFORM + other.group(1).strip(BLANKS)
    raise ValueError(f"类型 {text!r} 不是已知平台（rules/platforms.toml），其他平台请写作 \"其他+平台名\"")


def normalise_region(places: ProvincePlaces, text: str) -> str:
    """A region as typed by a user (阿坝州) in its canonical form (阿坝); unknown names unchanged."""
    text = text.strip(BLANKS)
    return places.aliases.get(text, text)


# -- writing -------------------------------------------------------------------------------------------
_KEYS = {WEBSITES: ("url",), ACCOUNTS: ("platform", "name")}


def _apply(store: Store, table: str, rows: dict[tuple[str, ...], _Row], protected: set[tuple[str, ...]],
           stamp: str) -> TableCounts:
    """Upsert `rows` and retire earlier imports of this table that are neither here nor protected."""
    keys = _KEYS[table]
    existing = {tuple(r[k] for k in keys): r for r in store.registry_rows(table)}
    counts = TableCounts()
    for key, row in rows.items():
        meta = {"source_file": row.file, "imported_at": stamp}
        old = existing.get(key)
        if old is None:
            store.insert_registry_row(table, {**dict(zip(keys, key, strict=True)), **row.values, **meta})
            counts.added += 1
            continue
        changed = any((old[k] or "") != v for k, v in row.values.items())
        store.update_registry_row(table, old["id"], {**row.values, **meta, "retired_at": None})
        if old["retired_at"]:
            counts.restored += 1
        elif changed:
            counts.updated += 1
        else:
            counts.unchanged += 1
    counts.retired = _retire(store, table, _stale(existing.items(), set(rows) | protected), stamp)
    return counts


def _stale(existing: Iterable[tuple[tuple[str, ...], dict[str, Any]]], keep: set[tuple[str, ...]]) -> list[int]:
    """Ids of active, imported rows that this import no longer lists (hand-added rows are left alone)."""
    return [row["id"] for key, row in existing
            if key not in keep and not row["retired_at"] and row["source_file"]]


def _retire(store: Store, table: str, ids: list[int], stamp: str) -> int:
    for row_id in ids:
        store.update_registry_row(table, row_id, {"retired_at": stamp})
    return len(ids)

