#!/usr/bin/env python3
"""xlsx_sheet.py — one sheet of a workbook as a person opening it sees it,
as JSON, for the tests to ask with jq (python3's zipfile alone: nothing to
install):

    xlsx_sheet.py FILE.xlsx N

prints {"name": the sheet's name, "widths": {"D": 18.7, …} (the columns'
set widths), "frozen": the rows frozen at the top, "cells": {"A1": {"text":
…} or {"number": …, "format": "0.00"}, …}} for sheet N (1 the first).
"""
import json
import re
import sys
import zipfile


def column(n):
    """The letters of column n (1 = A)."""
    s = ''
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def main(path, n):
    z = zipfile.ZipFile(path)
    read = lambda name: z.read(name).decode('utf-8') if name in z.namelist() else ''
    strings = [re.sub(r'<[^>]+>', '', s) for s in re.findall(r'<si>(.*?)</si>', read('xl/sharedStrings.xml'), re.S)]
    styles = read('xl/styles.xml')
    formats = {'0': 'General', '1': '0', '2': '0.00'}     # Excel's built-in ones a writer may use
    formats.update(re.findall(r'<numFmt numFmtId="(\d+)" formatCode="([^"]*)"', styles))
    xfs = re.findall(r'<xf [^>]*?numFmtId="(\d+)"', styles.split('<cellXfs', 1)[-1])
    sheet = read(f'xl/worksheets/sheet{n}.xml')
    names = re.findall(r'<sheet name="([^"]+)"', read('xl/workbook.xml'))
    cells = {}
    for ref, attrs, value in re.findall(r'<c r="([A-Z]+\d+)"([^>]*?)(?:/>|>(?:<f>[^<]*</f>)?<v>([^<]*)</v></c>)', sheet):
        if 't="s"' in attrs:
            cells[ref] = {'text': strings[int(value)]}
        elif value:
            style = re.search(r' s="(\d+)"', attrs)
            fmt = xfs[int(style.group(1))] if style else '0'
            cells[ref] = {'number': float(value), 'format': formats.get(fmt, fmt)}
    widths = {}
    for lo, hi, w in re.findall(r'<col min="(\d+)" max="(\d+)" width="([\d.]+)"', sheet):
        for c in range(int(lo), int(hi) + 1):
            widths[column(c)] = float(w)
    pane = re.search(r'<pane [^>]*ySplit="(\d+)"', sheet)
    json.dump({'name': names[n - 1], 'widths': widths, 'frozen': int(pane.group(1)) if pane else 0, 'cells': cells},
              sys.stdout, ensure_ascii=False)
    print()


if __name__ == '__main__':
    main(sys.argv[1], int(sys.argv[2]))
