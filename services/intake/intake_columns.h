/* intake_columns.h — which columns of a hotline export give which field,
 * as an import profile says (intake_profile.h).
 *
 * Columns are found by their header, never by position: exports from
 * different hotline systems order and name them differently. A field comes
 * from one column or from several joined (NYC 311's "Complaint Type" and
 * "Descriptor" make the content), and a row whose first choice is empty takes
 * the next the profile names (a junction's two streets for its address).
 * Columns no field uses are kept as "extra"
 * and stored as a JSON object keyed by their header; those the profile does
 * not list under extra are reported, so a clerk learns of a column the
 * profile should map (a 诉求类别 that ought to be the category).
 *
 * When required fields are missing the map says which, all at once, with the
 * names the profile accepts and the headers of the file that look closest.
 */
#ifndef JIESU_INTAKE_COLUMNS_H
#define JIESU_INTAKE_COLUMNS_H

#include <stddef.h>

/* Where a file was sent from, which decides what a message's advice teaches:
 * jiesu import at a terminal (--profile, a profile's copy printed by jiesu
 * profiles) or the workbench's import page, whose clerk picks a profile from
 * its 导入模板 list, ticks 试导入 and sends no profile of their own; the
 * profiles there are the administrator's to change. */
typedef enum { INTAKE_AT_TERMINAL = 0, INTAKE_ON_PAGE } intake_door;

typedef enum {
    COL_TICKET_NO = 0,   /* required */
    COL_CALLED_AT,       /* required */
    COL_CALLER_NAME,
    COL_CALLER_PHONE,
    COL_ADDRESS,
    COL_CONTENT,         /* required */
    COL_CATEGORY,
    COL_URGENCY,
    COL_LON,
    COL_LAT,
    COL_COUNT
} intake_field;

typedef struct intake_profile intake_profile;
typedef struct intake_columns intake_columns;

/* Maps a header record of n columns through profile p (borrowed: it must
 * outlive the map). NULL only when out of memory. */
intake_columns *intake_columns_new(const intake_profile *p, const char *const *headers, const size_t *lens, size_t n);

/* The profile the map was made with. */
const intake_profile *intake_columns_profile(const intake_columns *self);

/* Required fields the header lacks: 0 when the profile fits the file. */
int intake_columns_missing(const intake_columns *self);

/* Fields the header has (for telling which profile comes closest). */
int intake_columns_found(const intake_columns *self);

/* How close the header comes to the profile: the fields it has, and a
 * fraction for how much its other headers look like the missing required
 * fields (for naming the closest profile when none fits). */
double intake_columns_closeness(const intake_columns *self);

/* Among the columns taken[c] leaves out (an array of intake_columns_count()
 * flags), the one whose header's words most are words that suggest field f
 * (SR_NUMBER, CaseID for the ticket; open_dt for the call time; Address
 * before AddressVerified), the first of equals (exports put their main
 * columns first: SR_TYPE before STREET_TYPE), or -1 when none has one. */
int intake_columns_likeliest(const intake_columns *self, intake_field f, const unsigned char *taken);

/* The missing required fields, a line each, as door's clerk knows them:
 * "  来电时间（called_at）：模板认的列 来电时间 | 受理时间；文件里最像的列：Created Date、Closed Date". */
void intake_columns_describe_missing(const intake_columns *self, intake_door door, char *out, size_t outlen);

/* Columns no field uses and the profile does not list under extra, with the
 * field each looks like and how to map it, as door's clerk can; "" when
 * there are none. The number of such columns. */
int intake_columns_describe_ignored(const intake_columns *self, intake_door door, char *out, size_t outlen);

/* How many of the profile's alternatives for field f the file has (0: the
 * field is not in the file). A row takes the first whose first column is not
 * empty in it, else the first. */
size_t intake_columns_alternatives(const intake_columns *self, intake_field f);

/* The columns of alternative alt of field f (their values are joined): their
 * number, the indexes in *cols (borrowed from the map). */
size_t intake_columns_of(const intake_columns *self, intake_field f, size_t alt, const int **cols);

/* The first column giving field f (its first alternative's), or -1 when the
 * file has none. */
int intake_columns_index(const intake_columns *self, intake_field f);

/* What joins the columns of field f. */
const char *intake_columns_join(const intake_columns *self, intake_field f);

/* Number of header columns. */
size_t intake_columns_count(const intake_columns *self);

/* The header of column col as the file names it (normalised), for messages
 * and as its key in extra: "第 N 列" (1-based) when the header is empty,
 * "HEADER（第 N 列）" when an earlier column has the same header, so no two
 * columns share one; "（表头之外）" when col >= intake_columns_count(). The
 * string belongs to the map. */
const char *intake_columns_header(const intake_columns *self, size_t col);

/* The English name of a field ("ticket_no", "called_at", ...). */
const char *intake_columns_field_name(intake_field f);

/* The Chinese name a clerk reads for a field ("工单编号", "来电时间", ...). */
const char *intake_columns_field_title(intake_field f);

#define INTAKE_FIELD_SAID_BYTES 64

/* A field as door's clerk knows it, into out: "工单编号（ticket_no）" at the
 * terminal, where a copy of the profile is written in its keys; "工单编号"
 * on the import page, where no profile is written. out. */
const char *intake_columns_field_said(intake_field f, intake_door door, char out[INTAKE_FIELD_SAID_BYTES]);

/* 1 if column col is an extra (unmapped) column. */
int intake_columns_is_extra(const intake_columns *self, size_t col);

/* Writes the extra columns of one record (fields[0..n), valid UTF-8) as a
 * JSON object {"header":"value",...} into dst: every column whose value no
 * field of this row took (taken[c] == 0, taken NULL: by the map's first
 * alternatives), leaving out empty values.
 * Returns the length the whole object needs, without the NUL, like
 * snprintf(): when it is >= cap, the output was cut and the caller retries
 * with a larger buffer. dst is NUL-terminated when cap > 0. */
size_t intake_columns_extra_json(const intake_columns *self, const char *const *fields, const size_t *lens,
                                 size_t n, const char *taken, char *dst, size_t cap);

/* Frees the map and sets *self to NULL. */
void intake_columns_destroy(intake_columns **self);

#endif
