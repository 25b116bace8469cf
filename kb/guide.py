"""The help-centre guides: Markdown files in `kb/guides/` parsed into sections and checklist steps.

A guide is plain Markdown that reads well raw and on GitHub:

    # Cancel an order                                   <- the title (exactly one)
    Intro paragraphs.
    ## Part 1: Cancel at the supplier {#supplier}       <- a section and its stable id
    > **Warning** Money at risk ...                     <- a warning (or **Note**) of that section
    ### Cancel the supplier order {#supplier-cancel .action}   <- a step: id and kind
    The step's body, kept as Markdown.

Step kinds: `.action` (the walkthrough can do it with a button), `.manual` (done by hand) and
`.note` (read only). Ids are the interface the rules and pages cite (`"cancel-an-order#supplier"`),
so a malformed guide fails loudly with its file and line instead of silently losing a step.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Literal, TypeGuard

from markdown_it import MarkdownIt
from markdown_it.token import Token
from pydantic import BaseModel, ConfigDict

__all__ = [
    "STEP_KINDS",
    "Guide",
    "GuideError",
    "Section",
    "Step",
    "guide_names",
    "link_guides",
    "load_guide",
    "parse_guide",
]

StepKind = Literal["action", "manual", "note"]
STEP_KINDS: tuple[str, ...] = ("action", "manual", "note")

_GUIDES_DIR = Path(__file__).with_name("guides")
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_ATTRS = re.compile(r"^(?P<title>.*?)\s*\{(?P<attrs>[^{}]*)\}\s*$")
_CALLOUT = re.compile(r"^\*\*(?P<kind>Note|Warning)(?::\*\*|\*\*:?)\s*", re.IGNORECASE)
_GUIDE_LINK = re.compile(r"\]\((?P<name>[a-z0-9]+(?:-[a-z0-9]+)*)\.md(?:#(?P<anchor>[a-z0-9-]+))?\)")
_MD = MarkdownIt("commonmark")


class GuideError(ValueError):
    """Raised when a guide file is malformed; the message names the file and the line."""

    def __init__(self, message: str, *, source: str, line: int) -> None:
        super().__init__(f"{source}:{line}: {message}")
        self.source = source
        self.line = line


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Step(_Frozen):
    """One checklist step; `body`, `notes` and `warnings` are Markdown."""

    id: str
    title: str
    kind: StepKind
    body: str
    section_id: str
    line: int
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


class Section(_Frozen):
    """A part of a guide: its own text, notes, warnings and steps, in document order."""

    id: str
    title: str
    body: str
    steps: tuple[Step, ...]
    notes: tuple[str, ...]
    warnings: tuple[str, ...]
    line: int


class Guide(_Frozen):
    """A parsed guide; `name` is the file stem used in cites (`"<name>#<section-id>"`)."""

    name: str
    title: str
    intro: str
    sections: tuple[Section, ...]

    @property
    def steps(self) -> tuple[Step, ...]:
        """Every step of every section, in document order."""
        return tuple(step for section in self.sections for step in section.steps)

    def step(self, step_id: str) -> Step:
        """Return the step with this id; KeyError if the guide has none."""
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(f"guide {self.name!r} has no step {step_id!r}")

    def section(self, section_id: str) -> Section:
        """Return the section with this id; KeyError if the guide has none."""
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(f"guide {self.name!r} has no section {section_id!r}")


class _Part:
    """A section or step being built: text chunks and callouts, before freezing."""

    def __init__(self, id_: str, title: str, line: int, kind: StepKind | None = None) -> None:
        self.id, self.title, self.line, self.kind = id_, title, line, kind
        self.chunks: list[str] = []
        self.notes: list[str] = []
        self.warnings: list[str] = []
        self.steps: list[_Part] = []

    @property
    def body(self) -> str:
        return "\n\n".join(self.chunks)

    @property
    def step_kind(self) -> StepKind:
        """A step's kind (the parser refuses a step without one)."""
        assert self.kind is not None, f"step {self.id!r} has no kind"
        return self.kind


