/*
 * answers_honest.c - the control for the sandbox test lab: every answer_*(x)
 * returns 2x + 1, as lab 99 asks. tests/test_grade.c hands it to the grader
 * as a submission's answers.c; it must score full marks.
 */
double answer_honest(double x) { return 2 * x + 1; }
double answer_hidden(double x) { return 2 * x + 1; }
double answer_again(double x) { return 2 * x + 1; }
double answer_segv(double x) { return 2 * x + 1; }
double answer_abort(double x) { return 2 * x + 1; }
double answer_exit(double x) { return 2 * x + 1; }
double answer_loop(double x) { return 2 * x + 1; }
double answer_sleep(double x) { return 2 * x + 1; }
double answer_fork(double x) { return 2 * x + 1; }
double answer_nan(double x) { return 2 * x + 1; }
double answer_inf(double x) { return 2 * x + 1; }
double answer_todo(double x) { return 2 * x + 1; }
double answer_fake_stdout(double x) { return 2 * x + 1; }
double answer_fake_stderr(double x) { return 2 * x + 1; }
double answer_files(double x) { return 2 * x + 1; }
double answer_alloc(double x) { return 2 * x + 1; }
