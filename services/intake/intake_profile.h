/* intake_profile.h — import profiles: how one hotline system lays out its
 * exports, so that intake can read any system's file.
 *
 * A profile is a small text file (data/profiles/NAME.conf, `key = value`
 * lines, '#' comments):
 *
 *   description = 纽约市 311 服务请求（NYC Open Data 数据集 erm2-nwe9）
 *   timezone    = America/New_York        # IANA name: local times in the file
 *   dates       = mdy ymd                 # formats, intake_dates.h; never both mdy and dmy
 *   encoding    = auto                    # auto | utf-8 | gb18030 (CSV only; a byte order
 *                                         # mark wins: UTF-8 or UTF-16 read as it says)
 *   ticket_no   = Unique Key | service_request_id     # alternatives: the first the file has
 *   content     = Complaint Type + Descriptor          # columns joined (empty ones left out)
 *   content.join = " - "                              # what joins them (default "; ")
 *   extra       = Agency | Status | ":@computed_*"     # known columns kept in extra, no warning
 *                                                     # (a name ending in * : every header so begun)
 *
 * The fields are those of intake_columns.h (ticket_no, called_at and content
 * required). A header may be written in double quotes when it holds '|' or
 * '+'. Headers are compared loosely (intake_profile_key()): case, spaces,
 * '_', '-', '.', '(' and ')' and full-width forms do not count, so "Unique
 * Key" also finds the API's "unique_key" and "X Coordinate (State Plane)"
 * finds "x_coordinate_state_plane".
 *
 * A profile set is every *.conf of a directory (intake.profiles_dir), read
 * anew for every import so an edited profile counts at once; a file that
 * does not parse is set aside with its problem, the others used. A clerk may
 * also send a profile of their own with the file (jiesu import --profile F.conf).
 */
#ifndef JIESU_INTAKE_PROFILE_H
#define JIESU_INTAKE_PROFILE_H

#include <stddef.h>

#include "csv_decode.h"
#include "intake_columns.h"

#define PROFILE_NAME_MAX 64
#define PROFILE_MAX_ALTS 12     /* alternatives of one field */
#define PROFILE_MAX_PARTS 6     /* columns joined in one alternative */
#define PROFILE_MAX_EXTRA 128   /* columns listed under extra */

typedef struct {
    char  *parts[PROFILE_MAX_PARTS];    /* headers as written in the profile */
    size_t nparts;
} profile_alt;

typedef struct {
    profile_alt alts[PROFILE_MAX_ALTS];
    size_t      nalts;
    char       *join;                   /* between joined columns */
} profile_field;

struct intake_profile {
    char           name[PROFILE_NAME_MAX];
    char          *description;
    char           timezone[64];
    unsigned       dates;               /* DATES_* */
    csv_encoding_choice encoding;
    profile_field  fields[COL_COUNT];
    char          *extra[PROFILE_MAX_EXTRA];
    size_t         nextra;
    char          *origin;              /* where it was read from, for messages */
    char          *text;                /* the profile as written */
};

/* Parses profile text[0..len) named name, read from origin. NULL with why
 * ("line 7: unknown key 'tiket_no' (fields: ...)") when it is not a valid
 * profile or memory ran out. */
intake_profile *intake_profile_parse(const char *name, const char *text, size_t len, const char *origin,
                                     char *why, size_t whylen);

void intake_profile_destroy(intake_profile **self);

/* The comparison key of a header into out: normalised (full-width to
 * half-width), ASCII lower case, without spaces, '_', '-', '.', '(' and ')'.
 * The length written (cut to outlen - 1). */
size_t intake_profile_key(const char *header, size_t len, char *out, size_t outlen);

/* The alternatives of field f as text: "工单编号 | 工单号 | ticket_no"; joined
 * columns with " + ". Returns out. */
char *intake_profile_alts_text(const intake_profile *self, intake_field f, char *out, size_t outlen);

/* Why profile name cannot be used, as the clerk on the workbench's import
 * page is told it, who cannot edit a profile: it has problem (what is
 * wrong in it: "第 3 行：编码“latin1”不认识…"), and an administrator is to
 * fix it. The terminal says the same in its own words, how to fix it. */
void intake_profile_say_broken(char *why, size_t whylen, const char *name, const char *problem);

/* The end of a refusal that profile name would not make with line written
 * in it ("dates = ymd cn excel mdy"; what: the change in words, "也读这种写法"),
 * as the clerk at door is told it: at the terminal the line to write
 * in a copy of the profile and how to import with the copy; on the page,
 * who cannot edit a profile nor send one, to ask an administrator for the
 * change (in the words of intake_profile_say_broken). The one text of both. */
void intake_profile_say_change(intake_door door, const char *name, const char *line, const char *what, char *out,
                               size_t outlen);

typedef struct intake_profiles intake_profiles;

/* A profile of a directory set aside: its file could not be read or does
 * not parse (an administrator's mistake in it). */
typedef struct {
    char name[PROFILE_NAME_MAX + 8];    /* its file's name without .conf */
    char path[1024];                    /* its file */
    char problem[400];                  /* what is wrong in it ("第 3 行：…"), its path left out */
} intake_profile_fault;

/* Every *.conf of dir, in name order: those that parse to be used, the
 * others set aside with their problem (intake_profiles_set_aside), so one
 * broken file stops no import of another layout. NULL with why only when
 * the directory cannot be read, holds no *.conf or memory ran out. */
intake_profiles *intake_profiles_load(const char *dir, char *why, size_t whylen);

size_t intake_profiles_count(const intake_profiles *self);
const intake_profile *intake_profiles_at(const intake_profiles *self, size_t i);
/* The profile called name, or NULL (none, or set aside). */
const intake_profile *intake_profiles_find(const intake_profiles *self, const char *name);

/* The profiles set aside, in name order: how many, the i-th (NULL past the
 * last), the one called name (NULL when none is). */
size_t intake_profiles_set_aside(const intake_profiles *self);
const intake_profile_fault *intake_profiles_fault_at(const intake_profiles *self, size_t i);
const intake_profile_fault *intake_profiles_fault_of(const intake_profiles *self, const char *name);

/* What a profile set aside is, as the clerk at door is told it: at the
 * terminal its file, what is wrong and to fix it (no restart needed: every
 * import reads the directory anew); on the import page, its problem and to
 * ask an administrator (intake_profile_say_broken), its path left out. */
void intake_profile_fault_text(const intake_profile_fault *f, intake_door door, char *out, size_t outlen);

/* Every profile set aside, one intake_profile_fault_text() a line, into
 * out ("" when none). Returns how many. */
size_t intake_profiles_faults_text(const intake_profiles *self, intake_door door, char *out, size_t outlen);

void intake_profiles_destroy(intake_profiles **self);

#endif