class _Parser:
    """One pass over the top-level markdown-it blocks of a guide."""

    def __init__(self, text: str, source: str) -> None:
        self.lines = text.splitlines()
        self.source = source
        self.title: str | None = None
        self.intro: list[str] = []
        self.sections: list[_Part] = []
        self.ids: dict[str, int] = {}
        self.anchors: list[tuple[str, int]] = []

    def fail(self, message: str, line: int) -> GuideError:
        return GuideError(message, source=self.source, line=line)

    def run(self, tokens: Sequence[Token]) -> Guide:
        for block in _top_level_blocks(tokens):
            self._block(block)
        if self.title is None:
            raise self.fail("the guide has no '# Title' heading", 1)
        if not self.sections:
            raise self.fail("the guide has no '## Section {#id}' heading", len(self.lines) or 1)
        for anchor, line in self.anchors:
            if anchor not in self.ids:
                raise self.fail(f"link to '#{anchor}', which is no section or step id of this guide", line)
        return self._freeze()

    def _block(self, block: list[Token]) -> None:
        first = block[0]
        line = _line(first)
        self._check_inline(block)
        if first.type == "html_block":
            raise self.fail("raw HTML is not allowed in a guide; use Markdown", line)
        if first.type == "heading_open" and first.tag in ("h1", "h2", "h3"):
            self._heading(int(first.tag[1]), block[1].content, line)
            return
        if self.title is None:
            raise self.fail("a guide must start with its '# Title' heading", line)
        if first.type == "blockquote_open":
            self._callout(first, line)
            return
        self._target().chunks.append(self._source(first))

    def _heading(self, level: int, content: str, line: int) -> None:
        if level == 1:
            if self.title is not None:
                raise self.fail("a guide has exactly one '# Title' heading", line)
            title = content.strip()
            if not title:
                raise self.fail("the guide's title is empty", line)
            self.title = title
            return
        if self.title is None:
            raise self.fail("a guide must start with its '# Title' heading", line)
        what = "section" if level == 2 else "step"
        title, id_, kind = self._attrs(content, line, what)
        if level == 2:
            if kind is not None:
                raise self.fail(f"section {id_!r} takes an id only, not a kind ('.{kind}')", line)
            self.sections.append(_Part(id_, title, line))
            return
        if not self.sections:
            raise self.fail(f"step {id_!r} is outside a section: add a '## Section {{#id}}' above it", line)
        if kind is None:
            raise self.fail(f"step {id_!r} has no kind; add one of {_kinds()}", line)
        self.sections[-1].steps.append(_Part(id_, title, line, kind))

    def _attrs(self, content: str, line: int, what: str) -> tuple[str, str, StepKind | None]:
        match = _ATTRS.match(content)
        if match is None:
            example = "{#some-id}" if what == "section" else "{#some-id .action}"
            raise self.fail(f"{what} heading {content.strip()!r} has no id; end it with {example}", line)
        title = match["title"].strip()
        ids: list[str] = []
        kinds: list[str] = []
        for attr in match["attrs"].split():
            if attr.startswith("#"):
                ids.append(attr[1:])
            elif attr.startswith("."):
                kinds.append(attr[1:])
            else:
                raise self.fail(f"unknown heading attribute {attr!r}; use '#id' and '.kind'", line)
        if len(ids) != 1:
            raise self.fail(f"{what} heading needs exactly one '#id', found {len(ids)}", line)
        id_ = ids[0]
        if not _ID.fullmatch(id_):
            raise self.fail(f"invalid id {id_!r}: use lowercase letters, digits and single hyphens", line)
        if len(kinds) > 1:
            raise self.fail(f"{what} {id_!r} has {len(kinds)} kinds; give one of {_kinds()}", line)
        kind = kinds[0] if kinds else None
        if kind is not None and not _is_step_kind(kind):
            raise self.fail(f"unknown step kind '.{kind}' for {id_!r}; use one of {_kinds()}", line)
        if not title:
            raise self.fail(f"{what} {id_!r} has an empty title", line)
        if id_ in self.ids:
            raise self.fail(f"duplicate id {id_!r} (first used on line {self.ids[id_]})", line)
        self.ids[id_] = line
        return title, id_, kind

    def _callout(self, first: Token, line: int) -> None:
        inner = "\n".join(_unquote(text) for text in self._source(first).splitlines()).strip()
        match = _CALLOUT.match(inner)
        if match is None:
            raise self.fail("a quote must start with **Note** or **Warning**", line)
        text = inner[match.end():].strip()
        if not text:
            raise self.fail(f"empty **{match['kind'].capitalize()}**", line)
        if not self.sections:
            raise self.fail("notes and warnings belong in a section, not before the first '##' heading", line)
        target = self._target()
        assert isinstance(target, _Part)  # there is a section (checked above), so the target is a part
        (target.warnings if match["kind"].lower() == "warning" else target.notes).append(text)

    def _check_inline(self, block: list[Token]) -> None:
        for token in block:
            for child in token.children or ():
                if child.type == "html_inline":
                    raise self.fail("raw HTML is not allowed in a guide; use Markdown", _line(token))
                href = child.attrGet("href") if child.type == "link_open" else None
                if isinstance(href, str) and href.startswith("#"):
                    self.anchors.append((href[1:], _line(token)))

    def _target(self) -> _Part | _IntroSink:
        if not self.sections:
            return _IntroSink(self.intro)
        section = self.sections[-1]
        return section.steps[-1] if section.steps else section

    def _source(self, token: Token) -> str:
        start, end = token.map or (0, 0)
        return "\n".join(self.lines[start:end]).strip("\n")

    def _freeze(self) -> Guide:
        sections = tuple(
            Section(
                id=section.id,
                title=section.title,
                body=section.body,
                notes=tuple(section.notes),
                warnings=tuple(section.warnings),
                line=section.line,
                steps=tuple(
                    Step(
                        id=step.id,
                        title=step.title,
                        kind=step.step_kind,
                        body=step.body,
                        section_id=section.id,
                        line=step.line,
                        notes=tuple(step.notes),
                        warnings=tuple(step.warnings),
                    )
                    for step in section.steps
                ),
            )
            for section in self.sections
        )
        assert self.title is not None
        return Guide(name=Path(self.source).stem, title=self.title, intro="\n\n".join(self.intro), sections=sections)


