/* cli_progress.c — the import progress bar (see cli_progress.h). */
#include "cli_progress.h"

#include "clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BAR_WIDTH 20
#define REDRAW_MS 200

struct cli_progress {
    char     file_name[256];
    uint64_t file_bytes;
    int64_t  started_ms;        /* of the phase drawn */
    int64_t  drawn_ms;
    int      importing;         /* 0 sending, 1 importing */
    int      drawn;
};

/* 1234567 → "1,234,567". */
static void thousands(char *out, size_t cap, long long n)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%lld", n < 0 ? 0 : n);
    size_t o = 0;
    for (int i = 0; i < len && o + 2 < cap; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
}

/* The share of the file done, and the bar for it. */
static double fill(const cli_progress *self, uint64_t bytes, char bar[BAR_WIDTH + 1])
{
    double frac = self->file_bytes ? (double)bytes / (double)self->file_bytes : 0;
    frac = frac > 1 ? 1 : frac;
    for (int i = 0; i < BAR_WIDTH; i++)
        bar[i] = i < (int)(frac * BAR_WIDTH) ? '#' : '-';
    bar[BAR_WIDTH] = '\0';
    return frac;
}

/* Starts the phase, or says whether enough time passed to redraw. */
static int due(cli_progress *self, int importing)
{
    int64_t now = clock_mono_ms();
    if (self->importing != importing || !self->started_ms) {
        self->importing = importing;
        self->started_ms = now;
    }
    if (self->drawn && now - self->drawn_ms < REDRAW_MS)
        return 0;
    self->drawn_ms = now;
    self->drawn = 1;
    return 1;
}

cli_progress *cli_progress_new(const char *file_name, uint64_t file_bytes)
{
    cli_progress *self = calloc(1, sizeof *self);
    if (self) {
        snprintf(self->file_name, sizeof self->file_name, "%s", file_name);
        self->file_bytes = file_bytes;
    }
    return self;
}

void cli_progress_sent(cli_progress *self, uint64_t bytes)
{
    char bar[BAR_WIDTH + 1];
    if (!self || !due(self, 0))
        return;
    double frac = fill(self, bytes, bar), secs = (double)(clock_mono_ms() - self->started_ms) / 1000.0;
    fprintf(stderr, "\r%s  发送中 [%s] %3d%%  %.1f MB/秒\033[K", self->file_name, bar, (int)(frac * 100),
            secs > 0 ? (double)bytes / secs / 1e6 : 0.0);
    fflush(stderr);
}

void cli_progress_imported(cli_progress *self, uint64_t bytes, int64_t rows)
{
    char bar[BAR_WIDTH + 1], nrows[32], rate[32], eta[32] = "--:--";
    if (!self || !due(self, 1))
        return;
    double frac = fill(self, bytes, bar), secs = (double)(clock_mono_ms() - self->started_ms) / 1000.0;
    thousands(nrows, sizeof nrows, rows);
    thousands(rate, sizeof rate, secs > 0 ? (long long)((double)rows / secs) : 0);
    if (frac > 0.01 && secs > 0) {
        long left = (long)(secs / frac - secs);
        snprintf(eta, sizeof eta, "%ld:%02ld", left / 60, left % 60);
    }
    fprintf(stderr, "\r%s [%s] %3d%%  %s 行  %s 行/秒  还需 %s\033[K", self->file_name, bar, (int)(frac * 100),
            nrows, rate, eta);
    fflush(stderr);
}

void cli_progress_destroy(cli_progress **pself)
{
    if (!pself || !*pself)
        return;
    if ((*pself)->drawn)
        fprintf(stderr, "\r\033[K");
    free(*pself);
    *pself = NULL;
}
