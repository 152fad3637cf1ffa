/* csv_decode.h — the byte source under csv_reader: reads raw input from a file
 * descriptor or a FILE*, detects its encoding and hands out chunks of UTF-8.
 *
 *   1. a UTF-8 byte order mark is stripped (what Excel's "CSV UTF-8" writes);
 *   2. otherwise the first 16 KiB from the first non-ASCII byte are checked:
 *      valid UTF-8 (allowing one damaged byte per 50 characters, or per 4
 *      three-byte characters, so one broken cell does not turn a whole file
 *      into mojibake, and a character cut off at the end of the input does
 *      not count) means UTF-8; anything
 *      else is GB18030 (a superset of GBK/GB2312, what Excel writes on
 *      Chinese Windows) or Windows-1252 (Western Windows; Latin-1 is its
 *      subset), told by the shape of the bytes (csv_sniff.h), and where the
 *      shapes leave it open the input is refused naming both and the
 *      profile's line that chooses, never guessed. Either is converted with
 *      iconv as it streams, sequences split across reads included. Bytes
 *      the encoding cannot decode come out as 0xFF, which is never valid
 *      UTF-8, so the record holding them is flagged.
 * UTF-16 with its byte order mark (FF FE little-endian, what Excel saves as
 * “Unicode 文本”; FE FF big-endian, as some systems export) is converted with
 * iconv the same way, the mark stripped: half a surrogate pair, or an odd
 * byte at the end of the input, comes out as 0xFF and flags its record.
 * UTF-16 without a mark is not told (its NUL bytes flag the header).
 *
 * A chunk may end anywhere, even inside a character. Memory: one read buffer
 * plus the detection window, and a conversion buffer for GB18030 and UTF-16.
 */
#ifndef JIESU_CSV_DECODE_H
#define JIESU_CSV_DECODE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The reader's words when memory runs out (the clerk reads them). */
#define CSV_NO_MEMORY "工单受理服务内存不足，文件没有读完：请过一会儿再导入；一直如此请告知系统管理员"

typedef enum {
    CSV_ENC_UTF8 = 0,   /* UTF-8 without a byte order mark (or plain ASCII) */
    CSV_ENC_UTF8_BOM,   /* UTF-8 with a byte order mark, stripped */
    CSV_ENC_GB18030,    /* not UTF-8: decoded from GB18030 / GBK */
    CSV_ENC_UTF16LE,    /* UTF-16 little-endian, its byte order mark stripped */
    CSV_ENC_UTF16BE,    /* UTF-16 big-endian, the same */
    CSV_ENC_CP1252      /* not UTF-8: decoded from Windows-1252 (Latin-1 included) */
} csv_encoding;

/* What the input is taken to be: detected as above, or told (an import
 * profile that knows its system writes GBK, say). A byte order mark still
 * wins: UTF-8 with one is read as UTF-8, UTF-16 with one as UTF-16 (FF FE
 * and FE FF start no UTF-8 or GB18030 text: the mark cannot be mistaken). */
typedef enum {
    CSV_DETECT = 0,
    CSV_FORCE_UTF8,
    CSV_FORCE_GB18030,
    CSV_FORCE_CP1252
} csv_encoding_choice;

typedef struct csv_decoder csv_decoder;

/* A decoder reading read_size bytes at a time from fp when it is not NULL,
 * else from fd (both borrowed). NULL when out of memory. */
csv_decoder *csv_decoder_new(int fd, FILE *fp, size_t read_size, csv_encoding_choice choice);

/* The next chunk of UTF-8 in *p, *n (valid until the next call). 1, 0 at the
 * end of input, -1 on a read or conversion failure (csv_decoder_errstr()). */
int csv_decoder_next(csv_decoder *self, const unsigned char **p, size_t *n);

/* Marks the first n bytes of the last chunk as used. */
void csv_decoder_consume(csv_decoder *self, size_t n);

/* The encoding detected so far (CSV_ENC_UTF8 while only ASCII was seen). */
csv_encoding csv_decoder_encoding(const csv_decoder *self);

/* "UTF-8", "UTF-8 BOM", "GB18030", "UTF-16（小端）", "UTF-16（大端）" or
 * "Windows-1252": the import's encoding as recorded and shown in its summary. */
const char *csv_encoding_name(csv_encoding enc);

/* The encoding as a sentence names it: "UTF-8" (with a mark or not),
 * "GB18030（GBK）", "UTF-16（小端）" ... */
const char *csv_encoding_title(csv_encoding enc);

/* The value of a profile's encoding key that reads enc: "utf-8",
 * "gb18030", "windows-1252"; "" for UTF-16, which its mark tells. */
const char *csv_encoding_key(csv_encoding enc);

/* The encoding choice reads (CSV_ENC_UTF8 for CSV_DETECT). */
csv_encoding csv_encoding_chosen(csv_encoding_choice choice);

/* 1 for the encodings a byte order mark tells (UTF-8 BOM, UTF-16). */
int csv_encoding_marked(csv_encoding enc);

/* 1 once the input was refused as reading as GB18030 and as Windows-1252
 * alike (csv_sniff.h): a profile naming the encoding reads it. */
int csv_decoder_unsure(const csv_decoder *self);

/* Raw bytes read so far. */
uint64_t csv_decoder_bytes(const csv_decoder *self);

/* The reason of the last -1, "" when none. */
const char *csv_decoder_errstr(const csv_decoder *self);

/* Frees the decoder (not its input) and sets *self to NULL. */
void csv_decoder_destroy(csv_decoder **self);

#endif
