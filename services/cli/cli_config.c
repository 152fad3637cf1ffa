/* cli_config.c — `jiesu config`: every configuration key, its default, what
 * is allowed and its meaning, from the tables in common/config_keys.c (the
 * README's configuration section is this output). Defaults, not the values in
 * use, and its heading says so: those are in the file and the environment
 * each program is started with, which this tool cannot read. The configuration in use
 * was already checked by main: a bad one stops before this runs.
 */
#include "cli.h"

#include <stdio.h>

#include "cli_args.h"

int cli_config_main(cli_ctx *ctx, int argc, char **argv)
{
    (void)ctx;
    if (cli_args_words("config", argc, argv, 0, 0, "") < 0) {
        fprintf(stderr, "用法：jiesu config\n");
        return 2;
    }
    config_print_markdown(stdout);
    return 0;
}
