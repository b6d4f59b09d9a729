# The README's two commands are scripts/run.sh and scripts/test.sh; these targets are shorthands.
.PHONY: run test bench installer install clean

install:
	bash scripts/install.sh

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

bench:
	bash scripts/install.sh --test
	.venv/bin/python benchmarks/run_all.py

installer:
	bash scripts/install.sh --test
	.venv/bin/pyinstaller --noconfirm build_installer.spec

clean:
	rm -rf .venv build dist .pytest_cache .mypy_cache .ruff_cache
