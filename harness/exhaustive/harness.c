// SPDX-License-Identifier: GPL-2.0
/*
 * harness.c - every short livepatch history, run through the kernel's own
 * rule code, with DESIGN.md's invariants checked after every step.
 *
 * What runs for real: see README.md. In short, klp_enable_patch(),
 * enabled_store(), force_store() and everything they call in core.c,
 * transition.c, policy.c, state.c, shadow.c and the three policies, but
 * for patch.c (ftrace: klp_patch_object() and the unpatching, stood in for
 * below), kallsyms and relocations (harness_init_object()) and the stack
 * check of tasks (harness_try_switch(): one task that either switches or
 * sleeps in the patched functions).
 *
 *   klp-exhaustive -d D [-x] [-v] [-u N] [-h HISTORY]
 *	-d D	every history of 1..D operations
 *	-x	stop at the first failing history (by increasing depth: a
 *		shortest one)
 *	-v	print each history; -vv the kernel log too
 *	-h H	run one history, e.g. -h "E3 e4 R C" (see op_name())
 */
#include <linux/livepatch.h>
#include <linux/livepatch_policy.h>
#include "core.h"
#include "policy.h"
#include "patch.h"
#include "state.h"
#include "transition.h"
#include "livepatch-hybrid-policy.h"
#include <time.h>
#include <unistd.h>

/* from the extracted core.c / transition.c (core_post.h, transition_post.h) */
ssize_t harness_enabled_store(struct klp_patch *patch, const char *buf);
ssize_t harness_force_store(struct klp_patch *patch, const char *buf);
void harness_free_patch(struct klp_patch *patch);
void harness_transition_work(void);
int harness_target_state(void);
void harness_transition_reset(void);

/* ------------------------------------------------------------------ */
/* The universe                                                        */

#define NFUNCS 3
static const char *const func_names[NFUNCS] = { "fa", "fb", "fc" };
static char fake_code[NFUNCS];		/* the functions' "addresses" */
/*
 * The objects shadow variables hang on: the carriers of a state use
 * fake_obj[0]; a livepatch using an id undeclared uses fake_obj[0] too (an
 * id collision, its authors' problem as upstream) and fake_obj[1], which
 * no carrier uses (test_klp_policy1.c's shadow_id= keys).
 */
#define NOBJS 2
static char fake_obj[NOBJS];

enum { ST_OLD, ST_LIFE, ST_SHADOW };	/* old-style; callbacks; + is_shadow */

struct shape_state {
	unsigned long id;
	unsigned int version;
	int kind;
	bool block;
	bool pre_patch_fails;		/* pre_patch returns -EINVAL */
};

struct shape {
	const char *name;
	const char *policy;		/* NULL: the default (legacy) */
	bool replace;
	unsigned int set;
	unsigned int nsup;
	unsigned int sup[2];
	unsigned int tag;
	unsigned int funcs;		/* bit i: func_names[i] */
	unsigned int nst;
	struct shape_state st[2];
	unsigned long retire;		/* retire_states = { retire, 0 } */
	bool replaceable;		/* hybrid: replace_params.replaceable */
	unsigned long undeclared_id;	/* a shadow id its code uses undeclared */
};

/*
 * One state at most per shape, so that each is one load of
 * test_klp_policy1.c (shape_params()): fa is cmdline_proc_show, fb
 * version_proc_show (whose new code uses the shadow variables), fc
 * test_klp_policy_target_answer.
 */
#define F(x) (1u << (x))
static const struct shape shapes[] = {
	{ "L0", NULL, false, .funcs = F(0) },
	{ "L1", NULL, true, .funcs = F(0) | F(1),
	  .nst = 1, .st = { { 1, 1, ST_SHADOW } } },
	{ "S0", "replace_set", .set = 0, .funcs = F(0),
	  .nst = 1, .st = { { 2, 1, ST_OLD } } },
	{ "S7", "replace_set", .set = 7, .funcs = F(1),
	  .nst = 1, .st = { { 3, 1, ST_SHADOW } } },
	/* folds set 7 in, with its state */
	{ "F07", "replace_set", .set = 0, .nsup = 1, .sup = { 7 },
	  .funcs = F(0) | F(1), .nst = 1, .st = { { 3, 1, ST_SHADOW } } },
	{ "T0", "tag", .tag = 0, .funcs = F(2) },
	{ "T1", "tag", .tag = 1, .funcs = F(2),
	  .nst = 1, .st = { { 4, 1, ST_LIFE, true } } },
	/* uses shadow id 1 without declaring it */
	{ "U1", NULL, false, .funcs = F(1), .undeclared_id = 1 },
	/* its state's pre_patch fails */
	{ "P5", NULL, false, .funcs = F(2),
	  .nst = 1, .st = { { 5, 1, ST_LIFE, false, true } } },
	/* an old-style declaration of L1's lifecycle id: a mixed carrier */
	{ "O1", NULL, false, .funcs = F(2), .nst = 1, .st = { { 1, 1, ST_OLD } } },
	/* a legacy patch stacked beside set 0, sharing S0's old-style state */
	{ "K2", NULL, false, .funcs = F(2), .nst = 1, .st = { { 2, 1, ST_OLD } } },
	/* the hybrid sample plugin: replaceable, and a replacing one */
	{ "HR", "hybrid", false, .funcs = F(2), .replaceable = true,
	  .nst = 1, .st = { { 2, 1, ST_OLD } } },
	{ "HN", "hybrid", true, .funcs = F(2), .nst = 1, .st = { { 2, 1, ST_OLD } } },
	/* folds set 7 in, leaves its lifecycle state 3 out: refused */
	{ "G07", "replace_set", .set = 0, .nsup = 1, .sup = { 7 },
	  .funcs = F(0) | F(1), .nst = 1, .st = { { 2, 1, ST_OLD } } },
	/* the same, retiring state 3: accepted, the state leaves */
	{ "H07", "replace_set", .set = 0, .nsup = 1, .sup = { 7 },
	  .funcs = F(0) | F(1), .nst = 1, .st = { { 2, 1, ST_OLD } }, .retire = 3 },
	/* retires state 3 but misses set 7's function fb: refused */
	{ "N07", "replace_set", .set = 0, .nsup = 1, .sup = { 7 },
	  .funcs = F(0), .nst = 1, .st = { { 2, 1, ST_OLD } }, .retire = 3 },
};
#define NSHAPES ((int)ARRAY_SIZE(shapes))
static int nshapes = NSHAPES;

/* A loaded module of a shape and its patch. */
struct lp {
	const struct shape *sh;
	struct module mod;
	struct klp_patch patch;
	struct klp_object objs[2];
	struct klp_func funcs[NFUNCS + 1];
	struct klp_state states[3];
	unsigned int sup[2];
	char pending[3];		/* 'P' after pre_patch, 'U' after pre_unpatch */
	unsigned long retire[2];
	struct klp_hybrid_params hybrid;
	bool loaded;			/* insmod succeeded, no rmmod yet */
	bool accepted;			/* klp_enable_patch() returned 0 */
	/*
	 * The model's forced mark: a task forced past the consistency model
	 * may still run this patch's code (mark_forced()); for good.
	 */
	bool mforced;
};
static struct lp lps[NSHAPES];

