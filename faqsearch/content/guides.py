"""Cut a help-center guide (plain text copied from a page, or Markdown) into question-answer passages.

Pure logic: text in, passages out. The plain-text layout is the one a browser gives when a help
page is copied: a title block, numbered sections ("1. Support pour …"), bulleted items whose header
ends with " :" followed by their sub-bullets at the same indent, indented process steps and
sub-lists, then page chrome (ratings, comments, sharing). Markdown guides use ``#`` for the title,
``##`` for sections and either ``###`` headings or ``- Item :`` bullets for items.

Inside an item, reserved sub-bullets let an editor steer the result and are not shown:
``Question : …`` overrides the generated question, ``Canal : id`` sets the support channel, and
``Variante : …`` (several allowed) adds another phrasing of the question, indexed for search, and
``Public : …`` (or ``Forfaits : …``) says who the item is for (declared plans, or ``interne``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import ContentError
from ..records.passage import Passage
from ..text.normalize import fold, normalize, slug
from .audience import GUIDE_KEYS, split_values
from .questions import item_question, section_question, summary_question

# Page chrome around the guide's body; folded (lower case, no accents) before matching.
_HEADER_CHROME = (r"comment faire \(faq\)", r"temps estime\b.*", r"faq", r"sommaire")
_FOOTER_START = (
    r"\d+ \d+ votes?", r"article rating", r"s'abonner", r"notifier de", r"\d+ commentaires?",
    r"partager ce document", r"afficher tous les commentaires", r"retour d'information en ligne",
)
_CONCLUSION = {"conclusion", "en resume", "resume", "synthese", "pour conclure", "en bref"}
_BULLET = re.compile(r"^[•●◦▪‣∙○■□➢►\-\*–]\s+(.*)$")
_STEP = re.compile(r"^(\d{1,2})[.)]\s+(.*)$")
_RESERVED = {"question": "question", "canal": "channel", "channel": "channel", "variante": "variants",
             "variant": "variants", **{key: "audience" for key in GUIDE_KEYS}}


@dataclass(frozen=True)
class _Line:
    kind: str  # title | heading | item | bullet | step | para
    text: str
    indent: int
    number: int


@dataclass
class _Item:
    title: str
    line: int
    indent: int
    children: list[_Line] = field(default_factory=list)
    question: str = ""
    channel: str = ""
    variants: list[str] = field(default_factory=list)
    audience: str = ""


@dataclass
class _Section:
    name: str
    line: int
    paragraphs: list[str] = field(default_factory=list)
    items: list[_Item] = field(default_factory=list)


def _clean_markdown(text: str) -> str:
    text = re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r"\1 (\2)", text)
    return re.sub(r"(\*\*|__|`)", "", text).strip()


def _lex_text(lines: list[str]) -> list[_Line]:
    """Classify the lines of a plain-text page, dropping its chrome."""
    out: list[_Line] = []
    seen_title = False
    for number, raw in enumerate(lines, 1):
        stripped = raw.strip()
        if not stripped:
            out.append(_Line("blank", "", 0, number))
            continue
        folded = fold(stripped)
        if any(re.fullmatch(p, folded) for p in _FOOTER_START) and seen_title:
            break
        if not seen_title:
            if any(re.fullmatch(p, folded) for p in _HEADER_CHROME):
                continue
            out.append(_Line("title", stripped, 0, number))
            seen_title = True
            continue
        if re.fullmatch(_HEADER_CHROME[1], folded):
            continue
        indent = len(raw.expandtabs(4)) - len(raw.expandtabs(4).lstrip())
        bullet, step = _BULLET.match(stripped), _STEP.match(stripped)
        if bullet:
            out.append(_Line("bullet", bullet.group(1).strip(), indent, number))
        elif step and indent == 0 and len(stripped) < 120 and not stripped.endswith((".", ";")):
            out.append(_Line("heading", step.group(2).strip(), 0, number))
        elif step:
            out.append(_Line("step", stripped, indent, number))
        else:
            out.append(_Line("para", stripped, indent, number))
    # A short unpunctuated line standing alone at the margin ("Conclusion") is a heading too.
    for i, line in enumerate(out):
        alone = (i == 0 or out[i - 1].kind == "blank") and (i + 1 >= len(out) or out[i + 1].kind == "blank")
        if line.kind == "para" and line.indent == 0 and alone and len(line.text) <= 60 \
                and not re.search(r"[.:;!?,]$", line.text) and i + 1 < len(out):
            out[i] = _Line("heading", line.text, 0, line.number)
    return out


def _lex_markdown(lines: list[str]) -> list[_Line]:
    """Classify the lines of a Markdown guide."""
    out: list[_Line] = []
    for number, raw in enumerate(lines, 1):
        stripped = raw.strip()
        if not stripped:
            out.append(_Line("blank", "", 0, number))
            continue
        indent = len(raw.expandtabs(4)) - len(raw.expandtabs(4).lstrip())
        heading = re.match(r"^(#{1,6})\s+(.*?)\s*#*$", stripped)
        if heading:
            level, text = len(heading.group(1)), _clean_markdown(heading.group(2))
            kind = {1: "title", 2: "heading"}.get(level, "item")
            text = re.sub(r"^\d{1,2}[.)]\s+", "", text) if kind == "heading" else text
            out.append(_Line(kind, text, 0, number))
            continue
        bullet, step = _BULLET.match(stripped), _STEP.match(stripped)
        if bullet:
            out.append(_Line("bullet", _clean_markdown(bullet.group(1)), indent, number))
        elif step:
            out.append(_Line("step", _clean_markdown(stripped), indent, number))
        else:
            out.append(_Line("para", _clean_markdown(stripped), indent, number))
    return out


def _next_content(lines: list[_Line], i: int) -> _Line | None:
    for line in lines[i + 1 :]:
        if line.kind != "blank":
            return line
    return None


def _structure(lines: list[_Line], source: str) -> tuple[str, list[str], list[_Section]]:
    """Group classified lines into title, introduction and sections of items."""
    title = ""
    intro: list[str] = []
    sections: list[_Section] = []
    item: _Item | None = None
    for i, line in enumerate(lines):
        if line.kind == "blank":
            continue
        if line.kind == "title" and not title:
            title = line.text
            continue
        if line.kind in ("title", "heading"):
            sections.append(_Section(line.text, line.number))
            item = None
            continue
        section = sections[-1] if sections else None
        if line.kind == "item":
            if section is None:
                section = _Section("", line.number)
                sections.append(section)
            item = _Item(line.text.rstrip(" :"), line.number, -1)
            section.items.append(item)
            continue
        if line.kind == "bullet" and section is not None and _opens_item(line, item, _next_content(lines, i)):
            item = _Item(line.text.rstrip(" :").strip(), line.number, line.indent)
            section.items.append(item)
            continue
        if item is not None and (line.kind != "para" or line.indent > 0 or item.indent < 0):
            item.children.append(line)
            continue
        if line.kind == "bullet" and section is not None and " : " in line.text:
            # A lone "Clé : valeur" bullet outside any item is a one-line item of its own.
            key, value = line.text.split(" : ", 1)
            item = _Item(key.strip(), line.number, line.indent)
            item.children.append(_Line("para", value.strip(), line.indent, line.number))
            section.items.append(item)
            continue
        item = None
        (section.paragraphs if section is not None else intro).append(line.text)
    if not title:
        raise ContentError.at(source, 1, "le guide n'a pas de titre : mettez-le en première ligne (ou « # Titre » en Markdown).")
    return title, intro, sections


def _opens_item(line: _Line, item: _Item | None, following: _Line | None) -> bool:
    """Whether a bullet ending with ":" starts a new item rather than a sub-list inside one."""
    if not line.text.rstrip().endswith(":"):
        return False
    if item is None or item.indent < 0:
        return item is None
    deeper_next = following is not None and following.indent > line.indent and following.kind in ("bullet", "step", "para")
    if line.indent <= item.indent:
        # Same margin as the current item's header: a new item, unless it introduces a deeper
        # sub-list ("Numéros :" followed by indented numbers) in a page whose items are flat.
        flat = not item.children or item.children[0].indent == item.indent
        return not (deeper_next and flat and item.children)
    return False


def _render_children(item: _Item, source: str) -> str:
    """The item's answer text: sub-bullets as "- ", deeper levels indented, steps kept numbered."""
    body = item.children
    if not body:
        return ""
    base = min(c.indent for c in body)
    out: list[str] = []
    for child in body:
        key, _, value = child.text.partition(" : ")
        reserved = _RESERVED.get(fold(key.strip().rstrip(":").strip()))  # "Canal :" with nothing after, too
        if reserved and child.indent == base and (value or child.text.rstrip().endswith(":")):
            if not value.strip():  # an editor who meant to steer the item must not be silently ignored
                example = {"channel": "Canal : email", "variants": "Variante : Comment … ?",
                           "audience": "Public : interne"}.get(reserved, "Question : Comment … ?")
                raise ContentError.at(source, child.number, f"« {key.strip().rstrip(':').strip()} : » est vide dans "
                                 f"« {item.title} » : complétez-le (par exemple « {example} ») ou supprimez la ligne.")
            if reserved == "variants":
                item.variants.append(value.strip())
            else:
                setattr(item, reserved, value.strip())
            continue
        depth = "  " * ((child.indent - base + 1) // 2 if child.indent > base else 0)
        # Steps keep their own number ("1. …"); only bullets need a marker written back.
        out.append(f"{depth}- {child.text}" if child.kind == "bullet" else f"{depth}{child.text}")
    return "\n".join(out)


def parse_guide(text: str, name: str, markdown: bool = False, source: str | None = None) -> list[Passage]:
    """Cut one guide into passages.

    ``name`` is the file's stem and prefixes every passage id; ``source`` names the file in errors.
    Raises :class:`ContentError` with a line number when the guide cannot be used as it is.
    """
    source = source or name
    lines = normalize(text.lstrip("\ufeff")).splitlines()
    classified = _lex_markdown(lines) if markdown else _lex_text(lines)
    title, intro, sections = _structure(classified, source)
    guide_id = slug(name)
    passages: list[Passage] = []

    def add(section: str, item_title: str, question: str, answer: str, line: int, channel: str = "", key: str = "",
            variants: tuple[str, ...] = (), audience: str = "") -> None:
        # However long: the build cuts long answers into chunks the model can read (see chunking).
        answer = answer.strip()
        pid = "/".join(p for p in (guide_id, slug(section) if section else "", key or slug(item_title)) if p)
        passages.append(Passage(pid, title, section, item_title, question, answer, channel, source=f"{source}:{line}",
                                variants=tuple(dict.fromkeys(variants)), audience=split_values(audience)))

    if intro:
        question = title if title.endswith("?") else f"De quoi parle le guide « {title} » ?"
        add("", "Introduction", question, "\n".join(intro), 1, key="introduction")
    for section in sections:
        if section.paragraphs:
            conclusion = fold(section.name) in _CONCLUSION
            question = summary_question(title) if conclusion else section_question(section.name)
            add(section.name, section.name, question, "\n".join(section.paragraphs), section.line,
                key="resume" if conclusion else "apercu")
        for item in section.items:
            answer = _render_children(item, source)
            if not answer:
                raise ContentError.at(source, item.line, f"l'élément « {item.title} » n'a pas de texte : ajoutez ses sous-puces ou supprimez-le.")
            question = item.question or item_question(item.title, section.name)
            if not question.endswith("?"):
                question = question.rstrip(" .") + " ?"
            add(section.name, item.title, question, answer, item.line, item.channel, variants=tuple(item.variants),
                audience=item.audience)
    if not passages:
        raise ContentError.at(source, 1, "aucun passage trouvé : le guide est vide ou ne contient que l'habillage de la page.")
    return passages
