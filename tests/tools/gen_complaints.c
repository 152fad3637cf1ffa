/* gen_complaints.c — writes realistic 12345 hotline complaints for 崂山区
 * (Qingdao) as the CSV a hotline system exports through Excel.
 *
 *   gen_complaints [-n ROWS] [-s SEED] [--bad] [--conduct N] [--no-bom]
 *                  [--from YYYY-MM-DD] [--days N] [-o FILE] [ROWS [SEED]]
 *
 * Defaults: 300 rows, seed 1, 30 days from 2026-10-01, to standard output.
 * A ticket is the call's date and the row's number, plus (SEED - 1) × 10^7:
 * files of two seeds are other complaints, and never share a ticket (a
 * stored ticket at another call time is refused as another complaint).
 * Columns: 工单编号,来电时间,来电人,联系电话,诉求地址,诉求内容,诉求类型,紧急程度,
 * CRLF line ends, UTF-8 with a byte order mark (Excel's "CSV UTF-8") unless
 * --no-bom. Places use the real street offices of 崂山区, their short forms,
 * real community names (NBS codes in data/regions/communities.csv) and real
 * roads; some rows name no place at all (they must go to manual dispatch).
 * Callers and phone numbers are made up.
 *
 * --bad turns every 60th row into a bad one, cycling through: empty content,
 * impossible call time, a ticket number Excel mangled (1.23457E+17), a repeat
 * of the previous row's ticket number, an empty call time.
 *
 * --conduct N turns one row in N (the middle one of each N) into a complaint
 * about officials' conduct (推诿, 态度蛮横, 好处费) at a street office, filed
 * under the hotline's 纪检监察-工作作风: routing must give it to discipline
 * inspection, never to the office it accuses. The other rows stay the same
 * bytes as without it.
 *
 * Deterministic: the same arguments give the same bytes. Fast enough for
 * millions of rows (make bench).
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define BAD_EVERY 60
#define CONDUCT_CATEGORY "纪检监察-工作作风"

static const char *const STREETS[][2] = {
    {"中韩街道", "中韩"}, {"沙子口街道", "沙子口"}, {"王哥庄街道", "王哥庄"},
    {"北宅街道", "北宅"}, {"金家岭街道", "金家岭"},
};

/* Real communities of 崂山区 (NBS 2023) and the index of their street. */
static const struct { const char *name; int street; } COMMUNITIES[] = {
    {"张村社区", 0}, {"枯桃社区", 0}, {"南张社区", 0}, {"东韩社区", 0}, {"华都社区", 0},
    {"温哥华社区", 0}, {"刘家下庄社区", 0}, {"流清河社区", 1}, {"东麦窑社区", 1},
    {"大河东社区", 1}, {"段家埠社区", 1}, {"前登瀛社区", 1}, {"南窑社区", 1},
    {"西九水社区", 1}, {"港东社区", 2}, {"晓望社区", 2}, {"雕龙嘴社区", 2},
    {"黄山社区", 2}, {"返岭社区", 2}, {"北宅科社区", 3}, {"东陈社区", 3},
    {"五龙社区", 3}, {"华阳社区", 3}, {"卧龙社区", 3}, {"凉泉社区", 3},
    {"大麦岛社区", 4}, {"石老人社区", 4}, {"王家麦岛社区", 4}, {"海青路社区", 4},
    {"午山社区", 4}, {"山东头社区", 4}, {"朱家洼社区", 4},
};

static const char *const ROADS[] = {
    "香港东路", "海尔路", "秦岭路", "银川东路", "松岭路", "深圳路", "苗岭路", "株洲路",
    "海口路", "同安路", "崂山路", "仙霞岭路", "九水东路", "东海东路", "云岭路", "滨海大道",
};

static const char *const LANDMARKS[] = {
    "石老人海水浴场", "极地海洋世界", "仰口游客中心", "北九水景区", "流清河海水浴场",
};

