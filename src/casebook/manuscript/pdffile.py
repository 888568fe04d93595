"""The PDFs as files readers parse cleanly: :func:`clean` rewrites what Typst writes into what every reader accepts,
:func:`problems` says what a reader would complain about (the test of every generated PDF uses it).

Typst writes ``/MarkInfo << /Marked true /Suspects false >>`` in the catalogue. That is valid PDF, but poppler
(``pdfinfo``, ``pdftotext``, ``pdftoppm``, and the viewers built on it) reports "Syntax Error: Suspects object is wrong
type (boolean)" for a ``false`` there. ``false`` is the default of ``/Suspects``, so dropping the entry changes
nothing the file says. qpdf (through pikepdf) rewrites the file with a deterministic ``/ID``, so the bytes stay the
same on every build.
"""

from __future__ import annotations

import io

DEFAULT_FALSE = ("/Suspects", "/UserProperties")  # MarkInfo entries whose default is false (PDF 32000-1, 14.7.1)


def clean(data: bytes) -> bytes:
    """The PDF with the MarkInfo entries that only restate their default (``false``) removed; the same bytes in,
    the same bytes out."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        info = pdf.Root.get("/MarkInfo")
        if isinstance(info, pikepdf.Dictionary):
            for key in DEFAULT_FALSE:
                if key in info and not bool(info[key]):
                    del info[key]
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.preserve)
        return out.getvalue()


def problems(data: bytes) -> list[str]:
    """What a reader finds wrong with a PDF: qpdf's warnings and structural problems, and the MarkInfo entries
    poppler rejects (see the module's note). An empty list for a clean file."""
    import pikepdf

    found: list[str] = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        found += [f"qpdf: {w}" for w in pdf.get_warnings()]
        found += [f"qpdf: {p}" for p in pdf.check_pdf_syntax()]
        info = pdf.Root.get("/MarkInfo")
        if isinstance(info, pikepdf.Dictionary):
            found += [f"MarkInfo {key} is false: poppler reports a syntax error (a false entry restates the default)"
                      for key in DEFAULT_FALSE if key in info and not bool(info[key])]
        if len(pdf.pages) == 0:
            found.append("no page")
    return found
