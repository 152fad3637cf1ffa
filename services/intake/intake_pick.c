/* intake_pick.c — the profile for a header (see intake_pick.h). */
#include "intake_pick.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_client.h"
#include "intake_draft.h"
#include "text.h"

#define DRAFT_BYTES 2000

/* What to do about a header no profile reads, as the clerk at each door can. */
static const char *const HOW_TO_MAP[] = {
    [INTAKE_AT_TERMINAL] = "在模板的副本里把这些字段对上文件的列（`jiesu profiles 模板名` 打印一份副本），再用 "
                           "--profile 模板文件.conf 导入；或用 --profile 模板名 指定一个现有模板",
    [INTAKE_ON_PAGE]     = "请在“导入模板”里换一个列名对得上的模板（可以先勾“试导入”看它怎样读这个文件）；"
                           "都对不上时，请系统管理员照这个文件的表头添加一个导入模板",
};

/* What to do with the first profile drafted from the file's header, which
 * follows it (intake_draft.h): at the terminal the clerk saves and sends
 * it; on the page, which takes no profile, an administrator installs it. */
static const char *const DRAFT_HOW[] = {
    [INTAKE_AT_TERMINAL] = "或者从这份照文件的表头写的模板改起：存成 模板名.conf，改好标了“改”的行，先用 jiesu import "
                           "--dry-run --profile 模板名.conf 文件 看它怎样读，再导入：",
    [INTAKE_ON_PAGE]     = "下面是照这个文件的表头写的导入模板草稿：请复制下来交给系统管理员（导入模板只有系统管理员能添加），"
                           "由管理员改好标了“改”的行，存进导入模板目录（模板名.conf，不必重启服务）；"
                           "之后刷新这个页面，在“导入模板”里选它，先勾“试导入”看它怎样读这个文件，再导入：",
};

/* Naming one of several profiles the header fits. */
static const char *const CHOOSE_ONE[] = {
    [INTAKE_AT_TERMINAL] = "请用 --profile 模板名 指定用哪一个",
    [INTAKE_ON_PAGE]     = "请在“导入模板”里选定用哪一个",
};

/* A profile asked for that is not there. */
static const char *const NOT_THERE[] = {
    [INTAKE_AT_TERMINAL] = "也可以用 --profile 模板文件.conf 附上自己的模板",
    [INTAKE_ON_PAGE]     = "请刷新导入页面，在“导入模板”里重新选一个",
};

/* "a、b、c": the names of the directory's profiles. */
static void names(const intake_profiles *set, char *out, size_t outlen)
{
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < intake_profiles_count(set) && n < outlen; i++) {
        int w = snprintf(out + n, outlen - n, "%s%s", i ? "、" : "", intake_profiles_at(set, i)->name);
        n += w > 0 ? (size_t)w : 0;
    }
}

/* The header mapped through p: NULL with why when out of memory or when
 * required fields are missing. */
static intake_columns *map_or_say(const intake_profile *p, const csv_record *header, const char *how,
                                  intake_door door, char *why, size_t whylen)
{
    intake_columns *map = intake_columns_new(p, header->fields, header->lens, header->nfields);
    if (!map) {
        snprintf(why, whylen, "对应 %zu 列时内存不足", header->nfields);
        return NULL;
    }
    if (intake_columns_missing(map) == 0)
        return map;
    char missing[2400];
    intake_columns_describe_missing(map, door, missing, sizeof missing);
    snprintf(why, whylen, "导入模板 %s（%s）对不上表头：缺 %d 个必填字段：\n%s\n%s", p->name, how,
             intake_columns_missing(map), missing, HOW_TO_MAP[door]);
    intake_columns_destroy(&map);
    return NULL;
}

size_t intake_pick_aside(const intake_profiles *set, intake_door door, char *out, size_t outlen)
{
    char aside[3000];
    size_t n = intake_profiles_faults_text(set, door, aside, sizeof aside);
    if (outlen)
        out[0] = '\0';
    if (n && outlen) {
        snprintf(out, outlen, "另有 %zu 个导入模板有问题、暂不能用，这个文件也许正该用它导入：\n%s", n, aside);
        text_utf8_cut(out);
    }
    return n;
}

/* Why no profile fits, none, the profiles set aside, which the file may
 * have been exported for, and last, where it is easy to copy, the profile
 * drafted from the header ("" when none), when the whole refusal fits what
 * the bus carries: never a draft cut short. -1. */
static int say_none_fits(const intake_profiles *set, intake_door door, const char *none, const char *draft,
                         char *why, size_t whylen)
{
    char aside[3200];
    size_t n = intake_pick_aside(set, door, aside, sizeof aside);
    snprintf(why, whylen, "%s%s%s", none, n ? "\n" : "", aside);
    size_t len = strlen(why), cap = whylen < IMPORT_CLIENT_REFUSAL_BYTES ? whylen : IMPORT_CLIENT_REFUSAL_BYTES;
    if (*draft && len + strlen(DRAFT_HOW[door]) + strlen(draft) + 2 < cap)
        snprintf(why + len, whylen - len, "\n%s\n%s", DRAFT_HOW[door], draft);
    text_utf8_cut(why);
    return -1;
}