/* ------------------------------------------------------------------ */
/* Failures                                                            */

static char fail_msg[1024];
static int failed;

__attribute__((format(printf, 1, 2)))
static void violation(const char *fmt, ...)
{
	va_list args;

	if (failed)
		return;
	failed = 1;
	va_start(args, fmt);
	vsnprintf(fail_msg, sizeof(fail_msg), fmt, args);
	va_end(args);
}

static struct lp *lp_of(const struct klp_patch *patch)
{
	return container_of(patch, struct lp, patch);
}

/* ------------------------------------------------------------------ */
/* Stand-ins: patch.c, symbol lookup, the tasks' stacks                */

int klp_patch_object(struct klp_object *obj)
{
	struct klp_func *func;

	klp_for_each_func(obj, func)
		func->patched = true;
	obj->patched = true;
	return 0;
}

static void harness_unpatch_object(struct klp_object *obj, bool nops_only)
{
	struct klp_func *func;

	klp_for_each_func(obj, func) {
		if (nops_only && !func->nop)
			continue;
		func->patched = false;
	}
	if (obj->dynamic || !nops_only)
		obj->patched = false;
}

void klp_unpatch_object(struct klp_object *obj)
{
	harness_unpatch_object(obj, false);
}

void klp_unpatch_objects(struct klp_patch *patch)
{
	struct klp_object *obj;

	klp_for_each_object(patch, obj)
		if (obj->patched)
			harness_unpatch_object(obj, false);
}

void klp_unpatch_objects_dynamic(struct klp_patch *patch)
{
	struct klp_object *obj;

	klp_for_each_object(patch, obj)
		if (obj->patched)
			harness_unpatch_object(obj, true);
}

int harness_init_object(struct klp_patch *patch, struct klp_object *obj)
{
	struct klp_func *func;
	int i;

	(void)patch;
	klp_for_each_func(obj, func) {
		for (i = 0; i < NFUNCS; i++)
			if (!strcmp(func->old_name, func_names[i]))
				func->old_func = &fake_code[i];
		if (func->nop)
			func->new_func = func->old_func;
	}
	return 0;
}

static bool stall;	/* the task sleeps in the transition's functions */

bool harness_try_switch(struct task_struct *task, int target)
{
	(void)task;
	(void)target;
	return !stall;
}

/* ------------------------------------------------------------------ */
/* The patches' code: callbacks and shadow variables                   */

static int state_index(struct klp_patch *patch, struct klp_state *state)
{
	return (int)(state - patch->states);
}

static int cb_pre_patch(struct klp_patch *patch, struct klp_state *state)
{
	struct lp *lp = lp_of(patch);
	int i = state_index(patch, state);

	if (lp->pending[i])
		violation("%s state %lu: pre_patch while %c is unanswered",
			  lp->sh->name, state->id, lp->pending[i]);
	if (lp->sh->st[i].pre_patch_fails)
		return -EINVAL;	/* nothing to answer */
	lp->pending[i] = 'P';
	return 0;
}

static void cb_pre_unpatch(struct klp_patch *patch, struct klp_state *state)
{
	struct lp *lp = lp_of(patch);
	int i = state_index(patch, state);

	if (lp->pending[i])
		violation("%s state %lu: pre_unpatch while %c is unanswered",
			  lp->sh->name, state->id, lp->pending[i]);
	lp->pending[i] = 'U';
}

static void cb_post(struct klp_patch *patch, struct klp_state *state,
		    const char *what)
{
	struct lp *lp = lp_of(patch);
	int i = state_index(patch, state);

	if (!lp->pending[i])
		violation("%s state %lu: %s answers no pre callback",
			  lp->sh->name, state->id, what);
	lp->pending[i] = 0;
}

static void cb_post_patch(struct klp_patch *patch, struct klp_state *state)
{
	cb_post(patch, state, "post_patch");
}

static void cb_post_unpatch(struct klp_patch *patch, struct klp_state *state)
{
	cb_post(patch, state, "post_unpatch");
}

/*
 * A shadow variable, as the harness tracks it. The model of ownership is
 * shadow.c's: a variable is owned (the state frees it when it leaves)
 * when the code that allocated it is a module carrying an is_shadow state
 * of its id whose patch is on klp_patches (klp_shadow_own() at pre_patch
 * to klp_shadow_disown() at the patch's free); the harness' code runs
 * only for such listed patches (run_code()).
 */
struct sv {
	int obj;
	unsigned long id;
	struct lp *alloc;		/* whose code allocated it */
	bool owned;			/* the model's answer */
	void *data;
};
#define MAX_SV 16
static struct sv svs[MAX_SV];
static int nsv;

struct sv_data { unsigned long magic; struct lp *alloc; unsigned long id; };

static bool declares_shadow(const struct shape *sh, unsigned long id)
{
	unsigned int i;

	for (i = 0; i < sh->nst; i++)
		if (sh->st[i].id == id && sh->st[i].kind == ST_SHADOW)
			return true;
	return false;
}

static bool carries(const struct shape *sh, unsigned long id)
{
	unsigned int i;

	for (i = 0; i < sh->nst; i++)
		if (sh->st[i].id == id)
			return true;
	return false;
}

static bool lp_listed(struct lp *lp);

/* Does shadow.c see the allocating code as a carrier of @id's state? */
static bool model_owned(struct lp *lp, unsigned long id)
{
	return declares_shadow(lp->sh, id) && lp_listed(lp);
}

/*
 * The data is read and written with memcpy(): shadow.c's struct klp_shadow
 * puts data[] after "bool owned", so it is not 8-byte aligned (README.md).
 */
static void sv_dtor(void *obj, void *data)
{
	struct sv_data d;
	int i;

	memcpy(&d, data, sizeof(d));
	if (d.magic != 0x5eed) {
		violation("shadow dtor on a variable the harness did not allocate");
		return;
	}
	for (i = 0; i < nsv; i++)
		if (svs[i].data == data && !svs[i].owned)
			violation("the core freed shadow id %lu on obj%d, allocated by %s, which does not carry the state",
				  d.id, (int)((char *)obj - fake_obj), d.alloc->sh->name);
}

static int sv_ctor(void *obj, void *shadow_data, void *ctor_data)
{
	struct sv_data d = { 0x5eed, ctor_data, 0 };

	(void)obj;
	memcpy(shadow_data, &d, sizeof(d));
	return 0;
}

/* Is the patch's code reachable: on klp_patches (enabled or in transition)? */
static bool lp_listed(struct lp *lp)
{
	struct klp_patch *patch;

	if (!lp->accepted)
		return false;
	klp_for_each_patch(patch)
		if (patch == &lp->patch)
			return true;
	return false;
}

