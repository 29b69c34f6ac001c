# Assay: `make demo` sets everything up and assesses examples/ offline; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
ASSAY := $(BIN)/assay
OUT := out
# the corpus steps run inside examples/: they name the output folder absolutely (OUT may be either)
OUT_ABS = $(abspath $(OUT))
# test processes (pytest-xdist): the tests are isolated (tmp_path, port 0); 0 runs them in one process
TEST_WORKERS ?= 2

.PHONY: demo test check install dev clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# the C inner loops (normalizer, keyword hits) are compiled at install: a changed source reinstalls
NATIVE := src/assay/text/_fastnorm.c src/assay/text/_fastkw.c

$(VENV)/.installed: pyproject.toml $(NATIVE) | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(NATIVE) | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@ $(VENV)/.installed

# the demo also runs the guard (assay guard serve: starlette, uvicorn)
$(VENV)/.installed-guard: pyproject.toml $(NATIVE) | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[guard]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

dev: $(VENV)/.installed-dev

demo: $(VENV)/.installed-guard
	@mkdir -p $(OUT)/filing
	$(ASSAY) standard profiles
	$(ASSAY) standard risks --json > $(OUT)/risks.json
	$(ASSAY) standard clauses --json > $(OUT)/clauses.json
	$(ASSAY) standard thresholds
	@# banks check exits 1 when banks fall short of chapter 8 (the examples do, on purpose)
	$(ASSAY) banks check --config examples/assay.yaml --out $(OUT)/banks-check.json; rc=$$?; test $$rc -le 1
	@# the whole assessment of the example service (banks, 9.3, 9.4, measures), offline: the
	@# target is a sample answer sheet. Writes the report and the filing attachments to out/demo/.
	@rm -rf $(OUT)/demo
	$(ASSAY) assess examples/assay.yaml --out $(OUT)/demo --store sqlite:///$(OUT)/demo/runs.sqlite --run-id demo
	$(ASSAY) results demo --store sqlite:///$(OUT)/demo/runs.sqlite --config examples/assay.yaml
	@# the same service through the runtime guard (the guard on 127.0.0.1 in front of a stand-in
	@# model replaying the same answer sheet), into the same store: out/demo-guard/ holds its
	@# report, with the bare run beside it and which layer stopped each item
	@rm -rf $(OUT)/demo-guard
	$(BIN)/python scripts/demo_guard.py --out $(OUT)/demo-guard --store sqlite:///$(OUT_ABS)/demo/runs.sqlite --compare demo
	@# corpus sources (5.1): the registry check and the per-source 5% screen of the example corpus
	cd examples && ../$(ASSAY) corpus sources && ../$(ASSAY) corpus assess --quarantine-dir $(OUT_ABS)/quarantine
	cd examples && ../$(ASSAY) corpus technical && ../$(ASSAY) corpus filter --out $(OUT_ABS)/clean --pii mask
	cd examples && ../$(ASSAY) corpus manual export --out $(OUT_ABS)/corpus-manual.xlsx
	cd examples && ../$(ASSAY) keywords scan --file texts.txt --json > $(OUT_ABS)/keyword-scan.json
	cd examples && ../$(ASSAY) keywords scan --file texts.txt
	$(ASSAY) banks convert examples/banks/keywords.csv $(OUT)/filing/keywords.xlsx --kind keywords --layout filing
	$(ASSAY) banks convert examples/banks/content.csv $(OUT)/filing/content.xlsx --kind content --layout filing
	$(ASSAY) banks convert examples/banks/must_refuse.jsonl $(OUT)/filing/must_refuse.xlsx --kind must_refuse --layout filing
	$(ASSAY) banks convert examples/banks/must_answer.jsonl $(OUT)/filing/must_answer.xlsx --kind must_answer --layout filing
	@echo
	@echo "Demo finished. The assessment package is in $(OUT)/demo/: report.html, report.md, report.json"
	@echo "and the filing attachments (拦截关键词列表, 评估测试题-*, 抽样清单, 语料抽样清单, 备案信息汇总, 语料标注规则.md), with the run store"
	@echo "runs.sqlite. Also under $(OUT)/: risks.json, clauses.json, banks-check.json, keyword-scan.json"
	@echo "and filing/*.xlsx (the example banks in the filing layout). $(OUT)/demo-guard/ holds the report"
	@echo "of the same service assessed through the runtime guard, beside the bare run (9.3/9.4)."
	@echo "The example banks are deliberately small: the check above lists what a provider must add."

test: dev
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

# every benchmark, one table: bench/RESULTS.md (slow: run it on a quiet machine)
bench: dev
	$(BIN)/python bench/all.py

check: dev
	$(BIN)/ruff check src tests scripts bench
	$(BIN)/ruff format --check src tests scripts bench
	$(BIN)/mypy

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache
