/* cli_config.c — `jiesu config`: every configuration key, its default, what
 * is allowed and its meaning, from the tables in common/config_keys.c (the
 * README's configuration section is this output). The configuration in use
 * was already checked by main: a bad one stops before this runs.
 */
#include "cli.h"

#include <stdio.h>

int cli_config_main(cli_ctx *ctx, int argc, char **argv)
{
    (void)ctx;
    (void)argv;
    if (argc != 1) {
        cli_error("用法：jiesu config");
        return 2;
    }
    config_print_markdown(stdout);
    return 0;
}
