"""CSV and XLSX writers that stream: rows go out as they are read.

CSV: UTF-8 with a byte order mark and `;` between fields (what Excel set to French opens
correctly, accents and all, with one column per field), CRLF line ends (RFC 4180); dates
AAAA-MM-JJ (ISO 8601: sortable, and read as dates by Grist, Metabase, LibreOffice and
pandas); amounts with a dot and no thousands separator (1234.50), the form every tool
parses; empty for no value.
XLSX: dates are date cells shown JJ/MM/AAAA, amounts are numbers with a euro format, so a
reader can sort, filter and sum; openpyxl's write-only workbook keeps one row at a time, and
the file is written to a temporary file that is then streamed (a ZIP is complete only at
its end).
"""
import csv
import io
import tempfile
from datetime import date, datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from app.exports.columns import DATE, MONEY, TEXT
from app.projet.exports import EURO

FLUSH_EVERY = 500
CHUNK = 64 * 1024
DATE_FORMAT = "DD/MM/YYYY"


def csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def csv_chunks(columns, rows):
    """Bytes of the CSV file, a few hundred rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow([c.header for c in columns])
    for n, row in enumerate(rows, 1):
        writer.writerow([csv_value(v) for v in row])
        if n % FLUSH_EVERY == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def _cell(sheet, column, value):
    if value is None or column.kind not in (DATE, MONEY):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = DATE_FORMAT if column.kind == DATE else EURO
    return cell


def xlsx_file(columns, rows, title: str):
    """A temporary file holding the workbook, at its start (the caller closes it)."""
    book = Workbook(write_only=True)
    book.properties.title, book.properties.creator = title, "Jalons"
    sheet = book.create_sheet(title[:31])
    for index, column in enumerate(columns, 1):
        sheet.column_dimensions[get_column_letter(index)].width = 40 if column.kind == TEXT else 16
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([_cell(sheet, column, value) for column, value in zip(columns, row)])
    out = tempfile.TemporaryFile(prefix="jalons-export-", suffix=".xlsx")
    try:
        book.save(out)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out


def file_chunks(handle):
    """The file's bytes, then the file closed (and so deleted), even if the client leaves."""
    try:
        while chunk := handle.read(CHUNK):
            yield chunk
    finally:
        handle.close()
