"""Render onus's Markdown with a CommonMark parser (GFM tables on) and report
every element that came from data rather than from onus's own layout.

Usage: check_markdown.py REPORT.md -> prints a JSON list of problems (empty: clean).
       check_markdown.py --plan PLAN.md -> prints {"problems": [...], "rows": [[cell, ...], ...]}:
       an `onus plan` page, whose per-asset headings hold an (escaped) asset name,
       with the text of every table body row's cells.
"""
import json
import re
import sys

from markdown_it import MarkdownIt

plan = sys.argv[1] == "--plan"
md = MarkdownIt("commonmark").enable("table").enable("strikethrough")
text = open(sys.argv[-1], encoding="utf-8").read()
tokens = md.parse(text)
problems = []

# onus's own headings, HTML blocks and inline HTML: everything else is data.
OWN_HEADINGS = re.compile(
    r"^(onus: shared responsibility audit|New gaps|Expired waivers)$"
)
if plan:
    # The plan's own headings, and one per asset: its name and kind (the
    # inline checks below still refuse links, HTML and mentions in them).
    OWN_HEADINGS = re.compile(r"^(onus plan: .*|Compliance.*|.+ `[^`]+`)$")
rows = []
cell = None
OWN_HTML = re.compile(r"^\s*(<details><summary>[^<]*</summary>|</details>)\s*$")


def walk(tokens):
    for t in tokens:
        yield t
        if t.children:
            yield from walk(t.children)


header_cells = None
row_cells = 0
heading = False
for t in walk(tokens):
    if t.type == "heading_open":
        heading = True
    elif t.type == "inline" and heading:
        heading = False
        if not OWN_HEADINGS.match(t.content):
            problems.append(f"heading from data: {t.content!r}")
    elif t.type in ("link_open", "image", "autolink"):
        problems.append(f"{t.type}: {t.attrs}")
    elif t.type == "html_inline":
        problems.append(f"inline HTML: {t.content!r}")
    elif t.type == "html_block" and not OWN_HTML.match(t.content):
        problems.append(f"HTML block: {t.content!r}")
    elif t.type in ("bullet_list_open", "ordered_list_open") and t.level > 0:
        problems.append("a list nested in a list item")
    elif t.type in ("em_open", "strong_open", "s_open") and t.markup not in ("_", "**"):
        problems.append(f"{t.type} from data ({t.markup})")
    elif t.type == "thead_open":
        header_cells, row_cells = 0, 0
    elif t.type == "th_open":
        header_cells += 1
    elif t.type == "tr_open":
        row_cells = 0
        current = []
    elif t.type == "td_open":
        row_cells += 1
        cell = True
    elif t.type == "inline" and cell:
        current.append(t.content)
        cell = None
    elif t.type == "td_close":
        if cell:
            current.append("")
        cell = None
    elif t.type == "tr_close":
        if row_cells and header_cells and row_cells != header_cells:
            problems.append(f"a table row of {row_cells} cells under {header_cells} headers")
        if row_cells:
            rows.append(current)
    elif t.type == "text":
        # GitHub links @mentions and bare URLs in text: data must not make them.
        if re.search(r"(^|[^\w\u2060])@[A-Za-z0-9]", t.content):
            problems.append(f"mention: {t.content!r}")
        if re.search(r"https?://|www\.(?!\u2060)", t.content):
            problems.append(f"bare URL: {t.content!r}")
        if any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in t.content):
            problems.append(f"control character: {t.content!r}")

print(json.dumps({"problems": problems, "rows": rows} if plan else problems))