/* A first profile for header, from its columns and the closest profile p
 * (intake_draft.h), into out. 0, or -1 when out of memory. */
static int draft_for(const intake_profile *p, const csv_record *header, char *out, size_t outlen)
{
    intake_columns *map = intake_columns_new(p, header->fields, header->lens, header->nfields);
    int rc = map ? intake_draft_write(map, out, outlen) : -1;
    intake_columns_destroy(&map);
    return rc;
}

/* No profile was named: the one whose required columns the header has. */
static int pick_any(intake_picked *out, const csv_record *header, intake_door door, char *why, size_t whylen)
{
    const intake_profile *fit = NULL, *closest = NULL;
    int fits = 0, best_missing = 1 << 20;
    double best_close = -1;
    char fitting[600] = "", all[600];
    for (size_t i = 0; i < intake_profiles_count(out->set); i++) {
        const intake_profile *p = intake_profiles_at(out->set, i);
        intake_columns *map = intake_columns_new(p, header->fields, header->lens, header->nfields);
        if (!map) {
            snprintf(why, whylen, "对应 %zu 列时内存不足", header->nfields);
            return -1;
        }
        int missing = intake_columns_missing(map);
        double close = intake_columns_closeness(map);
        if (missing == 0) {
            size_t n = strlen(fitting);
            snprintf(fitting + n, sizeof fitting - n, "%s%s", fits++ ? "、" : "", p->name);
            fit = p;
        }
        if (missing < best_missing || (missing == best_missing && close > best_close)) {
            best_missing = missing;
            best_close = close;
            closest = p;
        }
        intake_columns_destroy(&map);
    }
    names(out->set, all, sizeof all);
    if (fits == 0 && !closest)
        return say_none_fits(out->set, door, "没有可用的导入模板", "", why, whylen);
    if (fits > 1) {
        snprintf(why, whylen, "表头同时对得上 %d 个导入模板（%s）：%s", fits, fitting, CHOOSE_ONE[door]);
        return -1;
    }
    if (fits == 1) {
        snprintf(out->how, sizeof out->how, "按表头选定");
        return (out->map = map_or_say(fit, header, out->how, door, why, whylen)) ? 0 : -1;
    }
    char closest_why[3000], draft[DRAFT_BYTES], none[3000 + 700];
    map_or_say(closest, header, "最接近的", door, closest_why, sizeof closest_why);
    if (draft_for(closest, header, draft, sizeof draft) < 0) {
        snprintf(why, whylen, "对应 %zu 列时内存不足", header->nfields);
        return -1;
    }
    snprintf(none, sizeof none, "没有哪个导入模板对得上表头（现有模板：%s）；%s", all, closest_why);
    return say_none_fits(out->set, door, none, draft, why, whylen);
}

int intake_pick(const intake_pick_opts *o, const csv_record *header, intake_picked *out, char *why,
                size_t whylen)
{
    memset(out, 0, sizeof *out);
    out->door = o->door;
    const char *name = o->name && *o->name ? o->name : NULL;
    if (o->text) {
        out->own = intake_profile_parse(name ? name : "sent", o->text, strlen(o->text), "随文件附上",
                                        why, whylen);
        snprintf(out->how, sizeof out->how, "随文件附上");
        return out->own && (out->map = map_or_say(out->own, header, out->how, o->door, why, whylen)) ? 0 : -1;
    }
    if (!(out->set = intake_profiles_load(o->dir, why, whylen)))
        return -1;
    if (!name)
        return pick_any(out, header, o->door, why, whylen);
    const intake_profile *p = intake_profiles_find(out->set, name);
    const intake_profile_fault *fault = p ? NULL : intake_profiles_fault_of(out->set, name);
    if (fault) {
        intake_profile_fault_text(fault, o->door, why, whylen);
        return -1;
    }
    if (!p) {
        char all[600];
        names(out->set, all, sizeof all);
        snprintf(why, whylen, "没有名为 %s 的导入模板（现有模板：%s）：%s", name, all, NOT_THERE[o->door]);
        return -1;
    }
    snprintf(out->how, sizeof out->how, "%s", o->door == INTAKE_ON_PAGE ? "在导入页面选定" : "按 --profile 指定");
    return (out->map = map_or_say(p, header, out->how, o->door, why, whylen)) ? 0 : -1;
}

int intake_pick_remap(intake_picked *p, const csv_record *header, char *why, size_t whylen)
{
    const intake_profile *profile = intake_columns_profile(p->map);
    intake_columns_destroy(&p->map);
    return (p->map = map_or_say(profile, header, p->how, p->door, why, whylen)) ? 0 : -1;
}

void intake_pick_free(intake_picked *p)
{
    intake_columns_destroy(&p->map);
    intake_profiles_destroy(&p->set);
    intake_profile_destroy(&p->own);
}

const char *intake_pick_dir(const config *cfg, char *buf, size_t cap)
{
    const char *dir = config_str(cfg, "intake.profiles_dir");
    if (*dir)
        return dir;
    snprintf(buf, cap, "%s/profiles", config_str(cfg, "data.dir"));
    return buf;
}
