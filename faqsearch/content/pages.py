"""Read an HTML page saved from a help center into passages.

The page is parsed with BeautifulSoup (the standard library's ``html.parser`` backend, so no
compiled parser is needed). Page chrome is dropped: navigation, header, footer, asides, scripts,
styles, forms; only an article's own header keeps its paragraphs (the lead). What remains is read in document order as blocks: ``<h1>`` (or ``<title>``) is the
guide's title, ``<h2>`` a section, ``<h3>`` an item whose answer runs to the next heading, and the
FAQ patterns ``<details><summary>`` and ``<dt>``/``<dd>`` are items too. Lists become "- " lines,
ordered lists "1. " steps, nested lists indented by two spaces: the answer format the guides use
and the page renders. A page with a title and text but no section or item (a "fiche pratique")
is one entry whose question is its title. Headings and summaries are kept as written: on a help
center they already are the questions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PreformattedString

from ..errors import ContentError
from ..records.passage import Passage
from ..text.normalize import normalize, slug
from ..text.urls import web_url

CHROME = ("nav", "header", "footer", "aside", "script", "style", "form", "noscript", "template", "iframe",
          "svg", "button", "select", "head", "title", "meta", "link")
HEADINGS = {f"h{n}": n for n in range(1, 7)}
# Elements nested deeper than this are refused: the reader walks the tree recursively (two or
# three calls a level), and 10,000 nested <div> exhausted Python's recursion; real pages nest their
# text a few dozen levels at most.
MAX_DEPTH = 150
# Elements that end a line of running text; everything else is inline.
BLOCKS = {"p", "div", "section", "article", "main", "ul", "ol", "li", "dl", "dt", "dd", "details", "summary",
          "table", "tr", "pre", "blockquote", "figure", "figcaption", "hr", "br", "address", "center", *HEADINGS}


@dataclass(frozen=True)
class Block:
    """A unit of the page in reading order: a heading, some answer lines, or a question with its answer."""

    kind: str  # heading | text | qa
    line: int
    lines: tuple[str, ...] = ()
    level: int = 0
    title: str = ""


@dataclass
class _Item:
    title: str
    line: int
    lines: list[str] = field(default_factory=list)


@dataclass
class _Section:
    name: str
    line: int
    paragraphs: list[str] = field(default_factory=list)
    items: list[_Item] = field(default_factory=list)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", normalize(text)).strip()


class _Reader:
    """Turns the cleaned tree into blocks; ``base`` resolves relative links."""

    def __init__(self, base: str):
        self.base = base
        self.blocks: list[Block] = []

    # ----------------------------------------------------------------- inline text
    def inline(self, node) -> str:
        """The running text of ``node``: link targets in parentheses, ``<br>`` as a line break."""
        if isinstance(node, PreformattedString):  # comments, doctype, processing instructions
            return ""
        if isinstance(node, NavigableString):
            return str(node)
        if not isinstance(node, Tag):
            return ""
        if node.name == "br":
            return "\n"
        text = "".join(self.inline(child) for child in node.children)
        if node.name == "a":
            href = self.link(node.get("href"))
            label = _squash(text)
            if href and label and href.rstrip("/") != label.rstrip("/"):
                return f"{text} ({href})"
        return text

    def link(self, href) -> str:
        """An absolute http(s) link, or "" (anchors, scripts, relative links without a known page URL)."""
        if not isinstance(href, str) or not href.strip() or href.startswith("#"):
            return ""
        return web_url(urljoin(self.base, href.strip()) if self.base else href.strip())

    def lines_of(self, node) -> list[str]:
        return [line for line in (_squash(part) for part in self.inline(node).split("\n")) if line]

    # ------------------------------------------------------------------ lists, tables
    def list_lines(self, node: Tag, depth: int = 0) -> list[str]:
        out: list[str] = []
        ordered = node.name == "ol"
        number = int(node.get("start", 1)) if str(node.get("start", "1")).isdigit() else 1
        for li in node.find_all("li", recursive=False):
            # Inline pieces are glued as written ("<b>oublié</b>."), block ones (<p>) kept apart.
            own = _squash("".join(f" {self.inline(c)} " if isinstance(c, Tag) and c.name in BLOCKS else self.inline(c)
                                  for c in li.children if not (isinstance(c, Tag) and c.name in ("ul", "ol"))))
            marker = f"{number}. " if ordered else "- "
            if own:
                out.append("  " * depth + marker + own)
                number += 1
            for sub in li.find_all(["ul", "ol"], recursive=False):
                out.extend(self.list_lines(sub, depth + 1 if own else depth))
        return out

    def table_lines(self, node: Tag) -> list[str]:
        rows = []
        for tr in node.find_all("tr"):
            cells = [" ".join(self.lines_of(c)) for c in tr.find_all(["th", "td"], recursive=False)]
            if any(cells):
                rows.append(" | ".join(c for c in cells if c))
        return rows

    def answer_lines(self, nodes) -> list[str]:
        """The answer text of a sequence of nodes (the body of a ``<details>`` or a ``<dd>``)."""
        sub = _Reader(self.base)
        for node in nodes:
            sub.walk(node)
        return [line for b in sub.blocks for line in ((b.title,) if b.kind != "text" else ()) + b.lines if line]

    # ------------------------------------------------------------------------ blocks
    def text(self, lines: list[str], line: int) -> None:
        if lines:
            self.blocks.append(Block("text", line, tuple(lines)))

    def walk(self, node) -> None:
        """Append the blocks of ``node`` in reading order."""
        if not isinstance(node, Tag):
            text = "" if isinstance(node, PreformattedString) else _squash(str(node))
            if text:
                self.text([text], 0)
            return
        line = node.sourceline or 0
        name = node.name
        if name in HEADINGS:
            title = " ".join(self.lines_of(node))
            if title:
                self.blocks.append(Block("heading", line, level=HEADINGS[name], title=title))
        elif name in ("ul", "ol"):
            self.text(self.list_lines(node), line)
        elif name == "table":
            self.text(self.table_lines(node), line)
        elif name == "pre":
            self.text([text.rstrip() for text in node.get_text().splitlines() if text.strip()], line)
        elif name == "details":
            summary = node.find("summary")
            question = " ".join(self.lines_of(summary)) if summary else ""
            body = [c for c in node.children if c is not summary]
            if question:
                self.blocks.append(Block("qa", line, tuple(self.answer_lines(body)), title=question))
            else:
                self.walk_children(body)
        elif name == "dl":
            self.definitions(node)
        elif name == "hr":
            return
        elif any(isinstance(c, Tag) and c.name in BLOCKS for c in node.descendants):
            self.walk_children(list(node.children))
        else:
            self.text(self.lines_of(node), line)

    def walk_children(self, children) -> None:
        """Children in order; runs of inline content between blocks form one paragraph."""
        run: list = []

        def flush() -> None:
            if run:
                lines = [t for t in (_squash(p) for p in "".join(self.inline(n) for n in run).split("\n")) if t]
                first = next((n.sourceline for n in run if isinstance(n, Tag) and n.sourceline), 0)
                self.text(lines, first)
                run.clear()

        for child in children:
            if isinstance(child, Tag) and (child.name in BLOCKS or
                                           any(isinstance(d, Tag) and d.name in BLOCKS for d in child.descendants)):
                if child.name == "br":
                    run.append(child)
                    continue
                flush()
                self.walk(child)
            elif not isinstance(child, PreformattedString):
                run.append(child)
        flush()

    def definitions(self, node: Tag) -> None:
        question, answer, line = "", [], 0
        # <dt>/<dd> are the list's children, or its <div>s' (HTML allows one <div> per pair).
        pairs = [c for c in node.children if isinstance(c, Tag) and c.name in ("dt", "dd", "div")]
        items = [d for c in pairs for d in ([c] if c.name != "div" else c.find_all(["dt", "dd"], recursive=False))]
        for child in items:
            if child.name == "dt":
                if question:
                    self.blocks.append(Block("qa", line, tuple(answer), title=question))
                question, answer, line = " ".join(self.lines_of(child)), [], child.sourceline or 0
            elif question:
                answer.extend(self.answer_lines(list(child.children)))
            else:
                self.text(self.answer_lines(list(child.children)), child.sourceline or 0)
        if question:
            self.blocks.append(Block("qa", line, tuple(answer), title=question))


def check_depth(root: Tag, source: str, line: int = 1) -> None:
    """Refuse a tree nested deeper than MAX_DEPTH, naming the line of the first element too deep
    (``line``: where the HTML starts in its file)."""
    stack = [(root, 0)]
    while stack:  # iterative: the walk this protects cannot recurse that deep
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ContentError.at(source, line + max((node.sourceline or 1) - 1, 0),
                                  f"le HTML est imbriqué sur plus de {MAX_DEPTH} niveaux (des éléments les uns dans "
                                  "les autres) à partir de cette ligne : enregistrez la page depuis le navigateur, "
                                  "ou retirez les éléments en trop.")
        stack.extend((child, depth + 1) for child in node.children if isinstance(child, Tag))


def _keep_article_leads(root: Tag) -> None:
    """Replace the ``<header>`` of each article by its paragraphs.

    An article's own header holds its title and, often, the lead paragraph that sums the page
    up; dropping it like the site's banner would lose the best answer. Its other content
    (date, author, breadcrumbs, sharing buttons) is chrome all the same.
    """
    for header in root.find_all("header"):
        if header.find_parent("article") is None or header.get("role") == "banner":
            continue
        leads = [p.extract() for p in header.find_all("p")]
        if leads:
            header.replace_with(*leads)
        else:
            header.decompose()


def fragment_text(html: str, base: str = "", source: str = "", line: int = 1) -> str:
    """The text of an HTML fragment (an exported article's body), in the answer format of the
    guides: one line per paragraph, "- " and "1. " list lines, headings on their own line, link
    targets in parentheses; scripts, styles and forms dropped. ``source`` and ``line`` (where the
    fragment starts) place an error."""
    soup = BeautifulSoup(html, "html.parser")
    check_depth(soup, source, line)
    for tag in soup.find_all(("script", "style", "form", "noscript", "template", "iframe", "svg", "button", "select")):
        tag.decompose()
    return "\n".join(_Reader(base).answer_lines(list(soup.contents)))


def page_blocks(html: str, source: str = "") -> tuple[str, str, list[Block]]:
    """(title, canonical URL, blocks) of a saved page, chrome dropped."""
    soup = BeautifulSoup(html, "html.parser")
    check_depth(soup, source)
    url = ""
    canonical = soup.find("link", rel=lambda r: r and "canonical" in (r if isinstance(r, list) else r.split()))
    og = soup.find("meta", attrs={"property": "og:url"})
    if canonical is not None and canonical.get("href"):
        url = web_url(str(canonical["href"]).strip())
    elif og is not None and og.get("content"):
        url = web_url(str(og["content"]).strip())
    head_title = _squash(soup.title.get_text()) if soup.title else ""
    # The page's own heading: its main content's first <h1>, even inside an article <header>.
    root = soup.find("main") or soup.find(attrs={"role": "main"}) or soup.find("article") or soup.body or soup
    h1 = root.find("h1") or soup.find("h1")
    reader = _Reader(url)
    title = " ".join(reader.lines_of(h1)) if h1 is not None else ""
    if h1 is not None:
        h1.decompose()
    _keep_article_leads(root)
    for tag in root.find_all(CHROME):
        tag.decompose()
    for tag in root.find_all(attrs={"role": "navigation"}):
        tag.decompose()
    for tag in root.find_all(attrs={"hidden": True}):
        tag.decompose()
    if soup.head is not None and root is soup:
        soup.head.decompose()
    if not title:
        # "Carte d'identité | Service-Public.fr": the site's name after the separator is not the page's.
        title = re.split(r"\s+[|–—]\s+", head_title)[0] if head_title else ""
    reader.walk(root)
    return title, url, reader.blocks


def parse_page(html: str, name: str, source: str) -> list[Passage]:
    """Cut one saved HTML page into passages; ``name`` is the file stem (prefixes the ids).

    Raises :class:`ContentError` when the page has no title or no text.
    """
    title, url, blocks = page_blocks(html, source)
    if not title:
        raise ContentError.at(source, 1, "la page n'a pas de titre : ajoutez un <h1> (ou un <title>) qui dit de quoi elle parle.")
    intro: list[str] = []
    sections: list[_Section] = []
    item: _Item | None = None
    intro_line = 0
    for block in blocks:
        if block.kind == "heading" and block.level <= 2:
            sections.append(_Section(block.title, block.line))
            item = None
        elif (block.kind == "heading" and block.level == 3) or block.kind == "qa":
            if not sections:
                sections.append(_Section("", block.line))
            item = _Item(block.title, block.line, list(block.lines))
            sections[-1].items.append(item)
            if block.kind == "qa":
                item = None  # text after a <details> belongs to the section, not to its answer
        else:
            lines = [block.title] if block.kind == "heading" else list(block.lines)
            if item is not None:
                item.lines.extend(lines)
            elif sections:
                sections[-1].paragraphs.extend(lines)
            else:
                intro_line = intro_line or block.line
                intro.extend(lines)
    guide_id = slug(name)
    passages: list[Passage] = []

    def add(section: str, item_title: str, answer: list[str], line: int, key: str) -> None:
        text = "\n".join(answer).strip()
        if text:  # a heading left empty once the chrome is gone (a rating widget…) is not an entry
            pid = "/".join(p for p in (guide_id, slug(section) if section else "", key) if p)
            passages.append(Passage(pid, title, section, item_title, item_title, text,
                                    source=f"{source}:{max(line, 1)}", url=url))

    if intro:
        add("", title, intro, intro_line, slug(title) if not sections else "introduction")
    for section in sections:
        if section.paragraphs:
            add(section.name, section.name, section.paragraphs, section.line, "apercu")
        for it in section.items:
            add(section.name, it.title, it.lines, it.line, slug(it.title))
    if not passages:
        raise ContentError.at(source, 1, "la page ne contient aucun texte une fois la navigation retirée : "
                               "enregistrez la page complète de l'article.")
    return passages
