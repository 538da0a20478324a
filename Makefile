# SPDX-License-Identifier: GPL-2.0
#
# klp replace policies: build, boot and test a patched Linux 6.12.
# Every target installs what it needs first (make deps).  Variables:
#   KSRC=<dir>     use your own 6.12 tree instead of Debian's linux-source-6.12
#   BUILD=<dir>    where everything is built (default: ./build)
#   FORCE=1        let 'make tree' discard edits made in the assembled tree
#   TESTS="test-sysfs.sh ..."  make selftest: run only these scripts
#   QEMU_ACCEL=kvm|tcg|auto, QEMU_TIMEOUT=<s>, JOBS=<n>
#   SEED=<n> STEPS=<n> STRESS_MINUTES=<m>  make model / make stress
#   V=1            make demo: print the guest console as it comes (by
#                  default only the scenario's output; the console is in
#                  build/logs/demo-console.log)

H := harness

.PHONY: all demo deps tree export kernel initramfs kunit selftest static exhaustive \
	check series clean help ftrace-handler cocci bench default-policy \
	doc-examples htmldocs fixes model stress faults upstream-selftests matrix concurrency \
	bench-scale

all: demo

help:
	@sed -n 's/^\([a-z-]*\):.*## \(.*\)/  make \1\t\2/p' $(MAKEFILE_LIST)

deps: ## install missing Debian packages (as root) or print the command
	@$(H)/deps.sh

tree: deps ## assemble the patched tree in build/linux
	@$(H)/tree.sh

export: ## carry edits made in build/linux back into patches/ and MANIFEST
	@$(H)/export.sh

kernel: tree ## build the test kernel, its modules and the selftests
	@$(H)/kernel.sh

initramfs: kernel ## pack the guest initramfs
	@$(H)/initramfs.sh

demo: initramfs ## the main job: the off-band fleet scenario, booted (V=1: with the console)
	@$(H)/demo.sh

kunit: tree ## KUnit suites via kunit.py under QEMU
	@$(H)/kunit.sh

selftest: tree ## boot the test kernel and run every livepatch selftest
	@$(H)/selftest.sh

default-policy: initramfs ## boot with livepatch.replace_policy= replace_set, tag, a bad name
	@$(H)/default-policy.sh

ftrace-handler: kernel ## klp_ftrace_handler identical with and without the series
	@$(H)/ftrace-handler.sh

cocci: kernel ## Coccinelle migration fixtures: expected outputs, idempotence, build
	@$(H)/cocci.sh

htmldocs: tree ## Documentation/livepatch htmldocs (Sphinx + kernel-doc) with no warning
	@$(H)/htmldocs.sh

doc-examples: kernel ## every C example in Documentation/livepatch/*.rst builds as a module, W=1
	@$(H)/doc-examples.sh

bench: initramfs ## what scoped replacement saves, then legacy beside pristine 6.12: build/bench/, build/bench-peer/
	@$(H)/bench.sh
	@case "$${BENCH_MODE:-full}" in full) SCALE_PEER=1 $(H)/bench-scale.sh ;; smoke) $(H)/bench-scale.sh ;; esac

bench-scale: initramfs ## C = 32..4096 functions, k = 0..256 off-band, beside pristine 6.12 (BENCH_VARIANT=production)
	@$(H)/bench-scale.sh

model: initramfs ## one fixed-seed random history (SEED=12, STEPS=250) checked against the reference model, booted
	@$(H)/stress.sh model

stress: initramfs ## random histories against the model for STRESS_MINUTES (30); SEED=<n> replays one, STEPS=<n>
	@$(H)/stress.sh stress

faults: initramfs ## fail every allocation of klp_enable_patch() in turn, per policy
	@$(H)/faults.sh

upstream-selftests: initramfs ## the pristine 6.12 livepatch selftests, each script isolated (UPSTREAM_DEFAULTS="legacy replace_set tag")
	@$(H)/upstream-selftests.sh

matrix: tree ## build and test each default policy, the policies as modules, a production kernel, upstream tests per default
	@$(H)/matrix.sh

concurrency: initramfs ## parallel loads, disables, sysfs reads and policy module races, lockdep on
	@$(H)/concurrency.sh

static: kernel ## sparse, checkpatch --strict and kernel-doc
	@$(H)/static.sh

exhaustive: tree ## the core's rule code over every history of up to 6 operations, in user space, and each mutant (EXH_DEPTH=)
	@EXH_DEPTH=$${EXH_DEPTH:-6} $(H)/exhaustive.sh

check: deps ## tree, kunit, selftest, upstream-selftests, default-policy, model, faults and concurrency smoke, ftrace-handler, cocci, doc-examples, bench smoke, static; ends "N passed, M failed"
	@$(H)/check.sh

series: tree ## git format-patch series with cover letter in build/series
	@$(H)/series.sh

fixes: tree ## the upstream fixes as their own mail in build/fixes/mail; each applies to 6.12 alone, builds, its selftest fails before and passes after (booted)
	@$(H)/fixes.sh

clean: ## remove build/ (refused while build/linux has unexported edits)
	@$(H)/clean.sh