static void use_shadow(struct lp *lp, int obj, unsigned long id)
{
	void *data;
	int j;

	klp_shim_current_mod = &lp->mod;
	data = klp_shadow_get_or_alloc(&fake_obj[obj], id, sizeof(struct sv_data),
				       GFP_KERNEL, sv_ctor, lp);
	klp_shim_current_mod = NULL;
	if (!data)
		return;
	for (j = 0; j < nsv; j++)
		if (svs[j].data == data)
			return;
	/* a new one: this code allocated it */
	memcpy((char *)data + offsetof(struct sv_data, id), &id, sizeof(id));
	if (nsv < MAX_SV)
		svs[nsv++] = (struct sv){ obj, id, lp, model_owned(lp, id), data };
}

/* Every listed patch's code runs once and uses its shadow ids. */
static void run_code(void)
{
	unsigned int k;
	int i;

	for (i = 0; i < nshapes; i++) {
		struct lp *lp = &lps[i];

		if (!lp->loaded || !lp_listed(lp))
			continue;
		for (k = 0; k < lp->sh->nst; k++)
			if (lp->sh->st[k].kind == ST_SHADOW)
				use_shadow(lp, 0, lp->sh->st[k].id);
		if (lp->sh->undeclared_id) {
			use_shadow(lp, 0, lp->sh->undeclared_id);
			use_shadow(lp, 1, lp->sh->undeclared_id);
		}
	}
}

/*
 * May the core free an owned variable of @id now? Not while a patch
 * carrying the state is enabled, nor while a forced patch that carried it
 * may still run (its module stays loaded for good).
 */
static const char *may_not_free(unsigned long id, struct lp **who)
{
	int j;

	for (j = 0; j < nshapes; j++) {
		struct lp *lp = &lps[j];

		if (!lp->sh || !carries(lp->sh, id))
			continue;
		*who = lp;
		if (lp->mforced && lp->loaded && declares_shadow(lp->sh, id))
			return "was forced and may still run";
		if (lp_listed(lp) && lp->patch.enabled)
			return "is enabled";
	}
	return NULL;
}

/* After a step: which tracked variables went, and might they? */
static void check_shadow(void)
{
	struct lp *who;
	const char *why;
	int i;

	for (i = 0; i < nsv; i++) {
		if (klp_shadow_get(&fake_obj[svs[i].obj], svs[i].id) == svs[i].data)
			continue;
		if (!svs[i].owned)
			violation("shadow id %lu on obj%d of %s, which does not carry the state, was freed by the core",
				  svs[i].id, svs[i].obj, svs[i].alloc->sh->name);
		else if ((why = may_not_free(svs[i].id, &who)))
			violation("shadow id %lu (allocated by %s) freed while %s, which carries the state, %s",
				  svs[i].id, svs[i].alloc->sh->name, who->sh->name, why);
		svs[i--] = svs[--nsv];
	}
}

/* ------------------------------------------------------------------ */
/* Function implementations (what a new call runs) when idle           */

static int impl[NFUNCS];		/* shape index, or -1: the original */

static void compute_impl(int *out)
{
	struct klp_patch *patch;
	int f;

	for (f = 0; f < NFUNCS; f++)
		out[f] = -1;
	klp_for_each_patch(patch) {
		struct lp *lp = lp_of(patch);

		if (!patch->enabled)
			continue;
		for (f = 0; f < NFUNCS; f++)
			if (lp->sh->funcs & F(f))
				out[f] = (int)(lp - lps);
	}
}

/* The transition being watched: its patch and what it replaces. */
static int tr_patch = -1;
static unsigned int tr_replaced;	/* bit i: lps[i] */
static int tr_before[NFUNCS];

static void watch_transition(void)
{
	struct klp_patch *old;

	if (!klp_transition_patch) {
		tr_patch = -1;
		return;
	}
	if (tr_patch == (int)(lp_of(klp_transition_patch) - lps))
		return;
	tr_patch = (int)(lp_of(klp_transition_patch) - lps);
	tr_replaced = 0;
	klp_for_each_replaced_patch(klp_transition_patch, old)
		tr_replaced |= 1u << (lp_of(old) - lps);
	memcpy(tr_before, impl, sizeof(impl));
}

/* A transition of @n ended (or never started): only its functions changed. */
static void check_impl(int n, unsigned int replaced, const int *before)
{
	int now[NFUNCS], f, i;

	compute_impl(now);
	for (f = 0; f < NFUNCS; f++) {
		bool nop = false;

		if (now[f] == before[f])
			continue;
		if (n >= 0 && (shapes[n].funcs & F(f)))
			continue;
		for (i = 0; i < nshapes; i++)
			if ((replaced & (1u << i)) && (shapes[i].funcs & F(f)))
				nop = true;
		if (nop && now[f] == -1)
			continue;
		violation("%s changed from %s to %s with no transition of it",
			  func_names[f], before[f] < 0 ? "the original" : shapes[before[f]].name,
			  now[f] < 0 ? "the original" : shapes[now[f]].name);
	}
	memcpy(impl, now, sizeof(impl));
}

/* ------------------------------------------------------------------ */
/* Building a patch of a shape                                         */

static struct klp_replace_policy *policy_of[4];	/* legacy, replace_set, tag, hybrid */

static void lp_build(struct lp *lp, const struct shape *sh)
{
	unsigned int i, n = 0;
	int f;

	memset(lp, 0, sizeof(*lp));
	lp->sh = sh;
	snprintf(lp->mod.name, sizeof(lp->mod.name), "lp_%s", sh->name);
	for (f = 0; f < NFUNCS; f++)
		if (sh->funcs & F(f))
			lp->funcs[n++].old_name = func_names[f];
	for (i = 0; i < n; i++)
		lp->funcs[i].new_func = &fake_code[0];	/* non-NULL */
	lp->objs[0].funcs = lp->funcs;
	lp->patch.mod = &lp->mod;
	lp->patch.objs = lp->objs;
	lp->patch.replace = sh->replace;
	lp->patch.replace_policy = sh->policy;
	lp->patch.replace_set = sh->set;
	lp->patch.replace_tag = sh->tag;
	if (sh->nsup) {
		memcpy(lp->sup, sh->sup, sizeof(lp->sup));
		lp->patch.replace_supersedes = lp->sup;
		lp->patch.nr_replace_supersedes = sh->nsup;
	}
	if (sh->nst) {
		for (i = 0; i < sh->nst; i++) {
			struct klp_state *st = &lp->states[i];

			st->id = sh->st[i].id;
			st->version = sh->st[i].version;
			st->block_disable = sh->st[i].block;
			if (sh->st[i].kind != ST_OLD) {
				st->callbacks.pre_patch = cb_pre_patch;
				st->callbacks.post_patch = cb_post_patch;
				st->callbacks.pre_unpatch = cb_pre_unpatch;
				st->callbacks.post_unpatch = cb_post_unpatch;
			}
			if (sh->st[i].kind == ST_SHADOW) {
				st->is_shadow = true;
				st->callbacks.shadow_dtor = sv_dtor;
			}
		}
		lp->patch.states = lp->states;
	}
	if (sh->policy && !strcmp(sh->policy, "hybrid")) {
		lp->hybrid = (struct klp_hybrid_params)KLP_HYBRID_PARAMS(sh->replaceable);
		lp->patch.replace_params = &lp->hybrid.hdr;
	}
	if (sh->retire) {
		lp->retire[0] = sh->retire;
		lp->patch.retire_states = lp->retire;
	}
}

