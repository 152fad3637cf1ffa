/* cli_password.c — reads a password for `jiesu user` from standard input:
 * one line. At a terminal it asks on standard error and turns the
 * terminal's echo off while the line is typed (on again after, whatever
 * came), so a password an administrator types for someone who forgot theirs
 * is neither shown on the screen nor kept in its scrollback; piped in
 * (`printf … | jiesu user password NAME`) it is read as it comes.
 */
#include "cli_password.h"

#include <string.h>
#include <termios.h>
#include <unistd.h>

int cli_password_read(FILE *in, const char *prompt, char *buf, size_t cap)
{
    struct termios was, quiet;
    int fd = fileno(in);
    int tty = isatty(fd) && tcgetattr(fd, &was) == 0;
    if (tty) {
        quiet = was;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        quiet.c_lflag |= ECHONL;                /* the Enter still ends the line on screen */
        fputs(prompt, stderr);
        fflush(stderr);
        tcsetattr(fd, TCSAFLUSH, &quiet);
    }
    int got = fgets(buf, (int)cap, in) != NULL;
    if (tty)
        tcsetattr(fd, TCSAFLUSH, &was);
    if (!got)
        return -1;
    buf[strcspn(buf, "\r\n")] = '\0';
    return 0;
}
