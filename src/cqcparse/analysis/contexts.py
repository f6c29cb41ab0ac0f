"""Block contexts: for each block, the open sections (key question, quality statement, section title)
and, for a bullet, the kind its list introduction sets by `context` rules."""

from __future__ import annotations

from cqcparse.analysis.classify import Context
from cqcparse.analysis.rules import RuleSet
from cqcparse.analysis.segment import Block, Heading


def block_contexts(
    text: str, bl: list[Block], headings: list[Heading | None], rules: RuleSet, *, use_topics: bool
) -> list[Context]:
    """The context of each block: the open sections (a heading closes those at its level or deeper)
    and, for a bullet, the list introduction (a block ending in ':') before it."""
    stack: list[Heading] = []
    list_ctx: tuple[str, str] | None = None
    context_rules = rules.of("context")
    out = []
    for b, h in zip(bl, headings):
        if h is not None:
            while stack and stack[-1].level >= h.level:
                stack.pop()
            stack.append(h)
            list_ctx = None
        elif not b.bullet:
            list_ctx = None
            line = text[b.start : b.end].rstrip()
            if line.endswith((":", " -", " \u2013")):  # "The provider should:" or "The provider should -"
                list_ctx = _list_context(line, context_rules)
        out.append(_context(stack, list_ctx if b.bullet else None, use_topics))
    return out


def _list_context(line: str, rules) -> tuple[str, str] | None:
    """The context a list introduction sets: the rule matching nearest the end of the line."""
    best: tuple[int, str, str] | None = None
    for r in rules:
        for m in r.compiled().finditer(line):
            if best is None or m.end() > best[0]:
                best = (m.end(), r.label, r.id)
    return (best[1], best[2]) if best else None


def _context(stack: list[Heading], list_ctx: tuple[str, str] | None, use_topics: bool) -> Context:
    kq = next((h.key_question for h in reversed(stack) if h.key_question), None)
    qs = next((h.quality_statement for h in reversed(stack) if h.quality_statement), None)
    kind, kind_rule = list_ctx or next(((h.context, h.rule) for h in reversed(stack) if h.context), (None, None))
    return Context(
        section=stack[-1].title if stack else None,
        key_question=kq,
        quality_statement=qs,
        kind=kind,
        kind_rule=kind_rule,
        use_topics=use_topics,
    )
