"""A streaming XLSX writer for large exports.

openpyxl, even in write-only mode, writes the sheet to a temporary file and zips the workbook on
`save()`: the first byte leaves after the last row (28 s at 20,000 offers). Here the workbook is
zipped while the rows are produced, into a non-seekable sink (the zip entries get data
descriptors), and the compressed bytes are yielded as they come. Strings are inline strings (no
shared-string table to hold in memory), dates are serial numbers with a date style.
"""

import datetime
import re
import zipfile
from itertools import chain
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
OOXML = "application/vnd.openxmlformats-officedocument"
CONTENT_TYPE = f"{OOXML}.spreadsheetml.sheet"

STATIC_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{OOXML}.spreadsheetml.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{OOXML}.spreadsheetml.worksheet+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{OOXML}.spreadsheetml.styles+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{PKG_REL_NS}">'
        f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        '<sheets><sheet name="{title}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{PKG_REL_NS}">'
        f'<Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{REL_NS}/styles" Target="styles.xml"/>'
        "</Relationships>"
    ),
    # Cell styles: 0 general, 1 date (built-in format 14), 2 date and time (built-in format 22).
    "xl/styles.xml": (
        f'<styleSheet xmlns="{MAIN_NS}">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="22" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ),
}

EPOCH = datetime.datetime(1899, 12, 30)
# Characters XML 1.0 forbids (control characters but tab, newline, carriage return).
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
CHUNK_SIZE = 64 * 1024


class Sink:
    """A write-only, non-seekable file: zipfile writes into it, the generator takes the bytes out."""

    def __init__(self):
        self.chunks, self.size = [], 0

    def write(self, data):
        self.chunks.append(bytes(data))
        self.size += len(data)
        return len(data)

    def flush(self):
        pass

    def take(self):
        data = b"".join(self.chunks)
        self.chunks, self.size = [], 0
        return data


def cell_xml(reference, value):
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return f'<c r="{reference}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{reference}"><v>{value}</v></c>'
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.UTC).replace(tzinfo=None)
        serial = (value - EPOCH).total_seconds() / 86400
        return f'<c r="{reference}" s="2"><v>{serial}</v></c>'
    if isinstance(value, datetime.date):
        serial = (datetime.datetime.combine(value, datetime.time()) - EPOCH).days
        return f'<c r="{reference}" s="1"><v>{serial}</v></c>'
    text = escape(ILLEGAL.sub("", str(value)))
    return f'<c r="{reference}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def stream_xlsx(header, rows, title="Sheet1"):
    """Yield the bytes of a one-sheet workbook: `header` then `rows` (iterables of cell values)."""
    sink = Sink()
    columns = [get_column_letter(index) for index in range(1, len(header) + 1)]
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in STATIC_PARTS.items():
            if name == "xl/workbook.xml":
                content = content.replace("{title}", escape(title, {'"': "&quot;"}))
            archive.writestr(name, XML_HEAD + content)
        yield sink.take()  # the first bytes leave before the first row is read
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(f'{XML_HEAD}<worksheet xmlns="{MAIN_NS}"><sheetData>'.encode())
            for number, row in enumerate(chain([header], rows), start=1):
                cells = "".join(
                    cell_xml(f"{column}{number}", value) for column, value in zip(columns, row, strict=False)
                )
                sheet.write(f'<row r="{number}">{cells}</row>'.encode())
                if sink.size >= CHUNK_SIZE:
                    yield sink.take()
            sheet.write(b"</sheetData></worksheet>")
    yield sink.take()
