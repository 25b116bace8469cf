"""Where the supplier order number is on a Shopify order: one table of the shapes we recognise.

No dropshipping app writes our `cancel_assist.supplier_orders` metafield; each one leaves the
AliExpress or CJ order number somewhere else on the order (facts: the project's real-shops notes,
from Dropified's public order updater and DSers' and Zopi's help pages). `find_supplier_refs` reads
the metafield first (it is ours and exact), then every note attribute key *and* value, the order
note and the tags, against `SHAPES` plus the merchant's own patterns, and says where it found them.

`app_signs` says why an order with no supplier order found probably has one anyway (a fulfillment
order assigned to a dropshipping app's location, an app's status tag): never "supplier side clear".
It returns values (`AppSign`); `kb.wording.common` words them, and `kb.wording.supplier_patterns` the
refusals of a bad `supplier_patterns` setting.

Pure and bounded: every text is cut before it is scanned, so a huge note cannot stall a look-up.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from kb.state import ShopifyOrderState, SupplierName, SupplierRef, SupplierRefSource
from kb.suppliers import SUPPLIER_ALIASES, check_order_id
from kb.wording import supplier_patterns as words

__all__ = [
    "APP_SIGNS",
    "PLACES",
    "SHAPES",
    "AppSign",
    "Place",
    "Shape",
    "SignKind",
    "SupplierPattern",
    "app_signs",
    "find_supplier_refs",
    "parse_supplier_patterns",
]

Place = Literal["note_attribute", "note", "tag"]
PLACES: tuple[Place, ...] = ("note_attribute", "note", "tag")  # in the order they are trusted

_MAX_TEXT = 5000  # characters of one note, attribute or tag that are scanned
_MAX_ITEMS = 200  # note attributes or tags scanned
_LIST_SPLIT = re.compile(r"[\s,;/&|]+")
_URL = re.compile(r"https?://[^\s<>\"'()\[\]{}]+", re.IGNORECASE)
_AE_ID = r"\d{12,20}"
_AE_LIST = rf"{_AE_ID}(?:\s*[,;/&]\s*{_AE_ID})*"
_LABEL_TAIL = r"[\s_-]*(?:id|number|no\.?|num|nr)?\s*(?:[:#=\-]\s*)*"
_SOURCES: Mapping[Place, SupplierRefSource] = {"note_attribute": "note_attribute", "note": "note", "tag": "tag"}
_ALIASES = SUPPLIER_ALIASES  # every name a supplier is written with


@dataclass(frozen=True, slots=True)
class Shape:
    """One recognised way an app writes a supplier order number: where, for which supplier, an example."""

    name: str
    supplier: SupplierName
    places: tuple[Place, ...]
    example: str  # a text in this shape (the README table and the tests use it)
    find: Callable[[str], Iterable[str]]  # the ids in one text (each still checked by `check_order_id`)


def _regex_finder(pattern: re.Pattern[str]) -> Callable[[str], Iterator[str]]:
    def find(text: str) -> Iterator[str]:
        for match in pattern.finditer(text):
            group = match.group("id") if "id" in pattern.groupindex else match.group(1)
            yield from (token for token in _LIST_SPLIT.split(group or "") if token)
    return find


def _url_finder(hosts: tuple[str, ...], pattern: str) -> Callable[[str], Iterator[str]]:
    """The `orderId` of URLs on these hosts (query or `#/...?` fragment); other hosts are ignored."""
    wanted = re.compile(pattern)

    def find(text: str) -> Iterator[str]:
        for raw in _URL.findall(text):
            try:
                parts = urlsplit(raw)
                host = (parts.hostname or "").lower()
            except ValueError:
                continue
            if not any(host == h or host.endswith("." + h) for h in hosts):
                continue
            fragment_query = parts.fragment.partition("?")[2]
            for params in (parts.query, fragment_query):
                for key, values in parse_qs(params).items():
                    if key.lower() == "orderid":
                        yield from (v for v in values if wanted.fullmatch(v))
    return find


_AE_LABEL = re.compile(rf"\bali[\s_-]*express[\s_-]*order{_LABEL_TAIL}(?P<id>{_AE_LIST})\b", re.IGNORECASE)
_AE_KEY_LIST = re.compile(rf"^\s*(?:ae|ali)[\s_-]*(?:order)?{_LABEL_TAIL}(?P<id>{_AE_LIST})\s*$", re.IGNORECASE)
_CJ_LABEL = re.compile(
    rf"\bcj[\s_-]*(?:dropshipping)?[\s_-]*order{_LABEL_TAIL}(?P<id>[A-Za-z0-9][A-Za-z0-9_-]{{5,63}})\b",
    re.IGNORECASE)
_BARE_AE = re.compile(rf"^\s*#?(?P<id>{_AE_ID})\s*$")
_BARE_CJ = re.compile(r"^\s*(?P<id>CJ(?=(?:[A-Z]*\d){4})[A-Z0-9]{6,38})\s*$")  # CJ + capitals and digits

# The table: every shape recognised, in the order they are tried. The README's table mirrors it.
SHAPES: tuple[Shape, ...] = (
    Shape("AliExpress order URL", "aliexpress", PLACES,
          "https://trade.aliexpress.com/order_detail.htm?orderId=8100000000000001",
          _url_finder(("aliexpress.com", "aliexpress.us", "aliexpress.ru"), _AE_ID)),
    Shape("AliExpress order labelled (Dropified note, DSers and other keys)", "aliexpress", PLACES,
          "Aliexpress Order ID: 8100000000000001",
          _regex_finder(_AE_LABEL)),
    Shape("AliExpress order in a short key (AE Order, Ali order #)", "aliexpress", ("note_attribute",),
          "AE Order #: 8100000000000001",
          _regex_finder(_AE_KEY_LIST)),
    Shape("bare AliExpress order id (12-20 digits) as a tag", "aliexpress", ("tag",),
          "8100000000000001",
          _regex_finder(_BARE_AE)),
    Shape("CJ order URL", "cjdropshipping", PLACES,
          "https://cjdropshipping.com/my.html#/order-detail?orderId=CJ2604221015",
          _url_finder(("cjdropshipping.com",), r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")),
    Shape("CJ order labelled", "cjdropshipping", PLACES,
          "CJ Order Number: CJ2604221015",
          _regex_finder(_CJ_LABEL)),
    Shape("CJ order number as a tag", "cjdropshipping", ("tag",),
          "CJ2604221015",
          _regex_finder(_BARE_CJ)),
)


class SupplierPattern(BaseModel):
    """A merchant's own pattern (`[shopify] supplier_patterns`), tried after the built-in shapes.

    `pattern` is a Python regular expression with a group named `id` (or exactly one group) that
    captures the order id; `places` limits where it is looked for.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    supplier: SupplierName
    pattern: str = Field(min_length=1, max_length=300)
    places: tuple[Place, ...] = PLACES

    @field_validator("supplier", mode="before")
    @classmethod
    def _supplier(cls, value: Any) -> Any:
        return _ALIASES.get(str(value).strip().lower(), value) if isinstance(value, str) else value

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            compiled = re.compile(value)
        except re.error as exc:
            raise ValueError(words.not_a_regex(repr(value[:60]), exc.msg)) from None
        if "id" not in compiled.groupindex and compiled.groups != 1:
            raise ValueError(words.no_id_group(repr(value[:60])))
        if compiled.fullmatch(""):
            raise ValueError(words.matches_empty(repr(value[:60])))
        return value

    def shape(self) -> Shape:
        return Shape(f"configured pattern {self.pattern[:40]}", self.supplier, self.places, "",
                     _regex_finder(re.compile(self.pattern)))


