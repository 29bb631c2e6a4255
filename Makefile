# The two commands of the README. Both start by installing what is missing.
#   make report   build (release), run every experiment (full profile), write report/index.html
#   make test     build, swift test, quick run of every experiment, verify every claim,
#                 render the quick report and open every page in headless Chromium
SWIFT      ?= swift
PROFILE    ?= full
THREADS    ?= 2
# Experiments run at once, each in its own process with $(THREADS) threads:
# the same results as one at a time, in less wall time (README, "Speed").
JOBS       ?= 2
RELEASE    := .build/release/convnotes

.PHONY: report test test-slurm setup build quick verify clean bench pdf

setup:
	@sh scripts/setup.sh

build: setup
	$(SWIFT) build -c release --product convnotes

# The book is rendered even when an experiment fails (each runs in its own
# process; a student's unfinished function fails only its chapters); the
# exit status still says that something failed.
report: build
	$(RELEASE) all --profile $(PROFILE) --threads $(THREADS) --jobs $(JOBS) --keep-going; status=$$?; $(RELEASE) report && exit $$status

test:
	@sh scripts/setup.sh --browser
	$(SWIFT) build -c release --product convnotes
	CONVNOTES_CONSUMER_TEST=1 CONVNOTES_ASSIGNMENT_E2E=1 $(SWIFT) test  # also builds a consumer package and one student copy
	$(RELEASE) all --profile quick --threads $(THREADS) --jobs $(JOBS) --out .build/quick-results
	$(RELEASE) verify --results .build/quick-results --junit .build/quick-results/verify.xml
	$(RELEASE) report --results .build/quick-results --site .build/quick-report --pdf
	$(RELEASE) check-site --site .build/quick-report  # at 420 px (overflow) and 1300 px (figure text as displayed)

# A one-node Slurm cluster on this machine runs three quick shards; their merge
# must equal the single-process run that `make test` left in .build/quick-results.
test-slurm: build
	@test -d .build/quick-results || $(RELEASE) all --profile quick --threads $(THREADS) --out .build/quick-results
	sh scripts/slurm/test-cluster.sh .build/quick-results

# The whole book as one PDF (installs headless Chromium if missing).
pdf: build
	@sh scripts/setup.sh --browser
	$(RELEASE) report --pdf

bench: build
	$(RELEASE) bench

clean:
	rm -rf .build report

# Reliability (issue 23). `make fuzz`: each parser's libFuzzer target
# (Fuzz/README.md) for FUZZ_SECONDS; `make test-sanitize`: the thread-parallel
# suites under ThreadSanitizer and the parser suites under AddressSanitizer.
FUZZ_SECONDS ?= 60
.PHONY: fuzz test-sanitize
fuzz: setup
	sh Fuzz/build.sh
	sh Fuzz/seed.sh
	FUZZ_SECONDS=$(FUZZ_SECONDS) sh Fuzz/run.sh

test-sanitize: setup
	sh scripts/test-sanitize.sh