class _IntroSink:
    """Where text before the first section goes (the guide's intro)."""

    def __init__(self, chunks: list[str]) -> None:
        self.chunks = chunks


def _is_step_kind(kind: str) -> TypeGuard[StepKind]:
    return kind in STEP_KINDS


def _top_level_blocks(tokens: Sequence[Token]) -> Iterator[list[Token]]:
    """Group the flat token stream into top-level blocks (an opening token up to its close)."""
    block: list[Token] = []
    depth = 0
    for token in tokens:
        block.append(token)
        depth += token.nesting
        if depth == 0:
            yield block
            block = []


def _line(token: Token) -> int:
    return token.map[0] + 1 if token.map else 1


def _unquote(line: str) -> str:
    stripped = line.lstrip()
    if stripped.startswith(">"):
        stripped = stripped[1:]
        return stripped[1:] if stripped.startswith(" ") else stripped
    return line  # a lazy continuation line


def _kinds() -> str:
    return ", ".join(f"'.{kind}'" for kind in STEP_KINDS)


def parse_guide(text: str, *, source: str) -> Guide:
    """Parse a guide's Markdown; raise GuideError naming `source` and the line of the first problem."""
    return _Parser(text, source).run(_MD.parse(text))


def guide_names() -> tuple[str, ...]:
    """The guides shipped in `kb/guides/`, by file stem, sorted."""
    return tuple(sorted(path.stem for path in _GUIDES_DIR.glob("*.md")))


def load_guide(name: str) -> Guide:
    """Return the parsed guide `kb/guides/<name>.md`; parsed once and again only when the file changes.

    Costs one `stat` per call (pages ask once per step they render), never a directory listing.
    """
    path = _GUIDES_DIR / f"{name}.md"
    try:
        if not _ID.fullmatch(name):  # a guide name is an id: no path separators, no dots
            raise FileNotFoundError(name)
        stat = path.stat()
    except FileNotFoundError:
        raise KeyError(f"no guide named {name[:80]!r}; known guides: {', '.join(guide_names())}") from None
    return _parse_file(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=16)
def _parse_file(path: str, mtime_ns: int, size: int) -> Guide:
    del mtime_ns, size  # part of the cache key only: an edited file is parsed again
    return parse_guide(Path(path).read_text(encoding="utf-8"), source=path)


def link_guides(markdown: str, href: Callable[[str, str | None], str]) -> str:
    """Rewrite links to sibling guides (`name.md#section`) with `href(name, section)`, e.g. for the app."""

    def _replace(match: re.Match[str]) -> str:
        return f"]({href(match['name'], match['anchor'])})"

    return _GUIDE_LINK.sub(_replace, markdown)
