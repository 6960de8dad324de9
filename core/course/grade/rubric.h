/*
 * rubric.h - the instructors' points for the written answers (rubric.c),
 * shared by `litgan grade --rubric` (lg_grade_lab_rubric) and grade-all
 * (jobs.c). The format is rubric.c's header comment and README.md's.
 */
#ifndef LG_GRADE_RUBRIC_H
#define LG_GRADE_RUBRIC_H

#include "grade_impl.h"

typedef struct lg_rubric_row {
    char *submission;         /* a submission folder's name */
    size_t question;          /* index in lab->questions */
    double points;            /* 0 .. the question's points */
    char *comment;            /* "" when none */
    size_t line;              /* where the row starts in the file */
} lg_rubric_row;

typedef struct lg_rubric {
    char *path;               /* as given, for messages */
    lg_rubric_row *rows;
    size_t n;
} lg_rubric;

/* Read the rubric at path for lab, strictly: LG_OK with its rows; LG_EIO when
 * it cannot be read; LG_EFORMAT "PATH:LINE: why" at the first bad line (a
 * header other than submission,question,points,comment, a row of another
 * number of cells, a submission not in known (folder names), a question lab.ini
 * does not list, points that are not a number or fall outside 0..maximum, the
 * same submission and question twice). */
int lg_rubric_read(const char *path, const lg_lab *lab, const lg_strvec *known, lg_rubric *out);
void lg_rubric_free(lg_rubric *r);

/* The row of submission name for question k, or NULL (not graded yet); r may
 * be NULL (no rubric at all). */
const lg_rubric_row *lg_rubric_find(const lg_rubric *r, const char *name, size_t k);

/* What the rubric gives name: the points given, the maximum of the questions
 * graded, and the questions not graded yet with their maximum. */
typedef struct lg_rubric_sum {
    double given, graded_max, open_max;
    size_t graded, open;
} lg_rubric_sum;
lg_rubric_sum lg_rubric_total(const lg_lab *lab, const lg_rubric *r, const char *name);

/* The written answers under the per-task table on f: one line per question
 * (points, or "not graded yet"), the comment below it, and the total with
 * them (score, max: the tests'). Nothing when the lab has no questions. */
void lg_rubric_table(FILE *f, const lg_lab *lab, const lg_rubric *r, const char *name, double score, double max);

/* Add the questions to the results.json at path, as tests of their own
 * ("Question 3 (written): TITLE", number "Q3"; no score when not graded
 * yet), their points to its score and the graded ones' maximum to its
 * max_score. Written atomically, its owner's only; a path that is not a
 * regular file (/dev/null) is left alone. Nothing when the lab has no
 * questions. */
int lg_rubric_merge_json(const char *path, const lg_lab *lab, const lg_rubric *r, const char *name);

/* The folders of dir (not starting with '.') into names: the submissions a
 * rubric beside them may name. */
int lg_rubric_known(const char *dir, lg_strvec *names);

#endif
