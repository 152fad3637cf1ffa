/* cli_args.c — the checks of a subcommand's arguments, one message each
 * (cli_args.h): what was given that the command does not take, and what it
 * takes. The commands keep their own loops; this keeps their words alike.
 */
#include "cli_args.h"

#include <string.h>

#include "cli.h"

static int is_option(const char *a)
{
    return a[0] == '-' && a[1] != '\0';
}

int cli_args_option(const char *cmd, const char *opts, const char *a, const char *hint)
{
    const char *at = is_option(a) ? strstr(opts, a) : NULL;
    size_t len = strlen(a);
    for (; at; at = strstr(at + 1, a))
        if ((at == opts || at[-1] == ' ') && (at[len] == ' ' || at[len] == '\0'))
            return 1;
    if (!is_option(a))
        cli_error("%s：多余的参数“%s”%s", cmd, a, hint);
    else if (*opts)
        cli_error("%s 没有 %s 选项；它的选项：%s", cmd, a, opts);
    else
        cli_error("%s 不带选项（给了 %s）", cmd, a);
    return 0;
}

int cli_args_value(const char *cmd, int argc, char **argv, int *i, const char **slot)
{
    const char *opt = argv[*i];
    if (*i + 1 >= argc) {
        cli_error("%s：%s 后面要写它的值", cmd, opt);
        return -1;
    }
    if (*slot && **slot) {
        cli_error("%s：%s 写了两次（“%s”和“%s”）；只能写一个", cmd, opt, *slot, argv[*i + 1]);
        return -1;
    }
    *slot = argv[++*i];
    return 0;
}

long cli_args_number(const char *cmd, const char *opt, const char *s, long min, long max, const char *what)
{
    long n = cli_count(s, min, max);
    if (n < 0)
        cli_error("%s：%s 要写 %ld 到 %ld 的整数%s，不是“%s”", cmd, opt, min, max, what, s);
    return n;
}

int cli_args_words(const char *cmd, int argc, char **argv, int min, int max, const char *need)
{
    int words = 0;
    for (int i = 1; i < argc; i++)
        if (is_option(argv[i]) || ++words > max) {
            cli_args_option(cmd, "", argv[i], "");
            return -1;
        }
    if (words < min) {
        cli_error("%s：要写%s", cmd, need);
        return -1;
    }
    return 0;
}
