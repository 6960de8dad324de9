/*
 * outcome.c - the numbers of a grading run (score, maximum, per task, the
 * status and the grader's error) and their wire form between a forked grading
 * process and its parent: a fixed header with a magic number, the task scores
 * and maxima, then the table's bytes. The parent checks the magic, the task
 * count and the exact length before it believes any of it.
 */
#include "grade_impl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void lg_outcome_init(lg_grade_outcome *o, size_t n_tasks)
{
    memset(o, 0, sizeof *o);
    o->n_tasks = n_tasks;
    o->task_score = lg_xcalloc(n_tasks ? n_tasks : 1, sizeof(double));
    o->task_max = lg_xcalloc(n_tasks ? n_tasks : 1, sizeof(double));
}

void lg_outcome_free(lg_grade_outcome *o)
{
    free(o->task_score);
    free(o->task_max);
    o->task_score = o->task_max = NULL;
}

int lg_outcome_error(lg_grade_outcome *o, int rc, const char *msg)
{
    o->rc = rc;
    snprintf(o->err, sizeof o->err, "%s", msg);
    return rc;
}

typedef struct wire_head {
    uint32_t magic;
    int32_t rc;
    double score, max;
    uint64_t n_tasks, table_len;
    char err[512];
} wire_head;
#define WIRE_MAGIC 0x3147474cu /* "LGG1" */

void lg_outcome_send(int fd, const lg_grade_outcome *o, const char *table, size_t table_len)
{
    wire_head h;
    memset(&h, 0, sizeof h);
    h.magic = WIRE_MAGIC;
    h.rc = o->rc;
    h.score = o->score;
    h.max = o->max;
    h.n_tasks = o->n_tasks;
    h.table_len = table_len;
    memcpy(h.err, o->err, sizeof h.err);
    lg_write_all(fd, &h, sizeof h);
    lg_write_all(fd, o->task_score, o->n_tasks * sizeof(double));
    lg_write_all(fd, o->task_max, o->n_tasks * sizeof(double));
    if (table_len)
        lg_write_all(fd, table, table_len);
}

/* Decode a buffer from send_outcome; false when it is not one. */
bool lg_outcome_parse(const char *buf, size_t len, size_t n_tasks, lg_grade_outcome *o,
                          const char **table, size_t *table_len)
{
    wire_head h;
    if (len < sizeof h)
        return false;
    memcpy(&h, buf, sizeof h);
    if (h.magic != WIRE_MAGIC || h.n_tasks != n_tasks ||
        len != sizeof h + 2 * n_tasks * sizeof(double) + h.table_len)
        return false;
    o->rc = h.rc;
    o->score = h.score;
    o->max = h.max;
    memcpy(o->err, h.err, sizeof o->err);
    o->err[sizeof o->err - 1] = '\0';
    memcpy(o->task_score, buf + sizeof h, n_tasks * sizeof(double));
    memcpy(o->task_max, buf + sizeof h + n_tasks * sizeof(double), n_tasks * sizeof(double));
    if (table) {
        *table = buf + sizeof h + 2 * n_tasks * sizeof(double);
        *table_len = (size_t)h.table_len;
    }
    return true;
}

size_t lg_outcome_wire_size(size_t n_tasks, size_t table_len)
{
    return sizeof(wire_head) + 2 * n_tasks * sizeof(double) + table_len;
}