static const struct {
    const char *category;
    const char *text[3];
} TOPICS[] = {
    {"城市管理-占道经营", {"%s附近有商户长期占道经营，摆摊设点堵塞人行道，行人只能走机动车道，存在安全隐患。",
                          "%s路口每天早上有流动摊贩占道卖菜，收摊后垃圾遍地。",
                          "%s一家烧烤店把桌椅摆到人行道上占道经营，每晚营业到凌晨。"}},
    {"环境保护-噪声扰民", {"%s附近工地夜间施工，晚上十一点以后还在作业，噪声严重影响居民休息。",
                          "%s楼下广场舞音响声音太大，每天晚上持续到九点半以后。",
                          "%s有商户在门口用大喇叭循环播放促销广告，噪声扰民。"}},
    {"交通管理-违章停车", {"%s门口长期有车辆违章停车，占用消防通道。",
                          "%s人行道上停满机动车，行人无法通行。",
                          "%s公交站附近经常有出租车违停揽客，造成拥堵。"}},
    {"环境卫生-垃圾清运", {"%s的垃圾桶满溢三天没有清运，气味很大，招来很多蚊蝇。",
                          "%s路边堆放大量建筑垃圾，一直无人清理。",
                          "%s垃圾分类亭损坏，垃圾散落一地。"}},
    {"市政设施-路灯", {"%s路段的路灯坏了一个多星期，晚上漆黑一片，出行不安全。",
                      "%s附近有几盏路灯白天一直亮着，浪费电。",
                      "%s新修的道路一直没有安装路灯。"}},
    {"环境保护-油烟", {"%s一楼饭店没有安装油烟净化设施，油烟直接排到楼上住户窗前。",
                      "%s附近露天烧烤油烟很大，居民无法开窗。",
                      "%s小吃店排烟管道直冲居民楼，油烟扰民。"}},
    {"城乡建设-违章建筑", {"%s有住户在楼顶私自搭建彩钢房，属于违章建筑，存在安全隐患。",
                          "%s一楼住户私自扩建院子，占用公共绿地。",
                          "%s有人在河道边私搭乱建板房。"}},
    {"文明养犬-流浪犬", {"%s附近有多只流浪犬出没，晚上追咬行人，孩子上学很害怕。",
                        "%s有居民遛狗不拴绳，狗粪也不清理。",
                        "%s有人大量投喂流浪犬，犬只聚集吠叫扰民。"}},
    {"市政设施-道路破损", {"%s路面塌陷出现一个大坑，已经有电动车摔倒。",
                          "%s人行道砖松动破损多处，雨天积水严重。",
                          "%s有一个井盖缺失，只用树枝挡着，非常危险。"}},
    {"物业管理-小区物业", {"%s小区电梯经常故障，业主多次向物业反映没有解决。",
                          "%s小区单元门禁损坏两个月无人维修。",
                          "%s小区物业擅自把绿地改成收费停车位。"}},
    {"环境保护-扬尘", {"%s工地渣土车不覆盖篷布，沿路撒漏，扬尘严重。",
                      "%s拆迁工地没有围挡和洒水，刮风时尘土飞扬。",
                      "%s搅拌站粉尘很大，附近车辆上落满灰。"}},
};

/* Conduct complaints: %s is the street office accused. */
static const char *const CONDUCT[] = {
    "到%s办事处开居住证明，窗口工作人员推诿扯皮，让来回跑了四趟还没办成。",
    "%s的城管执法人员态度蛮横，收走摊贩的秤不给任何凭据。",
    "%s一名社区工作人员要收好处费才给盖章，来电人要求查处。",
};

