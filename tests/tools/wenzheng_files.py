#!/usr/bin/env python3
"""wenzheng_files.py — the 问政 platform's messages in the forms the 8th Teddy
Cup's 智慧政务 data was shipped in, made at run time from real messages (a
CSV of content,label, never copied into the repository), for an import test;
and the check that every stored row kept every value of its file.

  wenzheng_files.py make MESSAGES.csv DIR    the files below, and DIR/expected.json
  wenzheng_files.py check DIR STORED.tsv     one line per value lost, then
                                             "ROWS STORED LOST" (expected rows, of them stored, values lost)

The files (留言编号 numbered apart, so no row is another file's duplicate):
  附件2表.csv  the labelled messages (一级标签) with numbers for 留言编号 and
               Excel serials for 留言时间, for tests/tools/csv2xlsx --numbers
               to make the workbook 附件2.xlsx, as Excel keeps them
  附件2.csv    the same layout in CSV UTF-8 with a BOM, CRLF line ends, times
               2019/4/25 9:32:09; two rows the import must refuse: a date
               that is no real date, a message with neither subject nor body
  附件3.tsv    the hot-issue messages (反对数, 点赞数, no label), tab-separated,
               UTF-8 with a BOM, CRLF; times 2020-01-06 12:09:38 and Excel
               serials as text, one each in turn
  附件3.txt    the same tab-separated in GB18030 with LF line ends
  附件4.csv    the answered messages (答复意见 of several lines, 答复时间) in
               GB18030 with CRLF line ends
  附件4表.csv  more of them, for csv2xlsx --numbers to make 附件4.xlsx, its
               two times date cells, as Excel makes them of a CSV's
Message bodies keep the line breaks and tabs the platform's text has around
them. STORED.tsv: ticket_no, content, category_raw, caller_name, called_at in
UTC (YYYY-MM-DD HH:MM:SS), extra (JSON), tab-separated as psql -A writes it.
"""
import csv
import datetime
import json
import os
import sys
import unicodedata

SHANGHAI = datetime.timedelta(hours=8)
EXCEL_EPOCH = datetime.datetime(1899, 12, 30)
BASE = ['留言编号', '留言用户', '留言主题', '留言时间', '留言详情']
ROWS = 30                       # messages per file


def subject(text):
    """A subject as people write one: the message's first clause, short."""
    for stop in '。，！？,':
        text = text.split(stop)[0]
    return text[:20]


def when(i):
    """Local (Shanghai) time of the i-th message: spread over days and hours,
    some before 08:00, whose UTC date is the day before."""
    return datetime.datetime(2019, 1, 2, 0, 5, 7) + datetime.timedelta(hours=7 * i, minutes=13 * i, seconds=17 * i)


def serial(t):
    return '%.10f' % ((t - EXCEL_EPOCH).total_seconds() / 86400)


def slash(t):
    return '%d/%d/%d %d:%02d:%02d' % (t.year, t.month, t.day, t.hour, t.minute, t.second)


def dash(t):
    return t.strftime('%Y-%m-%d %H:%M:%S')


def padded(text):
    return '\n\t\t\t\t\n\t\t\t\t\t' + text + '\n\t\t\t\t\n'


def write(path, header, rows, encoding='utf-8', bom=False, crlf=True, tab=False):
    with open(path, 'w', encoding=encoding, newline='') as f:
        if bom:
            f.write('\ufeff')
        w = csv.writer(f, delimiter='\t' if tab else ',', lineterminator='\r\n' if crlf else '\n')
        w.writerow(header)
        w.writerows(rows)


