"""A few helpers to write plain SVG text (no drawing library: the pictures are boxes, lines and
text, and plain SVG renders in a browser, a pull request and rsvg-convert alike)."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
MONO = "DejaVu Sans Mono, Menlo, Consolas, monospace"


def attrs(**values: object) -> str:
    parts = []
    for key, value in values.items():
        if value is None:
            continue
        name = key.rstrip("_").replace("_", "-")
        if isinstance(value, float):
            value = f"{value:.1f}".rstrip("0").rstrip(".")
        parts.append(f"{name}={quoteattr(str(value))}")
    return " ".join(parts)


def element(tag: str, body: str | None = None, **values: object) -> str:
    if body is None:
        return f"<{tag} {attrs(**values)}/>"
    return f"<{tag} {attrs(**values)}>{body}</{tag}>"


def text(x: float, y: float, content: str, size: float = 12, anchor: str = "start", weight: str | None = None,
         fill: str = "#1f2328", family: str = FONT, **more: object) -> str:
    return element("text", escape(content), x=x, y=y, font_size=size, text_anchor=anchor, font_weight=weight,
                   fill=fill, font_family=family, **more)


def document(width: float, height: float, body: list[str], title: str) -> str:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
            f'viewBox="0 0 {width:.0f} {height:.0f}">')
    return "\n".join([head, element("title", escape(title)),
                      element("rect", x=0, y=0, width=width, height=height, fill="#ffffff"), *body, "</svg>"]) + "\n"


def text_width(content: str, size: float) -> float:
    """Rough width of a text in a sans font (no font metrics without a renderer): 0.6 em a character."""
    return len(content) * size * 0.6