static const char *const OPENINGS[] = {"", "", "最近一周，", "从上个月开始，", "来电人反映：", "每天晚上，"};
static const char *const ENDINGS[] = {
    "", "请相关部门尽快处理。", "已经反映过多次，至今没有解决。", "希望尽快核实处理并回复。",
    "请求处理。",
};
static const char *const SURNAMES[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴",
                                       "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "于"};
static const char *const MOBILE[] = {"138", "139", "135", "136", "137", "150", "151", "158",
                                     "186", "187", "188", "133", "153", "177", "180", "199"};

typedef struct {
    uint64_t state;
} rng;

static uint64_t next(rng *r)    /* splitmix64 */
{
    uint64_t z = (r->state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static unsigned pick(rng *r, unsigned n)
{
    return (unsigned)(next(r) % n);
}

/* Writes s as one CSV field, quoted when it holds a comma, quote or line break. */
static void put_field(FILE *out, const char *s, int last)
{
    if (strpbrk(s, ",\"\r\n")) {
        fputc('"', out);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', out);
            fputc(*s, out);
        }
        fputc('"', out);
    } else {
        fputs(s, out);
    }
    fputs(last ? "\r\n" : ",", out);
}

/* The place of one complaint: the address column and how the text names it. */
static void make_place(rng *r, char *addr, size_t alen, char *mention, size_t mlen)
{
    unsigned kind = pick(r, 100);
    unsigned c = pick(r, N(COMMUNITIES)), n = 1 + pick(r, 40);
    const char *comm = COMMUNITIES[c].name;
    int st = COMMUNITIES[c].street;
    snprintf(mention, mlen, "%s", comm);
    if (kind < 30) {
        snprintf(addr, alen, "%s崂山区%s%s%u号楼", pick(r, 3) ? "" : "青岛市", STREETS[st][0], comm, n);
    } else if (kind < 50) {
        snprintf(addr, alen, "%s%s%u号", STREETS[st][1], comm, n);
    } else if (kind < 63) {
        snprintf(addr, alen, "%s%u号楼%u单元", comm, n, 1 + pick(r, 4));
    } else if (kind < 80) {
        const char *road = ROADS[pick(r, N(ROADS))];
        snprintf(addr, alen, "崂山区%s%u号", road, 1 + pick(r, 300));
        snprintf(mention, mlen, "%s", road);
    } else if (kind < 85) {
        const char *mark = LANDMARKS[pick(r, N(LANDMARKS))];
        snprintf(addr, alen, "%s附近", mark);
        snprintf(mention, mlen, "%s", mark);
    } else if (kind < 90) {
        addr[0] = '\0';         /* the place is only in the text */
    } else {
        snprintf(addr, alen, "%s", pick(r, 2) ? "" : "来电人未提供");
        snprintf(mention, mlen, "%s", pick(r, 2) ? "我家小区" : "我们小区");
    }
}

static void make_content(rng *r, const char *mention, int topic, char *out, size_t len)
{
    char body[512];
    snprintf(body, sizeof body, TOPICS[topic].text[pick(r, 3)], mention);
    const char *extra = "";
    unsigned x = pick(r, 100);
    if (x < 3)
        extra = "\n补充：来电人要求处理后回电。";
    else if (x < 5)
        extra = "商户称\"马上就收\",但一直没有整改。";
    snprintf(out, len, "%s%s%s%s", OPENINGS[pick(r, N(OPENINGS))], body, extra,
             ENDINGS[pick(r, N(ENDINGS))]);
}

/* The k-th conduct complaint: the address of the office it accuses, and what it did. */
static void make_conduct(long k, char *addr, size_t alen, char *out, size_t len)
{
    const char *street = STREETS[k % N(STREETS)][0];
    snprintf(addr, alen, "崂山区%s办事处", street);
    snprintf(out, len, CONDUCT[k % N(CONDUCT)], street);
}

static void make_caller(rng *r, char *name, size_t nlen, char *phone, size_t plen)
{
    unsigned k = pick(r, 100);
    if (k < 5) {
        snprintf(name, nlen, "匿名");
        phone[0] = '\0';
        return;
    }
    snprintf(name, nlen, "%s%s", SURNAMES[pick(r, N(SURNAMES))], pick(r, 2) ? "先生" : "女士");
    if (k < 15)
        snprintf(phone, plen, "0532-8%07u", pick(r, 10000000));
    else
        snprintf(phone, plen, "%s%08u", MOBILE[pick(r, N(MOBILE))], pick(r, 100000000));
}

typedef struct {
    long     rows;
    uint64_t seed;
    int      bad, bom, days;
    long     conduct;           /* one row in this many is a conduct complaint; 0: none */
    time_t   from;              /* midnight of the first day, as UTC */
    const char *out;
} options;

static int parse_args(int argc, char **argv, options *o)
{
    static const struct option longs[] = {
        {"bad", no_argument, NULL, 'b'}, {"no-bom", no_argument, NULL, 'B'}, {"conduct", required_argument, NULL, 'c'},
        {"from", required_argument, NULL, 'f'}, {"days", required_argument, NULL, 'd'},
        {NULL, 0, NULL, 0},
    };
    struct tm tm = {.tm_year = 126, .tm_mon = 9, .tm_mday = 1};
    int c;
    *o = (options){.rows = 300, .seed = 1, .bom = 1, .days = 30};
    while ((c = getopt_long(argc, argv, "n:s:o:", longs, NULL)) != -1) {
        switch (c) {
        case 'n': o->rows = atol(optarg); break;
        case 's': o->seed = strtoull(optarg, NULL, 10); break;
        case 'o': o->out = optarg; break;
        case 'b': o->bad = 1; break;
        case 'c': o->conduct = atol(optarg); break;
        case 'B': o->bom = 0; break;
        case 'd': o->days = atoi(optarg); break;
        case 'f':
            if (sscanf(optarg, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3)
                return -1;
            tm.tm_year -= 1900;
            tm.tm_mon -= 1;
            break;
        default: return -1;
        }
    }
    if (optind < argc)
        o->rows = atol(argv[optind++]);
    if (optind < argc)
        o->seed = strtoull(argv[optind++], NULL, 10);
    o->from = timegm(&tm);
    return o->rows < 0 || o->days < 1 || o->conduct < 0 || optind != argc ? -1 : 0;
}

int main(int argc, char **argv)
{
    options o;
    if (parse_args(argc, argv, &o) < 0) {
        fprintf(stderr, "usage: gen_complaints [-n ROWS] [-s SEED] [--bad] [--conduct N] [--no-bom] "
                        "[--from YYYY-MM-DD] [--days N] [-o FILE] [ROWS [SEED]]\n");
        return 2;
    }
    FILE *out = o.out ? fopen(o.out, "w") : stdout;
    if (!out) {
        perror(o.out);
        return 1;
    }
    static char buf[1 << 20];
    setvbuf(out, buf, _IOFBF, sizeof buf);
    rng r = {o.seed * 0x2545F4914F6CDD1Dull + 1};
    if (o.bom)
        fputs("\xEF\xBB\xBF", out);
    fputs("工单编号,来电时间,来电人,联系电话,诉求地址,诉求内容,诉求类型,紧急程度\r\n", out);
    char ticket[80] = "", prev[80] = "", when[80], name[32], phone[32], addr[256], mention[128];
    char content[1024];
    for (long i = 0; i < o.rows; i++) {
        long day = (long)((double)i * o.days / (o.rows ? o.rows : 1));
        time_t t = o.from + day * 86400 + 7 * 3600 + (time_t)pick(&r, 16 * 3600);
        struct tm tm;
        gmtime_r(&t, &tm);
        snprintf(prev, sizeof prev, "%s", ticket);
        snprintf(ticket, sizeof ticket, "%04d%02d%02d%07ld", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday, (long)(o.seed ? o.seed - 1 : 0) * 10000000L + i + 1);
        snprintf(when, sizeof when, "%d/%d/%d %d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday, tm.tm_hour, tm.tm_min);
        int topic = (int)pick(&r, N(TOPICS));
        unsigned u = pick(&r, 100);
        make_place(&r, addr, sizeof addr, mention, sizeof mention);
        make_content(&r, mention, topic, content, sizeof content);
        make_caller(&r, name, sizeof name, phone, sizeof phone);
        int conduct = o.conduct && i % o.conduct == o.conduct / 2;
        if (conduct)                /* after the draws, so the other rows stay as they were */
            make_conduct(i / o.conduct, addr, sizeof addr, content, sizeof content);
        int bad = o.bad && i % BAD_EVERY == BAD_EVERY - 1 ? (int)(i / BAD_EVERY % 5) : -1;
        put_field(out, bad == 2 ? "1.23457E+17" : bad == 3 ? prev : ticket, 0);
        put_field(out, bad == 1 ? "2026/13/45 25:61" : bad == 4 ? "" : when, 0);
        put_field(out, name, 0);
        put_field(out, phone, 0);
        put_field(out, addr, 0);
        put_field(out, bad == 0 ? "" : content, 0);
        put_field(out, conduct ? CONDUCT_CATEGORY : TOPICS[topic].category, 0);
        put_field(out, u < 85 ? "一般" : u < 98 ? "紧急" : "特急", 1);
    }
    if (fflush(out) != 0 || (o.out && fclose(out) != 0)) {
        perror(o.out ? o.out : "stdout");
        return 1;
    }
    return 0;
}
