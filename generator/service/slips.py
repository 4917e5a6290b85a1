"""``codes.pdf``: one slip per person (name, 工号, 科室, code, a QR code to the exam URL), ten to
an A4 page with dashed cut lines, sorted by department. Typeset with ``generator/pdf/typeset.py``
(fonts, print CSS, QR, WeasyPrint) like every other PDF."""

from __future__ import annotations

import base64
from pathlib import Path

import jinja2
from django.utils import timezone

from ..model.corpus import Corpus
from ..pdf.typeset import make_environment, qr_svg, render_pdf, stylesheet
from .codes import shown

PRINT = Path(__file__).parent / "print"
PER_PAGE = 10


def _qr_uri(url: str) -> str:
    """The QR code once, as a data URI: WeasyPrint parses an image once per distinct URL, so
    1,000 slips cost one SVG instead of 1,000 inline ones."""
    svg = str(qr_svg(url))
    if "xmlns=" not in svg:
        svg = svg.replace("<svg", '<svg xmlns="http://www.w3.org/2000/svg"', 1)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def render_slips(corpus: Corpus, settings: dict, people: list[tuple], out: Path) -> int:
    env = make_environment()
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(str(PRINT))]
    if env.loader is not None:
        loaders.append(env.loader)
    env.loader = jinja2.ChoiceLoader(loaders)
    local = timezone.localtime
    slips = [
        {"staff_id": s, "name": n, "department": d or "—", "code": shown(c)}
        for s, n, d, c in people
    ]
    pages = [slips[i : i + PER_PAGE] for i in range(0, len(slips), PER_PAGE)] or [[]]
    html = env.get_template("codes.html.j2").render(
        css=stylesheet(PRINT / "codes.css"),
        hospital=corpus.hospital.name,
        title=settings["title"],
        url=settings["url"],
        qr=_qr_uri(settings["url"]),
        window=f"{local(settings['starts_at']):%Y-%m-%d %H:%M} 至 {local(settings['ends_at']):%Y-%m-%d %H:%M}",
        minutes=settings["minutes"],
        pages=pages,
    )
    return render_pdf(html, out)
