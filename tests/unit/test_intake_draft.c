/* test_intake_draft.c — the first profile a refusal offers for a header no
 * profile fits, from the headers of other cities' 311 exports (Chicago,
 * Boston, Los Angeles, Austin, Toronto) through the profile that comes closest:
 * each field's likeliest column, the lines to mend marked, the caller's
 * fields never guessed, and the draft, once mended, a profile. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "fixture_profiles.h"
#include "intake_draft.h"

/* The draft of the header csv (comma-separated) through profile name. */
static void draft_of(const char *name, const char *csv, char *out, size_t outlen)
{
    const char *fields[64];
    size_t lens[64], n = 0;
    char copy[1500];
    snprintf(copy, sizeof copy, "%s", csv);
    for (char *p = copy, *next; p && n < 64; p = next) {
        next = strchr(p, ',');
        if (next)
            *next++ = '\0';
        fields[n] = p;
        lens[n++] = strlen(p);
    }
    intake_columns *map = intake_columns_new(intake_profiles_find(set, name), fields, lens, n);
    assert_non_null(map);
    assert_int_equal(intake_draft_write(map, out, outlen), 0);
    intake_columns_destroy(&map);
}

static void has_line(const char *draft, const char *line)
{
    char want[400];
    snprintf(want, sizeof want, "\n%s\n", line);
    if (!strstr(draft, want))
        fail_msg("draft lacks the line '%s':\n%s", line, draft);
}

/* Chicago's website export through nyc311: the ticket by its NUMBER, the
 * first of three; the request's type both category and content, none
 * looking like a complaint's text; the time zone and dates to mend. */
static void test_chicago(void **state)
{
    (void)state;
    char d[1600];
    draft_of("nyc311", "SR_NUMBER,SR_TYPE,SR_SHORT_CODE,CREATED_DEPARTMENT,OWNER_DEPARTMENT,STATUS,ORIGIN,"
             "CREATED_DATE,LAST_MODIFIED_DATE,CLOSED_DATE,STREET_ADDRESS,CITY,STATE,ZIP_CODE,STREET_NUMBER,"
             "STREET_DIRECTION,STREET_NAME,STREET_TYPE,DUPLICATE,LEGACY_RECORD,LEGACY_SR_NUMBER,LATITUDE,LONGITUDE,"
             "LOCATION", d, sizeof d);
    assert_non_null(strstr(d, "timezone = America/New_York  # 改：文件里的时间是哪里的钟点"));
    assert_non_null(strstr(d, "\ndates = ymd mdy excel  # 改：文件里时间的写法"));
    assert_non_null(strstr(d, "excel 日期数值，epoch Unix 时间戳）\n"));    /* every format a dates line may name */
    has_line(d, "ticket_no = SR_NUMBER  # 最像工单编号的列；不对就改");
    has_line(d, "called_at = CREATED_DATE");
    has_line(d, "category = SR_TYPE  # 最像诉求类别的列；不对就改");
    has_line(d, "content = SR_TYPE  # 最像诉求内容的列；不对就改");
    has_line(d, "lat = LATITUDE");
    assert_null(strstr(d, "caller_name"));      /* STREET_NAME is no caller's name */
}

/* Boston's through 12345 (Asia/Shanghai, to mend): open_dt the call time,
 * case_title the content, location (all words a hint) the address. */
static void test_boston(void **state)
{
    (void)state;
    char d[1600];
    draft_of("12345", "case_enquiry_id,open_dt,target_dt,closed_dt,ontime,case_status,closure_reason,case_title,"
             "subject,reason,type,queue,department,submittedphoto,closedphoto,location,fire_district,pwd_district,"
             "city_council_district,police_district,neighborhood,neighborhood_services_district,ward,precinct,"
             "location_street_name,location_zipcode,latitude,longitude,source", d, sizeof d);
    assert_non_null(strstr(d, "timezone = Asia/Shanghai  # 改："));
    has_line(d, "ticket_no = case_enquiry_id  # 最像工单编号的列；不对就改");
    has_line(d, "called_at = open_dt  # 最像来电时间的列；不对就改");
    has_line(d, "category = type  # 最像诉求类别的列；不对就改");
    has_line(d, "content = case_title  # 最像诉求内容的列；不对就改");
    has_line(d, "address = location  # 最像诉求地址的列；不对就改");
}

