/*
 * lg_answers.h - a student's answers.md read into its sections (internal to
 * the course library): core/course/answers.c. `litgan weave` places them
 * under the writeup's questions (weave/answers.c), `litgan pack` decides from
 * them whether the file is still the template and which headings have no
 * answer (pack.c); both read the file through this one parser, so the two
 * never disagree on what an answer is.
 */
#ifndef LG_ANSWERS_H
#define LG_ANSWERS_H

#include <stdbool.h>
#include <stddef.h>

/* One section of answers.md: a "## ..." heading (or "# Question N" /
 * "# Task N.M") and what is written under it up to the next one. */
typedef struct lg_answer {
    char kind;        /* 'q' a question (number), 't' a task (task), 0 neither */
    int number;
    char task[16];    /* "2.2" */
    int level;        /* 1 or 2: the heading's '#'s */
    char *heading;    /* its text, "Question 3" */
    char *body;       /* the answer: without the quote restating the question,
                       * HTML comments and blank lines at its ends; "" when
                       * nothing is written */
    size_t line;      /* the heading's line in answers.md, from 1 */
    size_t body_line; /* the lines of answers.md before the body's first */
} lg_answer;

typedef struct lg_answers {
    lg_answer *v;
    size_t n;
} lg_answers;

/* The sections of answers.md's text, in order. Text before the first heading
 * (the file's title, its instructions) belongs to none. */
void lg_answers_parse(const char *text, lg_answers *a);
void lg_answers_free(lg_answers *a);

static inline bool lg_answer_written(const lg_answer *s) { return s->body[0] != '\0'; }

/* What a heading (of answers.md or of the writeup) names: 'q' and *number
 * for "Question 3" / "Q3" / "3.", 't' and task for "Task 2.2 ...", else 0. */
char lg_answers_key(const char *heading, int *number, char *task, size_t cap);

#endif /* LG_ANSWERS_H */
