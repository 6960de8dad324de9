/*
 * lg_labcrash.h - the crash report of `litgan lab NN` (labcrash.c): a crash in
 * student code names the lab file, the function, the step, and a gdb line.
 */
#ifndef LG_LABCRASH_H
#define LG_LABCRASH_H

#include "lg_course.h"

/* Catch the crash signals for the experiment of lab (labcmd.c) / stop. */
void lg_labcrash_begin(const lg_lab *lab);
void lg_labcrash_end(void);
/* A student object (built from lab_file) that a crash may be in; read its
 * function symbols now. Removed before its file is deleted. */
void lg_labcrash_add(const char *so_path, const char *lab_file);
void lg_labcrash_remove(const char *so_path);
/* The training step the experiment is in (during) or has just made. */
void lg_labcrash_step(const char *what, long step, bool during);

#endif /* LG_LABCRASH_H */