/* MyLA311's camel-case names are words apart; Address before
 * AddressVerified; the caller's name and phone not guessed (StreetName,
 * MobileOS). */
static void test_los_angeles(void **state)
{
    (void)state;
    char d[1600];
    draft_of("nyc311", "SRNumber,CreatedDate,UpdatedDate,ActionTaken,Owner,RequestType,Status,RequestSource,"
             "MobileOS,Anonymous,AssignTo,ServiceDate,ClosedDate,AddressVerified,ApproximateAddress,Address,"
             "HouseNumber,Direction,StreetName,Suffix,ZipCode,Latitude,Longitude,Location", d, sizeof d);
    has_line(d, "ticket_no = SRNumber  # 最像工单编号的列；不对就改");
    has_line(d, "called_at = CreatedDate");
    has_line(d, "content = RequestType  # 最像诉求内容的列；不对就改");
    has_line(d, "address = Address  # 最像诉求地址的列；不对就改");
    assert_null(strstr(d, "caller_"));
}

/* Austin's API layout (sr_ before every name): the creation date before
 * the status's, the longitude as the API names it, long. */
static void test_austin(void **state)
{
    (void)state;
    char d[1600];
    draft_of("nyc311", "sr_number,sr_type_desc,sr_department_desc,sr_method_received_desc,sr_status_desc,"
             "sr_status_date,sr_created_date,sr_updated_date,sr_closed_date,sr_location,sr_location_street_number,"
             "sr_location_street_name,sr_location_city,sr_location_zip_code,sr_location_lat,sr_location_long,"
             "sr_location_lat_long", d, sizeof d);
    has_line(d, "ticket_no = sr_number  # 最像工单编号的列；不对就改");
    has_line(d, "called_at = sr_created_date  # 最像来电时间的列；不对就改");
    has_line(d, "content = sr_type_desc  # 最像诉求内容的列；不对就改");
    has_line(d, "address = sr_location  # 最像诉求地址的列；不对就改");
    has_line(d, "lat = sr_location_lat  # 最像纬度的列；不对就改");
    has_line(d, "lon = sr_location_long  # 最像经度的列；不对就改");
}

/* Toronto's has no ticket number: the line says what to write, and that
 * such a file cannot be imported. */
static void test_toronto_no_ticket(void **state)
{
    (void)state;
    char d[1600];
    draft_of("12345", "Creation Date,Status,First 3 Chars of Postal Code,Intersection Street 1,"
             "Intersection Street 2,Ward,Service Request Type,Division,Section", d, sizeof d);
    has_line(d, "# 改：ticket_no = 放工单编号的列（表头里没有像的列）；文件里没有工单编号就导入不了");
    has_line(d, "called_at = Creation Date  # 最像来电时间的列；不对就改");
    has_line(d, "content = Service Request Type  # 最像诉求内容的列；不对就改");
}

/* The draft, its time zone and dates mended, parses as a profile; a header
 * holding '+' is written in quotes. */
static void test_mended_draft_parses(void **state)
{
    (void)state;
    char d[1600], why[400];
    draft_of("nyc311", "SR_NUMBER,SR_TYPE,CREATED_DATE,Notes + Photos,LATITUDE,LONGITUDE", d, sizeof d);
    intake_profile *p = intake_profile_parse("chicago", d, strlen(d), "test", why, sizeof why);
    if (!p)
        fail_msg("the draft does not parse: %s\n%s", why, d);
    assert_string_equal(p->fields[COL_TICKET_NO].alts[0].parts[0], "SR_NUMBER");
    intake_profile_destroy(&p);
    draft_of("nyc311", "SR_NUMBER,CREATED_DATE,Problem + Detail", d, sizeof d);
    has_line(d, "content = \"Problem + Detail\"  # 最像诉求内容的列；不对就改");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chicago),
        cmocka_unit_test(test_boston),
        cmocka_unit_test(test_los_angeles),
        cmocka_unit_test(test_austin),
        cmocka_unit_test(test_toronto_no_ticket),
        cmocka_unit_test(test_mended_draft_parses),
    };
    return cmocka_run_group_tests(tests, profiles_setup, profiles_teardown);
}
