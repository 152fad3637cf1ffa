/* cli_password.h — a password read from standard input, at a terminal
 * without echo (cli_password.c). */
#ifndef JIESU_CLI_PASSWORD_H
#define JIESU_CLI_PASSWORD_H

#include <stddef.h>
#include <stdio.h>

/* Reads one line of in into buf (cap bytes, the line end dropped). When in
 * is a terminal, prompt goes to standard error first and the terminal does
 * not echo what is typed. 0, or -1 when in has no line. */
int cli_password_read(FILE *in, const char *prompt, char *buf, size_t cap);

#endif