def make(messages, out):
    msgs = list(csv.DictReader(open(messages, encoding='utf-8')))
    expected = []

    def rows(name, first_no, start, timefmt, more):
        header, made = None, []
        for k in range(ROWS):
            i = start + k
            m = msgs[i]
            t = when(i)
            row = {'留言编号': str(first_no + k), '留言用户': 'A%09d' % (1000 + i), '留言主题': subject(m['content']),
                   '留言时间': timefmt(k, t), '留言详情': padded(m['content'])}
            row.update(more(k, m, t))
            header = list(row)
            made.append([row[h] for h in header])
            expected.append({'file': name, 'row': row, 'utc': dash(t - SHANGHAI)})
        return header, made

    label = lambda k, m, t: {'一级标签': m['label']}
    h, r = rows('附件2.xlsx', 100000, 0, lambda k, t: serial(t), label)
    write(os.path.join(out, '附件2表.csv'), h, r)
    h, r = rows('附件2.csv', 100100, ROWS, lambda k, t: slash(t), label)
    r.append(['100198', 'A000000998', '路灯不亮', '2019/2/30 9:32:09', '二月没有三十日', '城乡建设'])
    r.append(['100199', 'A000000999', '', '2019/3/1 9:32:09', '\n\t\t\n', '城乡建设'])
    write(os.path.join(out, '附件2.csv'), h, r, bom=True)
    votes = lambda k, m, t: {'反对数': str(k % 3), '点赞数': str(k * 7 % 40)}
    hot = lambda k, t: serial(t) if k % 2 else dash(t)
    h, r = rows('附件3.tsv', 188000, 2 * ROWS, hot, votes)
    write(os.path.join(out, '附件3.tsv'), h, r, bom=True, tab=True)
    h, r = rows('附件3.txt', 188100, 3 * ROWS, hot, votes)
    write(os.path.join(out, '附件3.txt'), h, r, encoding='gb18030', crlf=False, tab=True)
    reply = lambda k, m, t: {'答复意见': '\n\t\t\t\t\t\t\n\t\t\t\t\t\t网友：您好！您的留言已收悉，现将有关情况回复如下：\n'
                             '\t\t\t\t\t\t经核实，%s。感谢您对我们工作的支持。\n\t\t\t\t\t\t\n' % subject(m['content']),
                             '答复时间': slash(t + datetime.timedelta(days=12, hours=3))}
    h, r = rows('附件4.csv', 2549, 4 * ROWS, lambda k, t: dash(t), reply)
    write(os.path.join(out, '附件4.csv'), h, r, encoding='gb18030')
    h, r = rows('附件4.xlsx', 3549, 5 * ROWS, lambda k, t: slash(t), reply)
    write(os.path.join(out, '附件4表.csv'), h, r)
    json.dump(expected, open(os.path.join(out, 'expected.json'), 'w', encoding='utf-8'), ensure_ascii=False)


def norm(text):
    """Text as the import compares it: full-width forms as ASCII, no
    zero-width characters, runs of whitespace one space."""
    text = unicodedata.normalize('NFKC', text)
    text = ''.join(c for c in text if c not in '\u200b\u200c\u200d\ufeff')
    return ' '.join(text.split())


def same_time(a, b):
    """Whether a and b are the same local date and time, each written
    2019/4/25 9:32:09 or 2019-04-25 09:32:09."""
    def read(v):
        for f in ('%Y/%m/%d %H:%M:%S', '%Y-%m-%d %H:%M:%S'):
            try:
                return datetime.datetime.strptime(v, f)
            except ValueError:
                pass
    return read(a) is not None and read(a) == read(b)


def check(out, stored_tsv):
    stored = {}
    for line in open(stored_tsv, encoding='utf-8'):
        ticket, content, category, caller, utc, extra = line.rstrip('\n').split('\t')
        stored[ticket] = {'content': norm(content), 'category': category, 'caller': caller, 'utc': utc,
                          'extra': json.loads(extra)}
    expected = json.load(open(os.path.join(out, 'expected.json'), encoding='utf-8'))
    found = lost = 0
    for e in expected:
        row, s = e['row'], stored.get(e['row']['留言编号'])
        if not s:
            lost += 1
            print('not stored', e['file'], row['留言编号'])
            continue
        found += 1
        for k, v in row.items():
            if not norm(v) or k == '留言编号':
                continue
            if k == '留言时间':
                want, got = e['utc'], s['utc']
            elif k == '留言用户':
                want, got = norm(v), s['caller']
            elif k == '一级标签':
                want, got = norm(v), s['category']
            elif k in ('留言主题', '留言详情'):
                want, got = norm(v), s['content']
            else:
                want, got = norm(v), norm(s['extra'].get(k, ''))
            if want != got and (k not in ('留言主题', '留言详情') or want not in got) and not same_time(want, got):
                lost += 1
                print('lost', e['file'], row['留言编号'], k, repr(want), 'stored', repr(got))
    print(len(expected), found, lost)


if __name__ == '__main__':
    if len(sys.argv) == 4 and sys.argv[1] == 'make':
        make(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == 'check':
        check(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
