/* web_policy.h — the Content-Security-Policy of the reporting service's
 * answers: what a browser may run, apply and fetch from a page of ours. */
#ifndef JIESU_WEB_POLICY_H
#define JIESU_WEB_POLICY_H

#include <stddef.h>

/* The policy into out (cap bytes, HTTP_POLICY_MAX is enough): the board's
 * script the only one to run and the pages' own style sheets the only ones
 * to apply, each named by its SHA-256 (a script or style a page were made
 * to carry — a complaint's text, say — is neither run nor applied, and no
 * style="" attribute is honoured); images and requests of this server,
 * forms sent here, no page of another site framing one. */
void web_policy(char *out, size_t cap);

#endif