/* ------------------------------------------------------------------ */
/* Operations                                                          */

enum op_kind { OP_ENABLE, OP_ENABLE_STALL, OP_DISABLE, OP_DISABLE_STALL,
	       OP_REVERSE, OP_FORCE, OP_COMPLETE, OP_RMMOD };
static const char op_chars[] = "EeDdRFCM";

struct op { unsigned char kind, arg; };

#define MAX_D 12
static struct op hist[MAX_D];
static unsigned long long nr_steps, nr_histories;
static int verbose;

static const char *op_name(struct op op, char *buf, size_t size)
{
	if (op.kind == OP_REVERSE || op.kind == OP_FORCE || op.kind == OP_COMPLETE)
		snprintf(buf, size, "%c", op_chars[op.kind]);
	else
		snprintf(buf, size, "%c%d", op_chars[op.kind], op.arg);
	return buf;
}

static void check_carriers(void);
static void check_forced(void);

static void after_step(void)
{
	klp_shim_run_work();
	klp_shim_rcu_barrier();
	watch_transition();
	check_shadow();
	check_carriers();
	check_forced();
	run_code();
	if (klp_shim_failures)
		violation("shim: lock or list misuse (see the log)");
	if (klp_shim_warnings)
		violation("WARN fired (see the log)");
}

/* The transition ended in this step (or none ran): check the functions. */
static void after_transition(int n, unsigned int replaced, const int *before)
{
	if (!klp_transition_patch)
		check_impl(n, replaced, before);
}

/* ------------------------------------------------------------------ */
/* The model: what must be refused, what must hold after a decision    */

static bool has_life(const struct shape_state *st)
{
	return st->kind != ST_OLD;
}

static const struct shape_state *state_of(const struct shape *sh, unsigned long id)
{
	unsigned int i;

	for (i = 0; i < sh->nst; i++)
		if (sh->st[i].id == id)
			return &sh->st[i];
	return NULL;
}

static bool supersedes(const struct shape *sh, unsigned int set)
{
	unsigned int i;

	for (i = 0; i < sh->nsup; i++)
		if (sh->sup[i] == set)
			return true;
	return false;
}

static bool is_set_policy(const struct shape *sh)
{
	return sh->policy && !strcmp(sh->policy, "replace_set");
}

static char why_buf[256];

/*
 * Must enabling @lp (not yet built) be refused, whatever else happens?
 * Return the reason, or NULL when the model does not require a refusal.
 */
static const char *must_refuse(const struct shape *sh)
{
	unsigned int k;
	int i;

	if (klp_transition_patch)
		return "a transition is in progress";
	for (i = 0; i < nshapes; i++) {
		struct lp *q = &lps[i];

		if (q->sh == sh || !q->loaded || !lp_listed(q))
			continue;
		for (k = 0; k < sh->nst; k++) {
			const struct shape_state *o = state_of(q->sh, sh->st[k].id);

			if (o && (has_life(o) != has_life(&sh->st[k]) ||
				  (o->kind == ST_SHADOW) != (sh->st[k].kind == ST_SHADOW))) {
				snprintf(why_buf, sizeof(why_buf),
					 "mixed carriers of state %lu with %s", o->id, q->sh->name);
				return why_buf;
			}
		}
		/* a fold-in of q's set leaving a lifecycle state out, unretired */
		if (is_set_policy(sh) && is_set_policy(q->sh) && q->sh->set != sh->set &&
		    supersedes(sh, q->sh->set)) {
			for (k = 0; k < q->sh->nst; k++) {
				const struct shape_state *o = &q->sh->st[k];

				if (has_life(o) && !o->block && !carries(sh, o->id) &&
				    sh->retire != o->id) {
					snprintf(why_buf, sizeof(why_buf),
						 "a fold-in of %s leaving its lifecycle state %lu out without retire_states",
						 q->sh->name, o->id);
					return why_buf;
				}
			}
			if (q->sh->funcs & ~sh->funcs) {
				snprintf(why_buf, sizeof(why_buf),
					 "a fold-in of %s missing one of its functions", q->sh->name);
				return why_buf;
			}
		}
	}
	for (k = 0; k < sh->nst; k++) {
		bool carried = false;

		for (i = 0; i < nshapes; i++)
			if (lps[i].sh != sh && lps[i].loaded && lp_listed(&lps[i]) &&
			    carries(lps[i].sh, sh->st[k].id))
				carried = true;
		if (sh->st[k].pre_patch_fails && !carried) {
			snprintf(why_buf, sizeof(why_buf),
				 "its state %lu enters and its pre_patch fails", sh->st[k].id);
			return why_buf;
		}
	}
	return NULL;
}

/* What a refused enable must leave as it was. */
struct snapshot {
	int nlisted;
	int listed[NSHAPES + 1];
	char pending[NSHAPES][3];
	int refcnt[NSHAPES];
	bool enabled[NSHAPES], forced[NSHAPES];
	int policy_ref[4];
	struct klp_patch *transition;
	int target;
	int task_state;
};

static void take_snapshot(struct snapshot *ss)
{
	struct klp_patch *patch;
	int i;

	memset(ss, 0, sizeof(*ss));
	klp_for_each_patch(patch)
		if (ss->nlisted < NSHAPES + 1)
			ss->listed[ss->nlisted++] = (int)(lp_of(patch) - lps);
	for (i = 0; i < nshapes; i++) {
		memcpy(ss->pending[i], lps[i].pending, 3);
		ss->refcnt[i] = lps[i].mod.refcnt;
		ss->enabled[i] = lps[i].patch.enabled;
		ss->forced[i] = lps[i].patch.forced;
	}
	for (i = 0; i < 4; i++)
		ss->policy_ref[i] = policy_of[i]->owner ? policy_of[i]->owner->refcnt : 0;
	ss->transition = klp_transition_patch;
	ss->target = harness_target_state();
	ss->task_state = klp_shim_task.patch_state;
}

/*
 * @what ("insmod X", "disable of X") was refused: nothing may differ but
 * the refused module's own (cleared) entry @n (-1: none).
 */
