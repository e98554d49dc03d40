#pragma once
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
