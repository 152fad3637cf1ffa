/* cli_args.h — a subcommand's arguments checked one at a time: an option
 * it does not use, one given twice or without its value, a number that is
 * none, a word too many or too few is refused, saying what was given and
 * what the command takes ("show 不带选项（给了 --json）", "bulletin 没有
 * --date 选项；它的选项：--week --out --json", "daily：--date 写了两次"),
 * never ignored. Each function prints "jiesu: " and its message
 * (cli_error); the command then prints its usage and exits 2.
 *
 * An option is a word starting with "-" ("-" alone is a word); cmd names
 * the command as people type it ("user token", "gazetteer remove").
 */
#ifndef JIESU_CLI_ARGS_H
#define JIESU_CLI_ARGS_H

/* 1 when a is one of the options opts lists ("--all --rung --limit"),
 * else 0 after saying cmd has no such option and which it has (or that it
 * takes none), or, a being no option, that it is a word too many; hint
 * follows that ("（一次只处理一个用户名）", or ""). */
int cli_args_option(const char *cmd, const char *opts, const char *a, const char *hint);

/* The value of the option at argv[*i] into *slot, *i moved onto it. 0, or
 * -1 after saying that it has none or that *slot already held one (a
 * value other than "" given before). */
int cli_args_value(const char *cmd, int argc, char **argv, int *i, const char **slot);

/* s, the value of option opt, as a whole number from min to max; -1 after
 * saying what it must be, what after the range ("（条数）", or ""). */
long cli_args_number(const char *cmd, const char *opt, const char *s, long min, long max, const char *what);

/* 0 when argv[1..argc) holds from min to max words and no option, else -1
 * after saying which is wrong: an option, a word too many, or, fewer than
 * min, that need is missing ("工单号"). */
int cli_args_words(const char *cmd, int argc, char **argv, int min, int max, const char *need);

#endif