static void check_unchanged(const struct snapshot *before, int n, const char *what)
{
	struct snapshot now;
	int i;

	take_snapshot(&now);
	if (now.nlisted != before->nlisted ||
	    memcmp(now.listed, before->listed, sizeof(now.listed)))
		violation("refused %s changed klp_patches", what);
	if (now.transition != before->transition || now.target != before->target ||
	    now.task_state != before->task_state)
		violation("refused %s changed the transition", what);
	if (memcmp(now.policy_ref, before->policy_ref, sizeof(now.policy_ref)))
		violation("refused %s changed a policy module's references", what);
	for (i = 0; i < nshapes; i++) {
		if (i == n) {
			if (lps[i].pending[0] || lps[i].pending[1] || lps[i].pending[2])
				violation("refused %s left a callback of its own unanswered",
					  what);
			continue;
		}
		if (memcmp(now.pending[i], before->pending[i], 3))
			violation("refused %s ran a callback of %s that is not answered",
				  what, shapes[i].name);
		if (now.refcnt[i] != before->refcnt[i])
			violation("refused %s changed the references of %s's module",
				  what, shapes[i].name);
		if (now.enabled[i] != before->enabled[i] || now.forced[i] != before->forced[i])
			violation("refused %s changed %s's enabled/forced", what,
				  shapes[i].name);
	}
}

static bool in_replaced_list(struct klp_patch *tp, struct lp *q)
{
	struct klp_patch *old;

	if (!tp)
		return false;
	klp_for_each_replaced_patch(tp, old)
		if (old == &q->patch)
			return true;
	return false;
}

/*
 * @n was accepted; @before: the listed patches before. DESIGN 8: no state
 * carried by a replaced and a kept patch; 9: a fold-in patches every
 * function of the patches it supersedes.
 */
static void check_decision(int n, unsigned int before)
{
	struct klp_patch *tp = klp_transition_patch == &lps[n].patch ? klp_transition_patch : NULL;
	unsigned int repl = 0, kept = 0, k;
	int i, j;

	for (i = 0; i < nshapes; i++) {
		if (i == n || !(before & (1u << i)))
			continue;
		if (!lp_listed(&lps[i]) || in_replaced_list(tp, &lps[i]))
			repl |= 1u << i;
		else
			kept |= 1u << i;
	}
	for (i = 0; i < nshapes; i++) {
		if (!(repl & (1u << i)))
			continue;
		for (j = 0; j < nshapes; j++) {
			if (!(kept & (1u << j)))
				continue;
			for (k = 0; k < shapes[i].nst; k++)
				if (carries(&shapes[j], shapes[i].st[k].id))
					violation("%s replaced %s but kept %s, both carrying state %lu",
						  shapes[n].name, shapes[i].name, shapes[j].name,
						  shapes[i].st[k].id);
		}
		if (is_set_policy(&shapes[n]) && is_set_policy(&shapes[i]) &&
		    shapes[i].set != shapes[n].set && (shapes[i].funcs & ~shapes[n].funcs))
			violation("%s folded %s in without one of its functions",
				  shapes[n].name, shapes[i].name);
	}
}

/* Old-style and lifecycle declarations of one id are never enabled together. */
static void check_carriers(void)
{
	int i, j;
	unsigned int k;

	for (i = 0; i < nshapes; i++) {
		if (!lps[i].loaded || !lp_listed(&lps[i]))
			continue;
		for (j = i + 1; j < nshapes; j++) {
			if (!lps[j].loaded || !lp_listed(&lps[j]))
				continue;
			for (k = 0; k < shapes[i].nst; k++) {
				const struct shape_state *o = state_of(&shapes[j], shapes[i].st[k].id);

				if (o && (has_life(o) != has_life(&shapes[i].st[k]) ||
					  (o->kind == ST_SHADOW) != (shapes[i].st[k].kind == ST_SHADOW)))
					violation("mixed carriers enabled: %s and %s declare state %lu differently",
						  shapes[i].name, shapes[j].name, o->id);
			}
		}
	}
}

/*
 * F: the model's forced marks, before the core forces. Ending unpatched,
 * the transition patch's code may still run; ending patched, the code of
 * the replaced patches and of the kept ones patching a function the
 * transition changes (the new patch's own code is not yet running).
 */
static void mark_forced(void)
{
	struct lp *tp = lp_of(klp_transition_patch);
	unsigned int funcs = tp->sh->funcs;
	int i;

	if (harness_target_state() == KLP_TRANSITION_UNPATCHED) {
		tp->mforced = true;
		return;
	}
	for (i = 0; i < nshapes; i++)
		if (in_replaced_list(&tp->patch, &lps[i])) {
			lps[i].mforced = true;
			funcs |= shapes[i].funcs;	/* nops */
		}
	for (i = 0; i < nshapes; i++)
		if (&lps[i] != tp && lps[i].loaded && lp_listed(&lps[i]) &&
		    (shapes[i].funcs & funcs))
			lps[i].mforced = true;
}

/* A forced patch stays forced and its module pinned. */
static void check_forced(void)
{
	int i;

	for (i = 0; i < nshapes; i++) {
		if (!lps[i].loaded || !lps[i].mforced)
			continue;
		if (!lps[i].patch.forced)
			violation("%s: a task forced past the consistency model may run its code, but it is not marked forced",
				  shapes[i].name);
		else if (lps[i].mod.refcnt < 1)
			violation("%s was forced, but its module is no longer referenced",
				  shapes[i].name);
	}
}

static unsigned int listed_mask(void)
{
	unsigned int m = 0;
	int i;

	for (i = 0; i < nshapes; i++)
		if (lps[i].loaded && lp_listed(&lps[i]))
			m |= 1u << i;
	return m;
}

/*
 * The last operation was refused and changed nothing (check_unchanged()):
 * a history extended past it is one without it, enumerated already, so
 * it is not extended (the only pruning).
 */
static bool last_noop;

