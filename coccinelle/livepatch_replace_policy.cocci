// SPDX-License-Identifier: GPL-2.0-only
/// Make the replace policy of a livepatch explicit.
///
/// A struct klp_patch that sets only .replace is read by the kernel's
/// default replace policy (CONFIG_KLP_DEFAULT_REPLACE_POLICY), so what it
/// replaces depends on how the kernel was configured. Select the policy
/// in the patch instead. Pick the target with -D:
///
///   legacy       keep .replace, add .replace_policy = "legacy"
///   replace_set  true -> KLP_REPLACE_SET(0); false -> dropped (the patch
///                names no policy and replaces nothing); other values ->
///                .replace_policy = (E ? "replace_set" : NULL)
///   tag          true -> KLP_REPLACE_TAG(1), false -> KLP_REPLACE_TAG(0),
///                other values -> KLP_REPLACE_TAG((E) ? 1 : 0)
///
/// An assignment p->replace = E; becomes two, the policy's name and its
/// parameter (p->replace_policy = "replace_set"; p->replace_set = 0;).
/// A patch that already names a policy, by any expression
/// (.replace_policy = "legacy", a macro, a variable) or with
/// KLP_REPLACE_SET()/KLP_REPLACE_TAG(), in its initializer or next to
/// the assignment, is left alone.
///
/// Reads of .replace in livepatch modules are reported, not rewritten:
/// under replace_set and tag the flag no longer says what a patch
/// replaces. kernel/livepatch/ and lib/klp_policy/ are never changed.
///
/// make coccicheck MODE=patch COCCI=<this script> SPFLAGS="-D replace_set" \
///	M=<livepatch module dir>
//
// Confidence: High (literals); Moderate (expressions: check the result)
// Comments: Documentation/livepatch/replace-policies.rst
// Options: --no-includes --include-headers
// Requires: 1.1.1
// Keywords: livepatch, klp_patch, replace, replace_set, replace_tag

virtual patch
virtual context
virtual org
virtual report
virtual legacy
virtual replace_set
virtual tag

@initialize:python@
@@
# Sites already migrated: .replace set where the patch names a policy.
explicit = set()

def klp_user(p):
    f = p[0].file
    return "kernel/livepatch/" not in f and "lib/klp_policy/" not in f

def unmigrated(p):
    return klp_user(p) and (p[0].file, p[0].line) not in explicit

// ------------------------------------------------------------------------
// Sites that already select a policy, by any name expression ("legacy",
// a macro, a module parameter) or with KLP_REPLACE_SET()/KLP_REPLACE_TAG():
// legacy keeps .replace, so they would match again. Designated
// initializers match in any order.

@explicit_init@
identifier x;
expression P, E;
position p;
@@
struct klp_patch x = { ..., .replace_policy = P, ..., .replace = E@p, ... };

@script:python@
p << explicit_init.p;
@@
explicit.add((p[0].file, p[0].line))

@explicit_macro@
identifier x;
identifier select = {KLP_REPLACE_SET, KLP_REPLACE_TAG};
expression N, E;
position p;
@@
struct klp_patch x = { ..., select(N), ..., .replace = E@p, ... };

@script:python@
p << explicit_macro.p;
@@
explicit.add((p[0].file, p[0].line))

// A patch whose initializer names the policy, with the flag set later.

@named_init@
identifier x;
expression P;
@@
struct klp_patch x = { ..., .replace_policy = P, ... };

@explicit_named_init@
identifier named_init.x;
expression E;
position p;
@@
x.replace@p = E;

@script:python@
p << explicit_named_init.p;
@@
explicit.add((p[0].file, p[0].line))

@named_macro@
identifier x;
identifier select = {KLP_REPLACE_SET, KLP_REPLACE_TAG};
expression N;
@@
struct klp_patch x = { ..., select(N), ... };

@explicit_named_macro@
identifier named_macro.x;
expression E;
position p;
@@
x.replace@p = E;

@script:python@
p << explicit_named_macro.p;
@@
explicit.add((p[0].file, p[0].line))

// The policy named next to the flag, before or after it.

@explicit_assign@
struct klp_patch *pp;
struct klp_patch ps;
expression P, E;
position p;
@@
(
pp->replace_policy = P;
pp->replace@p = E;
|
pp->replace@p = E;
pp->replace_policy = P;
|
ps.replace_policy = P;
ps.replace@p = E;
|
ps.replace@p = E;
ps.replace_policy = P;
)

@script:python@
p << explicit_assign.p;
@@
explicit.add((p[0].file, p[0].line))

// ------------------------------------------------------------------------
// -D legacy: select the legacy policy, keep the flag.

@depends on patch && legacy@
identifier x;
expression E;
position p : script:python() { unmigrated(p) };
@@
struct klp_patch x = {
	...,
+	.replace_policy = "legacy",
	.replace = E@p,
	...
};

@depends on patch && legacy@
struct klp_patch *pp;
struct klp_patch ps;
expression E;
position p : script:python() { unmigrated(p) };
@@
(
+ pp->replace_policy = "legacy";
  pp->replace@p = E;
|
+ ps.replace_policy = "legacy";
  ps.replace@p = E;
)

// ------------------------------------------------------------------------
// -D replace_set: true is set 0; false is what a patch naming no policy
// gets anyway.

