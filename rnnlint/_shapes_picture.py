"""Pictures of the shapes: a self-contained HTML page (inline SVG and CSS) and Mermaid.

Drawn from ``shapes_data``'s dicts alone (docs/shapes-json.md): no analysis, no torch.
"""

from __future__ import annotations

import itertools
from html import escape

# geometry of one recurrent grid, in SVG user units
CELL_W, CELL_H, COL_GAP, ROW_GAP, LAYER_GAP = 78, 34, 34, 16, 26
SLOT_W = 96
STEP_COLUMNS = 4  # t=1, t=2, ..., t=seq


def html_page(files: list, title: str = "rnnlint shapes") -> str:
    """One page for the files' module classes: the layers, a grid per recurrent layer, the
    forward shapes and the findings."""
    sections: list[str] = []
    for data in files:
        for entry in data["classes"]:
            sections.append(_class_section(data["path"], entry, f"s{len(sections)}"))
        for finding in data["findings"]:
            sections.append(f'<p class="finding">{escape(_finding_line(data["path"], finding))}</p>')
    if not sections:
        sections.append("<p>No <code>nn.Module</code> classes found.</p>")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"<h1>{escape(title)}</h1>\n" + "\n".join(sections) + "\n</body>\n</html>\n"
    )


_CSS = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px; color: #1d232b; background: #fff; }
h1 { font-size: 20px; margin: 0 0 12px; }
h2 { font-size: 17px; margin: 28px 0 6px; border-bottom: 1px solid #d7dce2; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 16px 0 4px; }
code, .mono, td.mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size: 13px; }
table { border-collapse: collapse; margin: 6px 0 12px; }
td, th { border: 1px solid #d7dce2; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f3f5f8; font-weight: 600; }
.finding { color: #b3261e; font-weight: 600; }
.when { color: #5b6470; font-style: italic; }
figure { margin: 8px 0 18px; }
figcaption { color: #5b6470; font-size: 13px; }
svg { max-width: 100%; height: auto; }
svg text { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; }
"""  # noqa: E501 - the style sheet goes into every page as written


def _class_section(path: str, entry: dict, ident: str = "s0") -> str:
    parts = [f'<section class="module"><h2>class <code>{escape(entry["name"])}</code> '
             f'<span class="when">{escape(path)}:{entry["location"]["row"]}</span></h2>']
    if entry["layers"]:
        table = "".join(
            f'<tr><td class="mono">{escape(layer["attribute"])}</td><td class="mono">{escape(layer["text"])}</td></tr>'
            for layer in entry["layers"])
        parts.append(f"<table><tr><th>layer</th><th>configuration</th></tr>{table}</table>")
    for call_index, call in enumerate(entry["recurrent"]):
        for case_index, case in enumerate(call["cases"][:4]):
            if case["num_directions"] is None or case["batch_first"] is None:
                # precision first: no grid drawn on a guess
                parts.append(f'<p class="when"><code>{escape(call["attribute"] or call["kind"])}</code>: '
                             f'{"bidirectional" if case["num_directions"] is None else "batch_first"} is not known '
                             "from this file, so no picture is drawn.</p>")
                continue
            svg = recurrent_svg(entry, call, case, ident=f"{ident}-{call_index}-{case_index}")
            parts.append(_figure(call, case, svg))
    if entry["forward"]:
        rows = []
        for line in entry["forward"]:
            for tensor in line["tensors"]:
                rows.append(f'<tr><td>{line["row"]}</td><td class="mono">{escape(line["code"])}</td>'
                            f'<td class="mono">{escape(tensor["name"])}</td>'
                            f'<td class="mono">{escape(tensor["text"])}</td>'
                            f'<td class="mono">{escape(_axes_text(tensor))}</td></tr>')
        parts.append("<h3>forward</h3><table><tr><th>line</th><th>code</th><th>name</th><th>shape</th>"
                     "<th>axes</th></tr>" + "".join(rows) + "</table>")
    findings = _class_findings(entry)
    if findings:
        parts.append("<h3>findings</h3>" + "".join(
            f'<p class="finding">{escape(_finding_line(path, finding))}</p>' for finding in findings))
    parts.append("</section>")
    return "\n".join(parts)


def _class_findings(entry: dict) -> list:
    found = list(entry["findings"])
    for layer in entry["layers"]:
        found.extend(layer["findings"])
    for line in entry["forward"]:
        found.extend(line["findings"])
    return sorted(found, key=lambda finding: (finding["location"]["row"], finding["location"]["column"],
                                              finding["code"]))


def _finding_line(path: str, finding: dict) -> str:
    location = finding["location"]
    return f'{path}:{location["row"]}:{location["column"]}: {finding["code"]} {finding["message"]}'


def _axes_text(value: dict) -> str:
    texts = []
    for case in value["cases"]:
        if case.get("axes"):
            texts.append(" × ".join(name or "?" for name in case["axes"]))
    return " | ".join(dict.fromkeys(texts))


# --- one recurrent layer as a grid -------------------------------------------------------------


def _figure(call: dict, case: dict, svg: str) -> str:
    label = call["attribute"] or call["kind"]
    when = " and ".join(f'{item["condition"]} is {"true" if item["is"] else "false"}' for item in case["when"])
    caption = (f"<code>{escape(label)}</code>: {escape(call['kind'])}, "
               f"{escape(_layers_words(case))}, {escape(_direction_words(case))}, "
               f"{'batch_first' if case['batch_first'] else 'sequence first'}, "
               f"called at line {call['location']['row']}")
    if when:
        caption += f' <span class="when">when {escape(when)}</span>'
    return f"<figure>{svg}<figcaption>{caption}</figcaption></figure>"


def _layers_words(case: dict) -> str:
    layers = case["num_layers"]
    if layers == 1:
        return "1 layer"
    return f"{layers} layers" if layers is not None else "unknown number of layers"


def _direction_words(case: dict) -> str:
    words = {1: "one direction", 2: "two directions (forward and backward)"}
    return words.get(case["num_directions"], "directions unknown")


class _Canvas:
    def __init__(self, ident: str):
        self.items: list = []
        self.ident = ident  # marker ids are unique on a page that holds several pictures

    def rect(self, x, y, w, h, fill, stroke="#4a5563", width=1.2, rx=6, dash=None):
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        self.items.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" rx="{rx}" fill="{fill}" '
                          f'stroke="{stroke}" stroke-width="{width}"{extra}/>')

    def text(self, x, y, content, size=12, anchor="middle", fill="#1d232b", weight="normal"):
        self.items.append(f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}" '
                          f'font-weight="{weight}">{escape(content)}</text>')

    def line(self, points, color="#4a5563", width=1.4):
        """An arrow along ``points``."""
        path = "M " + " L ".join(f"{x:.1f} {y:.1f}" for x, y in points)
        marker = f' marker-end="url(#{"arrow-red" if color == RED else "arrow"}-{self.ident})"'
        self.items.append(f'<path d="{path}" fill="none" stroke="{color}" stroke-width="{width}"{marker}/>')


RED, BLUE, ORANGE, GREY = "#b3261e", "#dbe8fb", "#fde5cc", "#eef0f3"


def recurrent_svg(entry: dict, call: dict, case: dict, ident: str = "0") -> str:
    """The grid of time steps x layers (x directions) of one recurrent call under one
    configuration, with its input, output, h_n/c_n, the slices forward reads and the findings."""
    directions = case["num_directions"] or 1
    layers = _drawn_layers(case["num_layers"])
    findings = _findings_by_place(entry, call)
    seq = _axis_size(case["output"], "seq") or _axis_size(case.get("expected_input"), "seq") or "seq"
    # the reads (and heads fed by them) that happen under this configuration
    cells = {index: found for index, read in enumerate(call["reads"])
             if (found := _case_under(read["cases"], case["when"])) is not None}
    reads = cells
    heads = {index: head for index, head in enumerate(call.get("heads", [])) if set(head["reads"]) & set(cells)}

    # vertical bands, top to bottom: heads, reads, output row, layer rows, input row
    head_top = 30
    head_h = 46 if heads else 0
    read_top = head_top + head_h + (44 if heads else 0)
    read_h = 30 if reads else 0
    output_top = max(56, read_top + read_h + (52 if reads else 0))
    rows: list[tuple] = []  # (label, layer index, direction, y)
    y: float = output_top + CELL_H + 40
    for layer in reversed(layers):
        if layer is None:
            rows.append(("⋮", None, None, y))
            y += CELL_H * 0.6 + LAYER_GAP
            continue
        for direction in (reversed(range(directions))):
            rows.append((_layer_label(layer, case["num_layers"]), layer, direction, y))
            y += CELL_H + ROW_GAP
        y += LAYER_GAP - ROW_GAP
    input_top = y + 24
    height = input_top + CELL_H + 64
    state_text = _state_label(call, case)
    if state_text:
        height += 30

    side = max(90, 7.4 * max([len(_row_label(row, directions)) for row in rows] + [6]) + 24)
    left = side + (SLOT_W + 24 if directions == 2 else 0)
    columns = [left + index * (CELL_W + COL_GAP) for index in range(STEP_COLUMNS)]
    right = columns[-1] + CELL_W
    slot_x = right + 40
    out_text = _shape_label("output", case["output"])
    state_label = _shape_label("h_n", case["h_n"])
    cell_label = _shape_label("c_n", case["c_n"]) if case.get("c_n") else None
    if cell_label:
        cell_label = (cell_label[0] + " (same slots)", cell_label[1])
    input_text = _input_label(call, case)
    widest = max(len(text) for text in out_text + state_label + (cell_label or ("",)))
    width = max(slot_x + SLOT_W + 30, right + 40 + 7.3 * widest + 20,
                left + 7.3 * max(len(text) for text in input_text + (state_text,)) + 20)
    steps = ["t=1", "t=2", "⋯", f"t={seq}"]
    canvas = _Canvas(ident)
    kind = call["kind"]

    # input row
    for index, x in enumerate(columns):
        if index == 2:
            canvas.text(x + CELL_W / 2, input_top + CELL_H / 2 + 4, "⋯", size=16)
            continue
        canvas.rect(x, input_top, CELL_W, CELL_H, GREY)
        canvas.text(x + CELL_W / 2, input_top + CELL_H / 2 + 4, f"x[{steps[index][2:]}]" if index != 3 else f"x[{seq}]")
    canvas.text(side - 12, input_top + CELL_H / 2 + 4, "input", anchor="end", weight="bold")
    canvas.text(left, input_top + CELL_H + 22, input_text[0], anchor="start", size=12)
    canvas.text(left, input_top + CELL_H + 40, input_text[1], anchor="start", size=11, fill="#5b6470")
    if state_text:
        canvas.text(left, input_top + CELL_H + 74, state_text, anchor="start", size=12,
                    fill=RED if findings["state"] else "#2f6f3e")

    # layer rows: cells, recurrence arrows, the final states
    slot_centres: dict = {}  # (layer, direction) -> (x, y) of its h_n slot's centre
    for label, layer, direction, row_y in rows:
        if layer is None:
            for x in columns:
                canvas.text(x + CELL_W / 2, row_y + 14, "⋮", size=16)
            canvas.text(side - 12, row_y + 14, "⋮", anchor="end", size=16)
            continue
        fill = ORANGE if direction == 1 else BLUE
        canvas.text(side - 12, row_y + CELL_H / 2 + 4, _row_label((label, layer, direction, row_y), directions),
                    anchor="end", weight="bold")
        for index, x in enumerate(columns):
            if index == 2:
                canvas.text(x + CELL_W / 2, row_y + CELL_H / 2 + 4, "⋯", size=16)
                continue
            canvas.rect(x, row_y, CELL_W, CELL_H, fill)
            canvas.text(x + CELL_W / 2, row_y + CELL_H / 2 + 4, f"{kind} cell", size=11)
        for index in range(STEP_COLUMNS - 1):
            start, end = columns[index] + CELL_W, columns[index + 1]
            if direction == 1:
                canvas.line([(end, row_y + CELL_H / 2), (start + 2, row_y + CELL_H / 2)])
            else:
                canvas.line([(start, row_y + CELL_H / 2), (end - 2, row_y + CELL_H / 2)])
        # the final state: forward after t=seq (right), backward after t=1 (left)
        slot_index = _slot_name(layer, direction, directions, case["num_layers"])
        if direction == 1:
            sx = side
            canvas.line([(columns[0], row_y + CELL_H / 2), (sx + SLOT_W + 2, row_y + CELL_H / 2)])
        else:
            sx = slot_x
            canvas.line([(right, row_y + CELL_H / 2), (sx - 2, row_y + CELL_H / 2)])
        canvas.rect(sx, row_y, SLOT_W, CELL_H, "#ffffff", stroke="#2f6f3e", width=1.6)
        canvas.text(sx + SLOT_W / 2, row_y + CELL_H / 2 + 4, slot_index, size=12, weight="bold", fill="#2f6f3e")
        slot_centres[(layer, direction)] = (sx + SLOT_W / 2, row_y)

    # vertical flow: input -> first layer -> ... -> output
    ordered = [row for row in reversed(rows) if row[1] is not None]
    for index, x in enumerate(columns):
        if index == 2:
            continue
        cx = x + CELL_W / 2
        canvas.line([(cx, input_top), (cx, ordered[0][3] + CELL_H + 2)], color="#8a94a3", width=1)
        for lower, upper in itertools.pairwise(ordered):
            if lower[1] != upper[1]:  # a layer reads the outputs of the layer below it
                canvas.line([(cx, lower[3]), (cx, upper[3] + CELL_H + 2)], color="#8a94a3", width=1)
        canvas.line([(cx, rows[0][3]), (cx, output_top + CELL_H + 2)], color="#8a94a3", width=1)

    # output row: both directions of the last layer at every step
    for index, x in enumerate(columns):
        if index == 2:
            canvas.text(x + CELL_W / 2, output_top + CELL_H / 2 + 4, "⋯", size=16)
            continue
        if directions == 2:
            canvas.rect(x, output_top, CELL_W / 2, CELL_H, BLUE, rx=3)
            canvas.rect(x + CELL_W / 2, output_top, CELL_W / 2, CELL_H, ORANGE, rx=3)
        else:
            canvas.rect(x, output_top, CELL_W, CELL_H, BLUE)
        step = "0" if index == 0 else ("1" if index == 1 else "-1")
        canvas.text(x + CELL_W / 2, output_top - 6, _output_index(case, step), size=11, fill="#5b6470")
    canvas.text(side - 12, output_top + CELL_H / 2 + 4, "output", anchor="end", weight="bold")
    for index, x in enumerate(columns):
        canvas.text(x + CELL_W / 2, input_top - 8, steps[index], size=11, fill="#5b6470")

    # the shapes, with their axis names
    canvas.text(right + 40, output_top + 14, out_text[0], anchor="start", size=12)
    canvas.text(right + 40, output_top + 30, out_text[1], anchor="start", size=11, fill="#5b6470")
    canvas.text(slot_x - 10, input_top + CELL_H + 22, state_label[0], anchor="start", size=12, fill="#2f6f3e")
    canvas.text(slot_x - 10, input_top + CELL_H + 40, state_label[1], anchor="start", size=11, fill="#5b6470")
    if cell_label:
        canvas.text(slot_x - 10, input_top + CELL_H + 56, cell_label[0], anchor="start", size=12,
                    fill="#2f6f3e")
        height += 18
    # where each direction's final state comes from
    canvas.text(slot_x + SLOT_W / 2, input_top - 8, "→ after t=" + str(seq), size=11, fill="#2f6f3e")
    if directions == 2:
        canvas.text(side + SLOT_W / 2, input_top - 8, "← after t=1", size=11, fill="#2f6f3e")

    # the reads, each above the cells it takes, and the heads they feed
    read_boxes = {}
    read_w = 150
    sources = {index: _read_sources(call["reads"][index], cells[index], columns, output_top, slot_centres, directions)
               for index in reads}
    wanted = {index: sum(x for x, _ in points) / len(points) if points else left + CELL_W
              for index, points in sources.items()}
    order = sorted(reads, key=lambda index: (wanted[index], index))
    placed = {}
    edge = 12.0
    for index in order:
        x = max(edge, wanted[index] - read_w / 2)
        placed[index] = x
        edge = x + read_w + 14
    width = max(width, edge + 10)
    for index in order:
        read = call["reads"][index]
        rx = placed[index]
        problem = findings["reads"].get(index)
        canvas.rect(rx, read_top, read_w, read_h, "#ffffff", stroke=RED if problem else "#1d232b",
                    width=2.4 if problem else 1.4)
        canvas.text(rx + read_w / 2, read_top + read_h / 2 + 4, _clip(read["text"], int(read_w / 7.4)), weight="bold",
                    fill=RED if problem else "#1d232b")
        read_boxes[index] = (rx + read_w / 2, read_top + read_h)
        colour = RED if problem else "#1f4e9a"
        level = read_top + read_h + 12 + 9 * order.index(index)
        for sx, sy in sources[index]:
            canvas.line([(sx, sy), (sx, level), (rx + read_w / 2, level), (rx + read_w / 2, read_top + read_h + 2)],
                        color=colour, width=1.8)
    head_corners = {}
    for index, head in heads.items():
        problem = findings["heads"].get(index)
        centres = [read_boxes[i][0] for i in head["reads"] if i in read_boxes] or [width / 2]
        hw = min(max(440, max(centres) - min(centres) + 60), width - 24)
        hx = min(max(12, (max(centres) + min(centres)) / 2 - hw / 2), width - hw - 12)
        head_corners[index] = (hx + hw, head_top)
        canvas.rect(hx, head_top, hw, head_h, "#f7f2ff", stroke=RED if problem else "#5b3c9a",
                    width=2.4 if problem else 1.6)
        name = head["attribute"] or head["kind"]
        under = _case_under(head.get("cases", []), case["when"]) or head
        canvas.text(hx + 10, head_top + 19, _clip(f"{name} = {head['kind']}(in_features={under['in_features']})",
                                                  int(hw / 7.4)), anchor="start", weight="bold",
                    fill=RED if problem else "#3d2a73")
        canvas.text(hx + 10, head_top + 37, _clip(f"receives {under['receives'] or '?'} from {head['argument']}",
                                                  int(hw / 7)), anchor="start", size=11)
        for read_index in head["reads"]:
            if read_index in read_boxes:
                bx, by = read_boxes[read_index]
                canvas.line([(bx, read_top), (bx, head_top + head_h + 2)], color=RED if problem else "#5b3c9a",
                            width=1.8)

    # findings where they happen: a numbered badge on the element, the message below
    notes: list = []  # (x, y) of the badge, finding
    for index, finding_list in sorted(findings["reads"].items()):
        if index in read_boxes:
            bx, _ = read_boxes[index]
            notes.extend(((bx + read_w / 2, read_top), finding) for finding in finding_list)
    for index, finding_list in sorted(findings["heads"].items()):
        if index in head_corners:
            notes.extend((head_corners[index], finding) for finding in finding_list)
    if findings["state"]:
        notes.extend(((left - 14, input_top + CELL_H + 70), finding) for finding in findings["state"])
    if findings["input"]:
        canvas.rect(left - 6, input_top - 6, right - left + 12, CELL_H + 12, "none", stroke=RED, width=2.4, dash="6 4")
        notes.extend(((right + 6, input_top - 6), finding) for finding in findings["input"])
    if findings["rnn"]:
        # the layer itself is wrong: outline the grid
        grid_top = output_top - 20
        canvas.rect(8, grid_top, width - 16, input_top + CELL_H + 10 - grid_top, "none", stroke=RED, width=2.4,
                    dash="6 4")
        notes.extend(((width - 8, grid_top), finding) for finding in findings["rnn"])
    lines_out = []
    for number, ((bx, by), finding) in enumerate(notes, start=1):
        canvas.items.append(f'<circle cx="{bx:.1f}" cy="{by:.1f}" r="10" fill="{RED}"/>')
        canvas.text(bx, by + 4, str(number), size=12, fill="#ffffff", weight="bold")
        wrapped = _wrap(f'{finding["code"]} (line {finding["location"]["row"]}): {finding["message"]}',
                        int((width - 70) / 7.3))
        lines_out.append((number, wrapped))
    if lines_out:
        top = height - 8
        count = sum(len(wrapped) for _, wrapped in lines_out)
        height += 18 * count + 8 * len(lines_out) + 12
        canvas.rect(8, top, width - 16, 18 * count + 8 * len(lines_out) + 8, "#fdecea", stroke=RED, width=1.6)
        y = top + 18
        for number, wrapped in lines_out:
            canvas.items.append(f'<circle cx="26" cy="{y - 4:.1f}" r="9" fill="{RED}"/>')
            canvas.text(26, y, str(number), size=11, fill="#ffffff", weight="bold")
            for text in wrapped:
                canvas.text(44, y, text, anchor="start", size=12, fill=RED, weight="bold")
                y += 18
            y += 8

    # legend: which colour is which direction
    if directions == 2:
        canvas.rect(width - 250, 8, 14, 14, BLUE, rx=2)
        canvas.text(width - 230, 19, "forward →", anchor="start", size=11)
        canvas.rect(width - 140, 8, 14, 14, ORANGE, rx=2)
        canvas.text(width - 120, 19, "backward ←", anchor="start", size=11)

    label = call["attribute"] or kind
    canvas.text(12, 18, f"{label}: {kind}", anchor="start", size=13, weight="bold")
    defs = (f'<defs><marker id="arrow-{ident}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
            'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#4a5563"/></marker>'
            f'<marker id="arrow-red-{ident}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
            f'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="{RED}"/></marker></defs>')
    title = f"<title>{escape(label)}: {escape(kind)} over time steps and layers</title>"
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width:.0f}" height="{height:.0f}" '
            f'viewBox="0 0 {width:.0f} {height:.0f}">{title}{defs}' + "".join(canvas.items) + "</svg>")


def _case_under(read_cases: list, when: list):
    """The cells a read takes under a picture's configuration: its first case that no condition
    of ``when`` contradicts; None when it happens under none (another branch of ``forward``)."""
    stated = {item["condition"]: item["is"] for item in when}
    for read_case in read_cases:
        if all(stated.get(item["condition"], item["is"]) == item["is"] for item in read_case["when"]):
            return read_case
    return None


def _drawn_layers(num_layers) -> list:
    """The layer indexes drawn, bottom first; None marks the elided middle. A symbolic count
    draws the first and the last layer (negative index) with the middle elided."""
    if isinstance(num_layers, int) and not isinstance(num_layers, bool) and 1 <= num_layers <= 4:
        return list(range(num_layers))
    if isinstance(num_layers, int) and not isinstance(num_layers, bool) and num_layers > 4:
        return [0, 1, None, num_layers - 1]
    return [0, None, -1]


def _row_label(row: tuple, directions: int) -> str:
    label, layer, direction, _ = row
    if layer is None or directions != 2:
        return label
    return f"{label} {'←' if direction == 1 else '→'}"


def _layer_label(layer: int, num_layers) -> str:
    if layer >= 0:
        return f"layer {layer + 1}"
    if layer == -1:
        return f"layer {num_layers}" if num_layers is not None else "last layer"
    return f"layer {layer}"


def _slot_name(layer: int, direction: int, directions: int, num_layers) -> str:
    if layer >= 0 and (isinstance(num_layers, int) or layer == 0):
        return f"h_n[{layer * directions + direction}]"
    back = (-layer - 1) * directions + (directions - 1 - direction)
    return f"h_n[{-back - 1}]"


def _axis_size(value, axis: str):
    if not value:
        return None
    for case in value.get("cases", [value]):
        if case.get("shape") and case.get("axes") and axis in case["axes"]:
            return case["shape"][case["axes"].index(axis)]
    return None


def _shape_label(name: str, value) -> tuple:
    if not value:
        return f"{name}: ?", ""
    return f"{name}: {value['text']}", _axes_text(value) and f"axes: {_axes_text(value)}"


def _input_label(call: dict, case: dict) -> tuple:
    given = call["input_text"] or "input"
    actual = case["input"]
    known = [c for c in actual["cases"] if c.get("shape") or c["kind"] == "packed"]
    expected = case.get("expected_input")
    expects = expected and (f"expects ({', '.join(size or '?' for size in expected['shape'])}): "
                            + " × ".join(expected["axes"]))
    if known:
        axes = _axes_text(actual)
        return f"{given}: {actual['text']}", (f"axes: {axes}" if axes and axes.strip("?× ") else expects or "")
    if expected:
        return (f"{given}: expected ({', '.join(size or '?' for size in expected['shape'])})",
                "axes: " + " × ".join(expected["axes"]))
    return f"{given}: {actual['text']}", ""


def _state_label(call: dict, case: dict) -> str:
    """``h_0`` when forward passes one: what it is, and what the module expects."""
    given = case.get("initial_state")
    if not given or not call.get("state_text"):
        return ""
    expected = case.get("expected_h_0")
    text = f"h_0 = {call['state_text']}: {given['text']}"
    if expected:
        text += f", expects ({', '.join(size or '?' for size in expected)})"
    return text


def _output_index(case: dict, step: str) -> str:
    return f"output[:, {step}]" if case["batch_first"] else f"output[{step}]"


def _read_sources(read: dict, cells: dict, columns: list, output_top: float, slots: dict, directions: int) -> list:
    """The points the arrow of a read starts from: the output cells or the h_n slots it takes."""
    points = []
    if read["of"] == "output":
        steps = cells.get("steps")
        choices: dict = {"all": [0, 1, 3], "first": [0], "last": [3]}
        chosen = choices.get(steps, [])
        if isinstance(steps, int):
            chosen = [0] if steps == 0 else ([1] if steps == 1 else [])
        half = cells.get("directions")
        for index in chosen:
            x = columns[index] + CELL_W / 2
            if directions == 2 and half == "forward":
                x = columns[index] + CELL_W / 4
            elif directions == 2 and half == "backward":
                x = columns[index] + 3 * CELL_W / 4
            points.append((x, output_top))
        return points
    chosen_slots = cells.get("slots")
    if chosen_slots == "all":
        return [(x, y) for x, y in slots.values()]
    for slot in chosen_slots or []:
        key = (slot["layer"], 1 if slot["direction"] == "backward" else 0)
        if key in slots:
            points.append(slots[key])
    return points


def _findings_by_place(entry: dict, call: dict) -> dict:
    """The class's findings that this picture shows where they happen: on a read, a head,
    or the recurrent layer itself."""
    places: dict = {"reads": {}, "heads": {}, "rnn": [], "input": [], "state": []}
    for finding in _class_findings(entry):
        row, column = finding["location"]["row"], finding["location"]["column"]
        placed = False
        for index, read in enumerate(call["reads"]):
            if _inside(row, column, read):
                places["reads"].setdefault(index, []).append(finding)
                placed = True
                break
        if placed:
            continue
        for index, head in enumerate(call.get("heads", [])):
            if _inside(row, column, head) or (head["defined"] and head["defined"]["row"] == row):
                places["heads"].setdefault(index, []).append(finding)
                placed = True
                break
        if placed:
            continue
        if row in call.get("state_rows", ())[1:]:
            places["state"].append(finding)  # made where the initial state is built
            continue
        if _inside(row, column, call) or (call["defined"] and call["defined"]["row"] == row) \
                or _on_layer(entry, call, row):
            places["rnn"].append(finding)
        elif row in call.get("input_rows", ())[1:]:
            places["input"].append(finding)  # made where the input is built (`pack_padded_sequence(...)`)
    return places


def _on_layer(entry: dict, call: dict, row: int) -> bool:
    for layer in entry["layers"]:
        if layer["attribute"] == call["attribute"] and layer["location"] and \
                layer["location"]["row"] <= row <= (layer["end_row"] or row):
            return True
    return False


def _inside(row: int, column: int, element: dict) -> bool:
    start, end = element["location"], element["end_location"]
    return (start["row"], start["column"]) <= (row, column) <= (end["row"], end["column"])


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(1, limit - 1)] + "…"


def _wrap(text: str, width: int) -> list:
    words, lines, current = text.split(" "), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = "    " + word
        else:
            current = f"{current} {word}" if current else word
    if current:
        lines.append(current)
    return lines


# --- Mermaid ----------------------------------------------------------------------------------


def mermaid(files: list) -> str:
    """A Markdown section with one Mermaid flowchart per module class."""
    blocks = []
    for data in files:
        for entry in data["classes"]:
            blocks.append(f"### `{data['path']}`: class `{entry['name']}`\n\n```mermaid\n{_flowchart(entry)}\n```")
    return "\n\n".join(blocks) if blocks else "No nn.Module classes found."


def _quote(text: str) -> str:
    return '"' + text.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;") + '"'


def _flowchart(entry: dict) -> str:
    lines = ["flowchart BT"]
    problems = []
    for number, call in enumerate(entry["recurrent"]):
        case = call["cases"][0] if call["cases"] else None
        if case is None:
            continue
        prefix = f"r{number}"
        directions = case["num_directions"] or 1
        given = _input_label(call, case)[0]
        lines.append(f"  {prefix}_in[{_quote(given)}]")
        lines.append(f"  subgraph {prefix}[{_quote((call['attribute'] or call['kind']) + ': ' + call['kind'])}]")
        lines.append("    direction BT")
        previous = f"{prefix}_in"
        if case["num_directions"] is None:
            lines.append(f"    {prefix}_unknown[{_quote('directions not known from this file')}]")
            lines.append(f"    {previous} --> {prefix}_unknown")
        for layer in _drawn_layers(case["num_layers"]) if case["num_directions"] is not None else ():
            if layer is None:
                continue
            ids = []
            for direction in range(directions):
                node = f"{prefix}_l{layer if layer >= 0 else 'm' + str(-layer)}d{direction}"
                word = "backward ←" if direction == 1 else ("forward →" if directions == 2 else "→")
                lines.append(f"    {node}[{_quote(_layer_label(layer, case['num_layers']) + ' ' + word)}]")
                ids.append(node)
            lines.append(f"    {previous} --> {' & '.join(ids)}")
            previous = " & ".join(ids)
        lines.append("  end")
        lines.append(f"  {prefix}_out[{_quote(_shape_label('output', case['output'])[0])}]")
        lines.append(f"  {prefix}_hn[{_quote(_shape_label('h_n', case['h_n'])[0])}]")
        lines.append(f"  {prefix} --> {prefix}_out")
        lines.append(f"  {prefix} --> {prefix}_hn")
        if case.get("c_n"):
            lines.append(f"  {prefix}_cn[{_quote(_shape_label('c_n', case['c_n'])[0])}]")
            lines.append(f"  {prefix} --> {prefix}_cn")
        places = _findings_by_place(entry, call)
        for index, read in enumerate(call["reads"]):
            if _case_under(read["cases"], case["when"]) is None:
                continue  # another configuration's branch
            node = f"{prefix}_read{index}"
            source = {"output": f"{prefix}_out", "h_n": f"{prefix}_hn", "c_n": f"{prefix}_cn"}[read["of"]]
            lines.append(f"  {node}[{_quote(read['text'])}]")
            lines.append(f"  {source} --> {node}")
            if index in places["reads"]:
                problems.append((node, places["reads"][index]))
        for index, head in enumerate(call.get("heads", [])):
            fed = [i for i in head["reads"] if _case_under(call["reads"][i]["cases"], case["when"]) is not None]
            if not fed:
                continue
            node = f"{prefix}_head{index}"
            label = f"{head['attribute'] or head['kind']}: {head['kind']}(in_features={head['in_features']})"
            lines.append(f"  {node}[{_quote(label)}]")
            for read_index in fed:
                receives = _quote('receives ' + str(head['receives'] or '?'))
                lines.append(f"  {prefix}_read{read_index} -- {receives} --> {node}")
            if index in places["heads"]:
                problems.append((node, places["heads"][index]))
        if places["rnn"]:
            problems.append((prefix, places["rnn"]))
        if places["input"]:
            problems.append((f"{prefix}_in", places["input"]))
    for number, (node, findings) in enumerate(problems):
        text = "; ".join(f"{finding['code']}: {finding['message']}" for finding in findings)
        lines.append(f"  finding{number}[{_quote(text.replace('`', ''))}]")
        lines.append(f"  finding{number} -.- {node}")
        # a subgraph takes no class in every Mermaid version: the finding node alone is styled then
        also = '' if node.startswith('r') and node[1:].isdigit() else ',' + node
        lines.append(f"  class finding{number}{also} finding")
    if problems:
        lines.append("  classDef finding stroke:#b3261e,stroke-width:3px,color:#b3261e")
    if len(lines) == 1:
        lines.append(f"  none[{_quote('class ' + entry['name'] + ': no recurrent call in forward')}]")
    return "\n".join(lines)