static int do_op(struct op op)
{
	struct lp *lp = &lps[op.arg];
	int ret = 0, n = tr_patch;
	unsigned int replaced = tr_replaced;
	int before[NFUNCS];
	bool idle = !klp_transition_patch;

	char what[64];

	memcpy(before, idle ? impl : tr_before, sizeof(before));
	nr_steps++;
	last_noop = false;
	switch (op.kind) {
	case OP_ENABLE:
	case OP_ENABLE_STALL: {
		struct snapshot ss;
		const char *refuse = must_refuse(&shapes[op.arg]);
		unsigned int before_mask = listed_mask();

		take_snapshot(&ss);
		lp_build(lp, &shapes[op.arg]);
		stall = op.kind == OP_ENABLE_STALL;
		lp->loaded = true;	/* the module's init runs */
		ret = klp_enable_patch(&lp->patch);
		lp->accepted = !ret;
		if (ret) {
			/* init failed: the module is freed at once */
			klp_shim_run_work();
			if (lp->mod.refcnt)
				violation("%s refused (%d) but its module is still referenced (%d)",
					  lp->sh->name, ret, lp->mod.refcnt);
			lp->loaded = false;
			snprintf(what, sizeof(what), "insmod of %s", lp->sh->name);
			check_unchanged(&ss, op.arg, what);
			last_noop = true;
		} else {
			if (refuse)
				violation("%s accepted: %s", lp->sh->name, refuse);
			klp_shim_run_work();
			check_decision(op.arg, before_mask);
		}
		if (idle) {
			n = op.arg;
			replaced = 0;
			if (klp_transition_patch == &lp->patch) {
				watch_transition();
				replaced = tr_replaced;
			} else if (!ret) {
				/* completed at once: read what it replaced from sysfs */
				replaced = ~0u;	/* its replaced patches are gone */
			}
		}
		break;
	}
	case OP_DISABLE:
	case OP_DISABLE_STALL: {
		struct snapshot ss;

		take_snapshot(&ss);
		stall = op.kind == OP_DISABLE_STALL;
		ret = harness_enabled_store(&lp->patch, "0");
		if (ret < 0) {
			klp_shim_run_work();
			snprintf(what, sizeof(what), "disable of %s", lp->sh->name);
			check_unchanged(&ss, -1, what);
			last_noop = true;
		}
		n = op.arg;
		replaced = 0;
		break;
	}
	case OP_REVERSE:
		if (!klp_transition_patch) {	/* -h: not offered then */
			ret = -EINVAL;
			break;
		}
		lp = lp_of(klp_transition_patch);
		stall = true;
		ret = harness_enabled_store(&lp->patch, lp->patch.enabled ? "0" : "1");
		break;
	case OP_FORCE:
		if (!klp_transition_patch) {
			ret = -EINVAL;
			break;
		}
		lp = lp_of(klp_transition_patch);
		mark_forced();
		ret = harness_force_store(&lp->patch, "1");
		stall = false;
		harness_transition_work();
		break;
	case OP_COMPLETE:
		stall = false;
		harness_transition_work();
		break;
	case OP_RMMOD:
		if (lp->mod.refcnt)
			violation("rmmod %s with references", lp->mod.name);
		if (lp->mforced)
			violation("rmmod %s, whose code a forced task may run", lp->mod.name);
		lp->mod.going = true;
		lp->loaded = false;
		break;
	}
	if (ret < 0)
		ret = -ret;
	else
		ret = 0;
	after_step();
	if (idle || !klp_transition_patch) {
		/*
		 * An enable that completed at once replaced whatever it
		 * replaced; without the list, allow only a return to the
		 * original for functions its predecessors patched.
		 */
		if (replaced == ~0u) {
			unsigned int i;

			replaced = 0;
			for (i = 0; i < (unsigned int)nshapes; i++)
				if (i != op.arg && lps[i].accepted)
					replaced |= 1u << i;
		}
		after_transition(n, replaced, before);
	}
	if (verbose > 1)
		fprintf(stderr, "  %s -> %d\n", op_name(op, (char[8]){ 0 }, 8), ret);
	return ret;
}

/* The operations that make sense in the current state. */
static int list_ops(struct op *ops)
{
	int n = 0, i;
	bool busy = klp_transition_patch;

	for (i = 0; i < nshapes; i++) {
		if (lps[i].loaded)
			continue;
		ops[n++] = (struct op){ OP_ENABLE, i };
		if (!busy)
			ops[n++] = (struct op){ OP_ENABLE_STALL, i };
	}
	for (i = 0; i < nshapes; i++) {
		if (!lps[i].loaded)
			continue;
		if (!busy && lps[i].patch.enabled && lp_listed(&lps[i])) {
			ops[n++] = (struct op){ OP_DISABLE, i };
			ops[n++] = (struct op){ OP_DISABLE_STALL, i };
		}
		if (!lp_listed(&lps[i]) && !lps[i].mod.refcnt)
			ops[n++] = (struct op){ OP_RMMOD, i };
	}
	if (busy) {
		ops[n++] = (struct op){ OP_REVERSE, 0 };
		ops[n++] = (struct op){ OP_FORCE, 0 };
		ops[n++] = (struct op){ OP_COMPLETE, 0 };
	}
	return n;
}

/* ------------------------------------------------------------------ */
/* A history: reset, replay, tear down, check the end                  */

static void reset_world(void)
{
	int i;

	for (i = 0; i < nshapes; i++) {
		struct klp_state *st;

		if (lps[i].accepted && lp_listed(&lps[i])) {
			mutex_lock(&klp_mutex);
			klp_transition_patch = NULL;
			harness_free_patch(&lps[i].patch);
			mutex_unlock(&klp_mutex);
		}
		/* A forced carrier stays listed (its module would stay): unlist it. */
		for (st = lps[i].patch.states; st && st->id; st++) {
			st->shadow_forced = false;
			klp_shadow_disown(st);
		}
		memset(&lps[i], 0, sizeof(lps[i]));
	}
	klp_shim_run_work();
	for (i = 1; i <= 6; i++)
		klp_shadow_free_all(i, NULL);
	klp_shim_rcu_barrier();
	INIT_LIST_HEAD(&klp_patches);
	klp_transition_patch = NULL;
	harness_transition_reset();
	klp_shim_task.patch_state = KLP_TRANSITION_IDLE;
	klp_shim_task.flags = 0;
	for (i = 0; i < 4; i++)
		policy_of[i]->owner ? (void)(policy_of[i]->owner->refcnt = 0) : (void)0;
	klp_shim_live_allocs = 0;
	klp_shim_warnings = 0;
	klp_shim_failures = 0;
	klp_shim_log_len = 0;
	klp_shim_log[0] = 0;
	nsv = 0;
	failed = 0;
	tr_patch = -1;
	for (i = 0; i < NFUNCS; i++)
		impl[i] = -1;
	stall = false;
}

/* Complete what runs, disable what can be, newest first; then the end checks. */
static void teardown_and_check(void)
{
	struct klp_patch *patch;
	bool progress = true;
	int i, live_sv = 0;
	unsigned int k;

	if (klp_transition_patch)
		do_op((struct op){ OP_COMPLETE, 0 });
	while (progress && !failed) {
		progress = false;
		list_for_each_entry_reverse(patch, &klp_patches, list) {
			if (!patch->enabled)
				continue;
			if (!do_op((struct op){ OP_DISABLE, (unsigned char)(lp_of(patch) - lps) })) {
				progress = true;
				break;
			}
		}
	}
	if (failed)
		return;
	for (i = 0; i < nshapes; i++) {
		struct lp *lp = &lps[i];

		for (k = 0; k < 3; k++)
			if (lp->pending[k])
				violation("end: %s state %lu: %s never answered",
					  lp->sh->name, lp->states[k].id,
					  lp->pending[k] == 'P' ? "pre_patch" : "pre_unpatch");
		if (lp->loaded && !lp_listed(lp) && lp->mod.refcnt != (lp->patch.forced ? 1 : 0))
			violation("end: module %s has %d references, forced=%d",
				  lp->mod.name, lp->mod.refcnt, lp->patch.forced);
	}
	for (i = 0; i < nsv; i++) {
		bool kept = false;

		for (k = 0; k < (unsigned int)nshapes; k++) {
			if (!lps[k].sh || !carries(lps[k].sh, svs[i].id))
				continue;
			kept |= lps[k].mforced && lps[k].loaded &&
				declares_shadow(lps[k].sh, svs[i].id);
			kept |= lp_listed(&lps[k]);
		}
		if (svs[i].owned && !kept)
			violation("end: shadow id %lu of %s leaked: its state left, no task was forced",
				  svs[i].id, svs[i].alloc->sh->name);
		live_sv++;
	}
	if (list_empty(&klp_patches) && klp_shim_live_allocs != live_sv)
		violation("end: %ld allocations live, %d of them shadow variables",
			  klp_shim_live_allocs, live_sv);
}