@depends on patch && replace_set@
identifier x;
position p : script:python() { unmigrated(p) };
symbol true, false;
@@
struct klp_patch x = {
	...,
-	.replace = \(true@p\|1@p\),
+	KLP_REPLACE_SET(0),
	...
};

@depends on patch && replace_set@
identifier x;
position p : script:python() { unmigrated(p) };
symbol true, false;
@@
struct klp_patch x = {
	...,
-	.replace = \(false@p\|0@p\),
	...
};

@depends on patch && replace_set@
identifier x;
expression E;
position p : script:python() { unmigrated(p) };
@@
struct klp_patch x = {
	...,
-	.replace = E@p,
+	.replace_policy = (E ? "replace_set" : NULL),
	...
};

@depends on patch && replace_set@
struct klp_patch *pp;
struct klp_patch ps;
expression E;
position p : script:python() { unmigrated(p) };
symbol true, false;
@@
(
- pp->replace@p = \(true\|1\);
+ pp->replace_policy = "replace_set";
+ pp->replace_set = 0;
|
- pp->replace@p = \(false\|0\);
|
- pp->replace@p = E;
+ pp->replace_policy = E ? "replace_set" : NULL;
|
- ps.replace@p = \(true\|1\);
+ ps.replace_policy = "replace_set";
+ ps.replace_set = 0;
|
- ps.replace@p = \(false\|0\);
|
- ps.replace@p = E;
+ ps.replace_policy = E ? "replace_set" : NULL;
)

// ------------------------------------------------------------------------
// -D tag: false is tag 0, true is tag 1.

@depends on patch && tag@
identifier x;
position p : script:python() { unmigrated(p) };
symbol true, false;
@@
struct klp_patch x = {
	...,
-	.replace = \(true@p\|1@p\),
+	KLP_REPLACE_TAG(1),
	...
};

@depends on patch && tag@
identifier x;
position p : script:python() { unmigrated(p) };
symbol true, false;
@@
struct klp_patch x = {
	...,
-	.replace = \(false@p\|0@p\),
+	KLP_REPLACE_TAG(0),
	...
};

@depends on patch && tag@
identifier x;
expression E;
position p : script:python() { unmigrated(p) };
@@
struct klp_patch x = {
	...,
-	.replace = E@p,
+	KLP_REPLACE_TAG((E) ? 1 : 0),
	...
};

@depends on patch && tag@
struct klp_patch *pp;
struct klp_patch ps;
expression E;
position p : script:python() { unmigrated(p) };
symbol true, false;
@@
(
- pp->replace@p = \(true\|1\);
+ pp->replace_policy = "tag";
+ pp->replace_tag = 1;
|
- pp->replace@p = \(false\|0\);
+ pp->replace_policy = "tag";
+ pp->replace_tag = 0;
|
- pp->replace@p = E;
+ pp->replace_policy = "tag";
+ pp->replace_tag = E ? 1 : 0;
|
- ps.replace@p = \(true\|1\);
+ ps.replace_policy = "tag";
+ ps.replace_tag = 1;
|
- ps.replace@p = \(false\|0\);
+ ps.replace_policy = "tag";
+ ps.replace_tag = 0;
|
- ps.replace@p = E;
+ ps.replace_policy = "tag";
+ ps.replace_tag = E ? 1 : 0;
)

// ------------------------------------------------------------------------
// context, org, report: where .replace is set without a policy, and where
// a livepatch module reads it.

@set_init depends on !patch@
identifier x;
expression E;
position p : script:python() { unmigrated(p) };
@@
struct klp_patch x = {
	...,
*	.replace = E@p,
	...
};

@set_assign depends on !patch@
struct klp_patch *pp;
struct klp_patch ps;
expression E;
position p : script:python() { unmigrated(p) };
@@
(
* pp->replace@p = E
|
* ps.replace@p = E
)

@enables@
expression P;
@@
klp_enable_patch(P)

@reads depends on !patch && enables@
struct klp_patch *pp;
struct klp_patch ps;
expression E;
position p : script:python() { klp_user(p) };
@@
(
pp->replace = E
|
ps.replace = E
|
* pp->replace@p
|
* ps.replace@p
)

@script:python depends on org@
p << set_init.p;
@@
coccilib.org.print_todo(p[0], "klp_patch sets .replace without a replace policy")

@script:python depends on org@
p << set_assign.p;
@@
coccilib.org.print_todo(p[0], "klp_patch sets .replace without a replace policy")

@script:python depends on org@
p << reads.p;
@@
coccilib.org.print_todo(p[0], "livepatch module reads .replace")

@script:python depends on report@
p << set_init.p;
@@
coccilib.report.print_report(p[0], "WARNING: .replace without a replace policy: its meaning depends on CONFIG_KLP_DEFAULT_REPLACE_POLICY; select one (SPFLAGS=\"-D legacy|replace_set|tag\", MODE=patch)")

@script:python depends on report@
p << set_assign.p;
@@
coccilib.report.print_report(p[0], "WARNING: .replace without a replace policy: its meaning depends on CONFIG_KLP_DEFAULT_REPLACE_POLICY; select one (SPFLAGS=\"-D legacy|replace_set|tag\", MODE=patch)")

@script:python depends on report@
p << reads.p;
@@
coccilib.report.print_report(p[0], "WARNING: reads .replace: under the replace_set and tag policies it does not say what the patch replaces; use klp_patch_replace_policy() and its parameters")