def parse_supplier_patterns(raw: Any) -> tuple[SupplierPattern, ...]:
    """Patterns from settings: a list of tables `{supplier, pattern, places}` or strings `supplier:regex`.

    A string may also be a JSON list (the environment variable) or one `supplier:regex` per line.
    Raises ValueError with the entry's position and what is wrong.
    """
    if raw is None or raw == "":
        return ()
    if isinstance(raw, str):
        text = raw.strip()
        if text.startswith("["):
            try:
                raw = json.loads(text)
            except json.JSONDecodeError as exc:
                raise ValueError(words.not_a_json_list(exc.msg)) from None
        else:
            raw = [line for line in text.splitlines() if line.strip()]
    if isinstance(raw, Mapping):
        raw = [raw]
    if not isinstance(raw, Sequence) or isinstance(raw, (str, bytes)):
        raise ValueError(words.NOT_A_LIST)
    patterns: list[SupplierPattern] = []
    for n, entry in enumerate(raw, start=1):
        if isinstance(entry, SupplierPattern):
            patterns.append(entry)
            continue
        if isinstance(entry, str):
            supplier, sep, pattern = entry.partition(":")
            if not sep:
                raise ValueError(words.no_supplier(n))
            entry = {"supplier": supplier, "pattern": pattern.strip()}
        if not isinstance(entry, Mapping):
            raise ValueError(words.not_an_entry(n))
        try:
            patterns.append(SupplierPattern.model_validate(dict(entry)))
        except ValueError as exc:
            errors = getattr(exc, "errors", None)
            problems = [
                words.field_problem(".".join(str(p) for p in e["loc"]), e["msg"].removeprefix("Value error, "))
                for e in errors(include_input=False, include_url=False)
            ] if callable(errors) else [str(exc)]
            raise ValueError(words.bad_entry(n, problems)) from None
    return tuple(patterns)


# --- reading an order ------------------------------------------------------------------------------


def _cut(value: Any) -> str:
    return str(value)[:_MAX_TEXT] if value is not None else ""


def _metafield_refs(value: Any) -> tuple[SupplierRef, ...]:
    """A JSON list of {"supplier", "order_id"}; anything unreadable is ignored, never fatal."""
    if not isinstance(value, str):
        return ()
    try:
        entries = json.loads(value[:20000])
    except ValueError:
        return ()
    if isinstance(entries, dict):
        entries = [entries]
    if not isinstance(entries, list):
        return ()
    refs: list[SupplierRef] = []
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        supplier = _ALIASES.get(str(entry.get("supplier", "")).strip().lower())
        order_id = str(entry.get("order_id", "")).strip()
        if supplier is None:
            continue
        try:
            ref = SupplierRef(supplier=supplier, order_id=order_id, source="metafield")
        except ValueError:
            continue
        if ref not in refs:
            refs.append(ref)
    return tuple(refs)


