/* intake_pick.h — choosing the import profile of a file from its header.
 *
 * A profile sent with the file is used as it is; a profile asked for by name
 * is taken from the profiles directory; otherwise every profile there is
 * tried on the header, and the one whose required columns the header has is
 * used, when exactly one has them. When none fits, the message names the
 * profile that came closest and every required field it lacks, with the
 * headers that look like it; when several fit, it names them. A profile of
 * the directory that does not parse is set aside: never tried, refused when
 * asked for by name (its problem said), and named when no profile fits.
 */
#ifndef JIESU_INTAKE_PICK_H
#define JIESU_INTAKE_PICK_H

#include <stddef.h>

#include "config.h"
#include "csv_reader.h"
#include "intake_columns.h"
#include "intake_profile.h"

typedef struct {
    const char *dir;        /* the profiles directory */
    const char *name;       /* the profile asked for, or NULL / "" for any */
    const char *text;       /* a profile sent with the file (named name), or NULL */
    intake_door door;       /* where the file came from: what the refusals teach */
} intake_pick_opts;

typedef struct {
    intake_profiles *set;       /* the directory's profiles, when read */
    intake_profile  *own;       /* the profile sent with the file */
    intake_columns  *map;       /* the header mapped through the chosen profile */
    intake_door      door;      /* the opts' */
    char             how[48];   /* "按 --profile 指定" (on the page: "在导入页面选定"), "按表头选定", "随文件附上" */
} intake_picked;

/* Chooses the profile for header and maps it into *out. 0, or -1 with why
 * (a multi-line message, see above). *out is to be freed with
 * intake_pick_free() either way. */
int intake_pick(const intake_pick_opts *o, const csv_record *header, intake_picked *out, char *why,
                size_t whylen);

/* Maps header anew through the profile already chosen (the file was read
 * again in the profile's encoding). 0, or -1 with why. */
int intake_pick_remap(intake_picked *p, const csv_record *header, char *why, size_t whylen);

void intake_pick_free(intake_picked *p);

/* The profiles of set set aside, as a refusal of a file no profile fits
 * names them ("另有 1 个导入模板有问题、暂不能用，这个文件也许正该用它导入：" and
 * each one's problem a line, as door's reader can fix it), into out; ""
 * when there are none. Returns how many. A reader of the file other than
 * an import (jiesu learn) says it in the same words. */
size_t intake_pick_aside(const intake_profiles *set, intake_door door, char *out, size_t outlen);

/* The profiles directory cfg names (intake.profiles_dir, else
 * <data.dir>/profiles), in buf when it is the latter. */
const char *intake_pick_dir(const config *cfg, char *buf, size_t cap);

#endif
