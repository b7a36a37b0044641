"""Which columns a listing shows on a screen of a given width, and how: a pure function, tested without a terminal.

Every table names its columns' roles in a :class:`Layout` (the listings' layouts are declared in one
place, :mod:`.layouts`):

- **ids** are shown whole, on one line, never cut with "…" (they are what a reader copies into
  `kb show ID`);
- **content** columns (a summary, a statement, a value with its unit) are kept; running text wraps
  and gets the spare width;
- **drop** columns go first, in the order given, when the screen is too narrow; columns the layout
  does not name go next, from the right (reference lists such as `sources` before the others).

When the ids and the content do not fit side by side with at least :data:`TEXT_COMFORT` characters
of text, the first text column is *stacked* under the first id column: each cell holds the id on its
first line and the text, wrapped, below it. Content is dropped only when even that does not fit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Columns of running text: wrapped at spaces, as wide as the screen allows.
TEXT_COLUMNS = {"summary", "statement", "text", "title", "note", "reason", "description", "justification",
                "explanation", "formula"}
#: Columns of references: one line, elided with … (the full list is in --format json|csv and `kb show ID`).
ELIDED_COLUMNS = {"sources", "evidence", "source", "holders", "citation", "url"}
MAX_TOKEN = 40       # a single token (a path, a name) longer than this is elided rather than pushing others off
TEXT_MIN = 12        # the narrowest a wrapped text column gets
TEXT_COMFORT = 28    # narrower than this, text content is stacked under the id rather than squeezed


@dataclass(frozen=True)
class Layout:
    """The roles of a table's columns (names absent from a table are ignored).

    join: display columns made of several (e.g. value and unit), shown in tables only; json and csv keep
    the parts apart.
    """

    ids: tuple[str, ...] = ("id",)
    content: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()
    join: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass
class Plan:
    """The layout chosen for one screen: columns shown (indices into the table's columns, in order), their
    widths and kinds (`id`, `token`, `text`, `elided`), and the text column stacked under the first id
    column, if any (its index; it is not among `shown`)."""

    shown: list[int]
    widths: list[int]
    kinds: list[str]
    stacked: int | None = None
    hidden: list[int] = field(default_factory=list)


def overhead(n: int) -> int:
    """Borders and one space of padding each side of n columns (Rich's default box)."""
    return 3 * n + 1


def plan(cols: list[str], cells: list[list[str]], width: int, layout: Layout | None = None,
         no_wrap: tuple[str, ...] = ()) -> Plan:
    """The columns to show on a screen `width` wide (see the module docstring for the rules)."""
    layout = layout or Layout()
    n = len(cols)
    ids = [k for k in range(n) if cols[k] in layout.ids]
    content = [k for k in range(n) if cols[k] in layout.content and k not in ids]

    def kind(k: int) -> str:
        if k in ids:
            return "id"
        if cols[k] in no_wrap:
            return "token"
        if cols[k] in ELIDED_COLUMNS and k not in content:
            return "elided"
        if cols[k] in TEXT_COLUMNS or any(" " in r[k] and len(r[k]) > 24 for r in cells):
            return "text"
        return "token"

    kinds = [kind(k) for k in range(n)]
    natural = [max([len(cols[k]), *(len(r[k]) for r in cells)]) for k in range(n)]

    def least(k: int, comfortable: bool) -> int:
        head = len(cols[k])
        if kinds[k] == "id":
            return natural[k]
        if kinds[k] == "token":
            return natural[k] if k in content else min(natural[k], max(head, MAX_TOKEN))
        longest_word = max((len(w) for r in cells for w in r[k].split()), default=0)
        floor = TEXT_COMFORT if comfortable and k in content else (TEXT_MIN if kinds[k] == "text" else 8)
        return min(natural[k], max(head, floor, min(longest_word, 20)))

    texts = [k for k in content if kinds[k] == "text"]
    stackable = texts[0] if ids and texts else None

    def need(shown: list[int], stacked: int | None) -> int:
        total = overhead(len(shown))
        for k in shown:
            total += max(least(k, True), TEXT_COMFORT if stacked is not None and k == ids[0] else 0)
        return total

    # the kept columns: ids and content, side by side or with the first text stacked under the first id
    keep = sorted(set(ids) | set(content))
    stacked = None
    if need(keep, None) > width and stackable is not None:
        stacked = stackable
        keep = [k for k in keep if k != stacked]
    while need(keep, stacked) > width:   # a very narrow screen: content goes, from the right (ids never)
        removable = [k for k in keep if k not in ids]
        if not removable or len(keep) == 1:
            break
        keep.remove(removable[-1])

    # then the others, most valuable first: unnamed columns left to right (references last), then the
    # droppable ones in the reverse of the order they are dropped in
    declared = [k for c in layout.drop for k in range(n) if cols[k] == c and k not in keep and k != stacked]
    others = [k for k in range(n) if k not in keep and k != stacked and k not in declared]
    others = [k for k in others if kinds[k] != "elided"] + [k for k in others if kinds[k] == "elided"]
    shown = list(keep)
    for k in others:
        if need(sorted([*shown, k]), stacked) <= width:
            shown = sorted([*shown, k])
    for k in declared[::-1]:   # in order of value: once one does not fit, the less valuable stay out too
        if need(sorted([*shown, k]), stacked) > width:
            break
        shown = sorted([*shown, k])

    widths = [least(k, False) for k in shown]
    if stacked is not None:
        i = shown.index(ids[0])
        widths[i] = max(widths[i], TEXT_COMFORT)
    spare = width - sum(widths) - overhead(len(shown))
    # the spare width goes to text first (the stacked column counts as text), then references, then tokens
    stretch = {k: natural[k] for k in shown}
    if stacked is not None:
        stretch[ids[0]] = max(natural[ids[0]], natural[stacked])
    for want in ("text", "elided", "token"):
        for i, k in enumerate(shown):
            if spare <= 0:
                break
            is_want = kinds[k] == want or (want == "text" and stacked is not None and k == ids[0])
            if is_want and stretch[k] > widths[i]:
                add = min(spare, stretch[k] - widths[i])
                widths[i] += add
                spare -= add
    hidden = [k for k in range(n) if k not in shown and k != stacked]
    return Plan(shown, widths, [kinds[k] for k in shown], stacked, hidden)
