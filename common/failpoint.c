/* failpoint.c — kill points for crash tests (see failpoint.h). */
#include "failpoint.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

void failpoint(const char *name)
{
    static long hits;
    const char *spec = getenv("JIESU_FAILPOINT");
    size_t len = strlen(name);
    if (!spec || strncmp(spec, name, len) != 0 || spec[len] != ':')
        return;
    if (++hits == atol(spec + len + 1)) {
        log_warn("failpoint %s reached %ld times: killing this process", name, hits);
        raise(SIGKILL);
    }
}