static void print_history(FILE *out, int len)
{
	char buf[8];
	int i;

	for (i = 0; i < len; i++)
		fprintf(out, "%s%s", i ? " " : "", op_name(hist[i], buf, sizeof(buf)));
}

/* ------------------------------------------------------------------ */
/* A history as shell lines for the booted test kernel                 */

/* The selftest modules built from test_klp_policy1.c, one per shape used. */
static const char *const test_mods[] = {
	"test_klp_policy1", "test_klp_policy2", "test_klp_policy3",
	"test_klp_policy4", "test_klp_policy5", "test_klp_policy6",
	"test_klp_policy8", "test_klp_policy9",
};

/* test_klp_policy1.c's parameters for @sh */
static void shape_params(const struct shape *sh, char *buf, size_t size)
{
	size_t n = 0;

#define P(...) (n += snprintf(buf + n, n < size ? size - n : 0, __VA_ARGS__))
	if (sh->policy)
		P(" policy=%s", sh->policy);
	if (sh->replace)
		P(" replace=1");
	if (sh->replaceable)
		P(" replaceable=1");
	if (sh->policy && !strcmp(sh->policy, "replace_set")) {
		P(" replace_set=%u", sh->set);
		if (sh->nsup)
			P(" supersedes=%u", sh->sup[0]);
	}
	if (sh->policy && !strcmp(sh->policy, "tag"))
		P(" replace_tag=%u", sh->tag);
	P(" funca=%d", !!(sh->funcs & F(0)));
	if (sh->funcs & F(1))
		P(" funcb=1");
	if (sh->funcs & F(2))
		P(" target=1");
	if (sh->nst) {
		const struct shape_state *st = &sh->st[0];

		P(" state_id=%lu state_version=%u", st->id, st->version);
		if (st->kind != ST_OLD)
			P(" state_life=1");
		if (st->kind == ST_LIFE)
			P(" state_shadow=0");
		if (st->block)
			P(" state_block=1");
		if (st->pre_patch_fails)
			P(" state_pre_patch_ret=-22");
	}
	if (sh->retire)
		P(" retire=%lu", sh->retire);
	if (sh->undeclared_id)
		P(" shadow_id=%lu", sh->undeclared_id);
#undef P
}

static int mod_of[NSHAPES];

static const char *mod_name(int shape)
{
	return mod_of[shape] >= 0 ? test_mods[mod_of[shape]] : "?";
}

/* A task asleep in the code the next transition changes: fb's, if any. */
static void print_sleeper(FILE *out, unsigned int funcs, const char **sleeper)
{
	if ((funcs & F(1)) && impl[1] >= 0 && (shapes[impl[1]].funcs & F(1))) {
		*sleeper = mod_name(impl[1]);
		fprintf(out, "  echo 1 > /sys/module/%s/parameters/sleep; cat /proc/version > /dev/null &\n",
			*sleeper);
	} else {
		*sleeper = NULL;
		fprintf(out, "  # a task sleeps in the old code of the functions changed (the harness' stall;\n"
			     "  # booted: sleep=1 on the module whose version_proc_show runs, then cat /proc/version &)\n");
	}
}

/* Replays hist[0..len-1], printing each step as the shell does it. */
static void print_shell(FILE *out, int len)
{
	const char *sleeper = NULL;
	bool target = false;
	char params[256];
	int i, nmods = 0;

	for (i = 0; i < NSHAPES; i++)
		mod_of[i] = -1;
	for (i = 0; i < len; i++) {
		if ((hist[i].kind == OP_ENABLE || hist[i].kind == OP_ENABLE_STALL) &&
		    mod_of[hist[i].arg] < 0 && nmods < (int)ARRAY_SIZE(test_mods))
			mod_of[hist[i].arg] = nmods++;
		if ((hist[i].kind == OP_ENABLE || hist[i].kind == OP_ENABLE_STALL) &&
		    (shapes[hist[i].arg].funcs & F(2)))
			target = true;
	}
	fprintf(out, "  # in the booted test kernel, with the selftest modules\n");
	if (target)
		fprintf(out, "  insmod test_klp_policy_target.ko   # fc: test_klp_policy_target_answer\n");
	reset_world();
	for (i = 0; i < len; i++) {
		struct op op = hist[i];
		const struct shape *sh = &shapes[op.arg];
		struct lp *tp = klp_transition_patch ? lp_of(klp_transition_patch) : NULL;
		int ret, j;
		bool shadow = false;

		switch (op.kind) {
		case OP_ENABLE:
		case OP_ENABLE_STALL:
			if (op.kind == OP_ENABLE_STALL)
				print_sleeper(out, sh->funcs, &sleeper);
			shape_params(sh, params, sizeof(params));
			fprintf(out, "  insmod %s.ko%s", mod_name(op.arg), params);
			break;
		case OP_DISABLE:
		case OP_DISABLE_STALL:
			if (op.kind == OP_DISABLE_STALL)
				print_sleeper(out, sh->funcs, &sleeper);
			fprintf(out, "  echo 0 > /sys/kernel/livepatch/%s/enabled", mod_name(op.arg));
			break;
		case OP_REVERSE:
			fprintf(out, "  echo %d > /sys/kernel/livepatch/%s/enabled",
				tp && !tp->patch.enabled, tp ? mod_name((int)(tp - lps)) : "?");
			break;
		case OP_FORCE:
			fprintf(out, "  echo 1 > /sys/kernel/livepatch/%s/force",
				tp ? mod_name((int)(tp - lps)) : "?");
			if (sleeper)
				fprintf(out, "; echo 0 > /sys/module/%s/parameters/sleep", sleeper);
			sleeper = NULL;
			break;
		case OP_COMPLETE:
			if (sleeper)
				fprintf(out, "  echo 0 > /sys/module/%s/parameters/sleep; wait", sleeper);
			else
				fprintf(out, "  # the sleeping task wakes");
			fprintf(out, "; sleep 2   # the transition completes");
			sleeper = NULL;
			break;
		case OP_RMMOD:
			fprintf(out, "  rmmod %s", mod_name(op.arg));
			break;
		}
		ret = do_op(op);
		fprintf(out, "%s%s\n", ret ? "   # fails: " : "",
			ret ? strerror(ret) : "");
		if (failed) {
			fprintf(out, "  # the check fails after this step: %s\n", fail_msg);
			return;
		}
		for (j = 0; j < nshapes; j++)
			if (lps[j].loaded && lp_listed(&lps[j]) &&
			    (lps[j].sh->undeclared_id ||
			     (lps[j].sh->nst && lps[j].sh->st[0].kind == ST_SHADOW)))
				shadow = true;
		if (shadow && !failed)
			fprintf(out, "  cat /proc/version > /dev/null   # the patches' code allocates its shadow variables\n");
	}
	fprintf(out, "  # then the transition completes, every patch is disabled newest first\n"
		     "  # (echo 0 > /sys/kernel/livepatch/<each>/enabled)\n");
	teardown_and_check();
	if (failed)
		fprintf(out, "  # the check fails there: %s\n", fail_msg);
}

