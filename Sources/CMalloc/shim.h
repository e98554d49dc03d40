#pragma once
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <sys/stat.h>

/// Makes stdout line-buffered when it is a file, so that a log file being tailed shows each line as
/// it is printed (a terminal is line-buffered already; a pipe keeps its block buffer, so that
/// `intone ... | head` behaves as before). Swift 6 cannot name the C global `stdout` outside C.
static inline void intone_line_buffer_stdout_if_file(void) {
    struct stat s;
    if (fstat(fileno(stdout), &s) == 0 && S_ISREG(s.st_mode)) setvbuf(stdout, NULL, _IOLBF, 0);
}

/// Swaps two paths atomically (Linux renameat2 with RENAME_EXCHANGE): a folder replaced this way is
/// never missing, not even for a moment. Returns 0, or -1 with errno set.
static inline int intone_exchange_paths(const char *a, const char *b) {
    return renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE);
}
