#pragma once
#include <malloc.h>
#include <stdio.h>

/// Makes stdout line-buffered, so that lines reach a log file or a pipe as they are printed
/// (Swift 6 cannot name the C global `stdout` outside a C function).
static inline void intone_line_buffer_stdout(void) { setvbuf(stdout, NULL, _IOLBF, 0); }