static bool hist_noop;	/* its last operation was refused, a no-op */
static int cur_len;	/* the history being run: hist[0..cur_len-1] */

/* A sanitizer's report (a mutant's use after free, say): name the history. */
void __asan_on_error(void);
void __asan_on_error(void)
{
	fprintf(stdout, "Sanitizer report in history: ");
	print_history(stdout, cur_len);
	fprintf(stdout, "\n");
	fflush(stdout);
}

/* Run hist[0..len-1] from a fresh world; 0 when every check holds. */
static int run_history(int len)
{
	int i;

	cur_len = len;
	reset_world();
	for (i = 0; i < len && !failed; i++)
		do_op(hist[i]);
	hist_noop = last_noop;
	if (!failed)
		teardown_and_check();
	nr_histories++;
	if (verbose) {
		print_history(stderr, len);
		fprintf(stderr, "%s\n", failed ? "  FAIL" : "");
	}
	return failed;
}

static int best_len = MAX_D + 1;
static struct op best[MAX_D];
static char best_msg[1024], best_log[4096];
static unsigned long long nr_failed;
static int stop_first;

static void record_failure(int len)
{
	nr_failed++;
	if (len >= best_len)
		return;
	best_len = len;
	memcpy(best, hist, sizeof(best));
	snprintf(best_msg, sizeof(best_msg), "%s", fail_msg);
	snprintf(best_log, sizeof(best_log), "%s",
		 klp_shim_log_len > sizeof(best_log) - 1 ?
		 klp_shim_log + klp_shim_log_len - (sizeof(best_log) - 1) : klp_shim_log);
}

/*
 * Every extension of hist[0..len-1] up to depth @max. With @only_last,
 * only the histories of length @max are run (their prefixes passed at a
 * lower depth): iterative deepening, so that -x stops at a shortest one.
 */
static void explore(int len, int max, bool only_last)
{
	struct op ops[4 * NSHAPES + 4];
	int n, i;

	if (stop_first && nr_failed)
		return;
	/* the state after the prefix */
	cur_len = len;
	reset_world();
	for (i = 0; i < len; i++)
		do_op(hist[i]);
	if (len && last_noop)
		return;		/* the same as a shorter history */
	n = list_ops(ops);
	for (i = 0; i < n; i++) {
		hist[len] = ops[i];
		if (!only_last || len + 1 == max) {
			if (run_history(len + 1)) {
				record_failure(len + 1);
				if (stop_first)
					return;
				continue;	/* a failing prefix is not extended */
			}
			if (hist_noop)
				continue;	/* the same as a shorter history */
		}
		if (len + 1 < max)
			explore(len + 1, max, only_last);
		if (stop_first && nr_failed)
			return;
	}
}

static int parse_history(const char *s)
{
	int len = 0;

	while (*s) {
		const char *p;

		while (*s == ' ')
			s++;
		if (!*s)
			break;
		p = strchr(op_chars, *s);
		if (!p || len == MAX_D)
			return -1;
		hist[len].kind = (unsigned char)(p - op_chars);
		hist[len].arg = (unsigned char)atoi(s + 1);
		len++;
		while (*s && *s != ' ')
			s++;
	}
	return len;
}

int main(int argc, char **argv)
{
	const char *one = NULL;
	struct timespec t0, t1;
	int depth = 3, opt, i;

	while ((opt = getopt(argc, argv, "d:xvh:u:")) != -1) {
		switch (opt) {
		case 'd': depth = atoi(optarg); break;
		case 'x': stop_first = 1; break;
		case 'v': verbose++; break;
		case 'h': one = optarg; break;
		case 'u': nshapes = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: %s [-d D] [-x] [-v] [-u SHAPES] [-h HISTORY]\n", argv[0]);
			return 2;
		}
	}
	if (depth < 1 || depth >= MAX_D || nshapes < 1 || nshapes > NSHAPES)
		return 2;
	klp_shim_verbose = verbose;
	policy_of[0] = &klp_legacy_policy;
	policy_of[1] = klp_find_get_replace_policy("replace_set");
	policy_of[2] = klp_find_get_replace_policy("tag");
	policy_of[3] = klp_find_get_replace_policy("hybrid");
	if (!policy_of[1] || !policy_of[2] || !policy_of[3]) {
		fprintf(stderr, "policies not registered\n");
		return 1;
	}
	klp_put_replace_policy(policy_of[1]);
	klp_put_replace_policy(policy_of[2]);
	klp_put_replace_policy(policy_of[3]);

	printf("universe: %d patch shapes over %d functions:", nshapes, NFUNCS);
	for (i = 0; i < nshapes; i++)
		printf(" %d=%s", i, shapes[i].name);
	printf("\n");

	if (one) {
		int len = parse_history(one);

		if (len <= 0) {
			fprintf(stderr, "bad history '%s'\n", one);
			return 2;
		}
		klp_shim_verbose = verbose = verbose ? verbose : 2;
		i = run_history(len);
		if (i)
			printf("FAIL: %s\n", fail_msg);
		else
			printf("PASS\n");
		klp_shim_verbose = verbose = 0;
		printf("as shell lines:\n");
		print_shell(stdout, len);
		reset_world();
		return i;
	}

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (stop_first) {
		for (i = 1; i <= depth && !nr_failed; i++)
			explore(0, i, true);
	} else {
		explore(0, depth, false);
	}
	reset_world();
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("depth %d: %llu histories, %llu steps (replays and teardowns included), %.1f s\n",
	       depth, nr_histories, nr_steps,
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	if (nr_failed) {
		memcpy(hist, best, sizeof(hist));
		printf("FAIL: %llu histories fail; a shortest one (%d steps):\n  ", nr_failed, best_len);
		print_history(stdout, best_len);
		printf("\n  %s\nkernel log of that history (tail):\n%s\n", best_msg, best_log);
		printf("as shell lines:\n");
		print_shell(stdout, best_len);
		return 1;
	}
	printf("PASS: every check held\n");
	return 0;
}