def _texts(place: Place, attributes: Sequence[tuple[str, str]], note: str | None,
           tags: Sequence[str]) -> Iterator[str]:
    if place == "note_attribute":
        for key, value in attributes[:_MAX_ITEMS]:
            # Key and value together: "AliExpress Order Number: 81..." reads like a labelled note.
            yield f"{_cut(key)}: {_cut(value)}"
            yield _cut(key)  # Dropified's key alone, "Aliexpress Order #81..."
            yield _cut(value)
    elif place == "note":
        if note:
            yield _cut(note)
    else:
        yield from (_cut(tag) for tag in tags[:_MAX_ITEMS])


def find_supplier_refs(
    *,
    metafield: str | None = None,
    attributes: Sequence[tuple[str, str]] = (),
    note: str | None = None,
    tags: Sequence[str] = (),
    note_attribute_names: Iterable[str] = (),
    patterns: Sequence[SupplierPattern] = (),
) -> tuple[SupplierRef, ...]:
    """Every supplier order the order names, each with where it was found.

    The metafield, when it names any, is the whole answer (it is written on purpose). Otherwise
    note attributes, then the note, then tags, each against the built-in shapes and then the
    configured patterns; an id found twice keeps its first (most trusted) place. The note
    attributes named in `note_attribute_names` hold AliExpress ids as their whole value.
    """
    from_metafield = _metafield_refs(metafield)
    if from_metafield:
        return from_metafield
    shapes = (*SHAPES, *(p.shape() for p in patterns))
    names = {n.strip().casefold() for n in note_attribute_names if n.strip()}
    refs: list[SupplierRef] = []
    seen: set[tuple[str, str]] = set()

    def add(supplier: SupplierName, order_id: str, place: Place) -> None:
        try:
            value = check_order_id(supplier, order_id)
            ref = SupplierRef(supplier=supplier, order_id=value, source=_SOURCES[place])
        except ValueError:
            return
        if (supplier, value) not in seen:
            seen.add((supplier, value))
            refs.append(ref)

    for key, value in attributes[:_MAX_ITEMS]:
        if str(key).strip().casefold() in names:
            for token in _LIST_SPLIT.split(_cut(value)):
                if token:
                    add("aliexpress", token.lstrip("#"), "note_attribute")
    for place in PLACES:
        texts = tuple(_texts(place, attributes, note, tags))
        for shape in shapes:
            if place not in shape.places:
                continue
            for text in texts:
                for order_id in shape.find(text):
                    add(shape.supplier, order_id, place)
    return tuple(refs)


# --- signs that an app placed a supplier order ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _App:
    name: str
    location: re.Pattern[str]  # matched against fulfillment order location names
    tags: re.Pattern[str] | None = None  # the app's status tags


SignKind = Literal["location", "tag"]


@dataclass(frozen=True, slots=True)
class AppSign:
    """One sign that a dropshipping app placed a supplier order: a value, worded only when shown."""

    app: str  # the app's name ("DSers")
    kind: SignKind  # "location": a fulfillment order is assigned to the app's location; "tag": the app's status tag
    text: str  # the location's name or the tag, cut to 80 characters


# Dropshipping apps that act as a fulfillment service (their own location) or tag the orders they place.
APP_SIGNS: tuple[_App, ...] = (
    _App("DSers", re.compile(r"\bdsers\b", re.IGNORECASE)),
    _App("Zopi", re.compile(r"\bzopi\b", re.IGNORECASE),
         re.compile(r"^\s*(?:placed|failed|stopped)\s*:\s*\S", re.IGNORECASE)),  # "Placed: Payment needed"
    _App("AutoDS", re.compile(r"\bauto\s*ds\b", re.IGNORECASE)),
    _App("CJ Dropshipping", re.compile(r"\bcj\s*(?:dropshipping)?\b|\bcjdropshipping\b", re.IGNORECASE)),
    _App("Dropified", re.compile(r"\bdropified\b", re.IGNORECASE)),
    _App("Spocket", re.compile(r"\bspocket\b", re.IGNORECASE)),
)


def app_signs(shopify: ShopifyOrderState) -> tuple[AppSign, ...]:
    """Why a dropshipping app has probably placed a supplier order for this order (`kb.wording.common` words it)."""
    signs: list[AppSign] = []
    for app in APP_SIGNS:
        for fo in shopify.fulfillment_orders:
            where = fo.location_name or ""
            if where and app.location.search(where[:200]):
                sign = AppSign(app.name, "location", where[:80])
                if sign not in signs:
                    signs.append(sign)
        if app.tags is not None:
            for tag in shopify.tags[:_MAX_ITEMS]:
                if app.tags.search(tag[:200]):
                    signs.append(AppSign(app.name, "tag", tag[:80]))
    return tuple(signs)
