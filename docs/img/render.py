"""Render the README's example pictures (and their text forms) from the canonical modules.

    python docs/img/render.py            # from the repository root, with tfbg installed

For each module in modules/: docs/img/<module>/timeline.{txt,json,svg} and graph.{svg,mmd,dot},
written by the same functions `tfbg timeline` and `tfbg graph` use. Re-run it after a change to the
modules, the rules (the graph shows lint findings) or the drawing code, and look at the result.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from insight.graph import build_graph  # noqa: E402
from insight.graph_svg import render_svg as graph_svg  # noqa: E402
from insight.graph_text import dot, mermaid  # noqa: E402
from insight.timeline import timelines, to_json  # noqa: E402
from insight.timeline_svg import render_svg as timeline_svg  # noqa: E402
from insight.timeline_text import render  # noqa: E402
from validator.loaders.hcl import load_directory  # noqa: E402


def main() -> None:
    for module in sorted((ROOT / "modules").iterdir()):
        if not (module / "main.tf").is_file():
            continue
        model = load_directory(str(module))
        out = ROOT / "docs" / "img" / module.name
        out.mkdir(parents=True, exist_ok=True)
        found = timelines(model)
        graph = build_graph(model)
        files = {
            "timeline.txt": render(found, width=150),
            "timeline.json": json.dumps(to_json(found), indent=2) + "\n",
            "timeline.svg": timeline_svg(found),
            "graph.svg": graph_svg(graph, title=f"tfbg graph modules/{module.name}"),
            "graph.mmd": mermaid(graph),
            "graph.dot": dot(graph),
        }
        for name, text in files.items():
            (out / name).write_text(text, encoding="utf-8")
        print(f"{out.relative_to(ROOT)}: {', '.join(files)}")


if __name__ == "__main__":
    main()
