"""The maquette financière as a spreadsheet (openpyxl) and as a PDF (WeasyPrint).

In the spreadsheet, amounts are numbers (exact Decimals written as numbers) with a euro
format, so that a reader can sum and filter them; the totals are the database's, written as
values (a formula would be recomputed by the reader, not by openpyxl).
The PDF is rendered through the static-only URL fetcher that create_app registers
(app.extensions["pdf_url_fetcher"], the conventions' one): nothing but the application's
static files reaches WeasyPrint.
"""
import io
import re

from flask import current_app, render_template
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from weasyprint import HTML

EURO = '#,##0.00\\ "€"'
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def filename(dossier, maquette, extension: str) -> str:
    reference = _UNSAFE.sub("-", dossier.reference).strip("-.") or str(dossier.id)
    return f"maquette-financiere-{reference}-{maquette.annee or 'toutes-annees'}.{extension}"


def maquette_xlsx(dossier, maquette) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Maquette financière"
    header = ["Fiche", "Titre", *(s.label for s in maquette.sources), "Total"]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in maquette.rows:
        sheet.append([row.fiche.code, row.fiche.titre,
                      *(row.cells.get(s.code) for s in maquette.sources), row.total])
    sheet.append(["Total", "", *(maquette.column_totals[s.code] for s in maquette.sources), maquette.total])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for column in range(3, len(header) + 1):
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = EURO
        sheet.column_dimensions[get_column_letter(column)].width = 18
    sheet.column_dimensions["B"].width = 48
    sheet.freeze_panes = "C2"
    book.properties.title = f"Maquette financière — {dossier.nom} — {maquette.periode}"
    book.properties.creator = "Jalons"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def maquette_pdf(dossier, maquette, today) -> bytes:
    html = render_template("projet/maquette_pdf.html", dossier=dossier, maquette=maquette, today=today)
    fetcher = current_app.extensions["pdf_url_fetcher"](current_app.static_folder)
    pdf = HTML(string=html, base_url="jalons-static:///", url_fetcher=fetcher).write_pdf()
    if fetcher.refused:
        current_app.logger.warning("PDF de maquette du dossier %s : ressources refusées %s",
                                   dossier.reference, fetcher.refused)
    return pdf
