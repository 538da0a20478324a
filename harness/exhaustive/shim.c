// SPDX-License-Identifier: GPL-2.0
/*
 * shim.c - the kernel services klp_shim.h declares, and the globals of
 * core.c and transition.c that policy.c and state.c read (the harness
 * stands in for those two files, see harness.c).
 */

#include <klp_shim.h>
#include <linux/livepatch.h>

/* core.c */
DEFINE_MUTEX(klp_mutex);
LIST_HEAD(klp_patches);
/* transition.c */
struct klp_patch *klp_transition_patch;

struct module *klp_shim_current_mod;
int klp_shim_verbose;
unsigned long klp_shim_warnings;
unsigned long klp_shim_failures;
long klp_shim_live_allocs;

#define LOG_SIZE (64 * 1024)
char klp_shim_log[LOG_SIZE];
size_t klp_shim_log_len;

void klp_shim_printk(const char *level, const char *fmt, ...)
{
	va_list args;
	int n;

	if (klp_shim_log_len >= LOG_SIZE - 256)
		klp_shim_log_len = 0;	/* a history's log; keep the tail */
	n = snprintf(klp_shim_log + klp_shim_log_len, LOG_SIZE - klp_shim_log_len,
		     "<%s> ", level);
	if (n > 0)
		klp_shim_log_len += n;
	va_start(args, fmt);
	n = vsnprintf(klp_shim_log + klp_shim_log_len,
		      LOG_SIZE - klp_shim_log_len, fmt, args);
	va_end(args);
	if (n > 0)
		klp_shim_log_len += n;
	if (klp_shim_log_len >= LOG_SIZE)
		klp_shim_log_len = LOG_SIZE - 1;
	if (klp_shim_verbose > 1) {
		va_start(args, fmt);
		fprintf(stderr, "    [%s] ", level);
		vfprintf(stderr, fmt, args);
		va_end(args);
	}
}

void klp_shim_fail(const char *what, const char *file, int line)
{
	klp_shim_failures++;
	klp_shim_printk("SHIM", "%s at %s:%d\n", what, file, line);
}

/* Allocations, counted; kfree_rcu() waits for klp_shim_rcu_barrier(). */
void *klp_shim_alloc(size_t size, bool zero)
{
	void *p = zero ? calloc(1, size ? size : 1) : malloc(size ? size : 1);

	if (p)
		klp_shim_live_allocs++;
	return p;
}

void klp_shim_free(const void *p)
{
	if (!p)
		return;
	klp_shim_live_allocs--;
	free((void *)p);
}

static void **rcu_pending;
static size_t rcu_nr, rcu_max;

void klp_shim_kfree_rcu(void *p)
{
	if (rcu_nr == rcu_max) {
		rcu_max = rcu_max ? 2 * rcu_max : 64;
		rcu_pending = realloc(rcu_pending, rcu_max * sizeof(*rcu_pending));
		if (!rcu_pending)
			abort();
	}
	rcu_pending[rcu_nr++] = p;
}

void klp_shim_rcu_barrier(void)
{
	while (rcu_nr)
		klp_shim_free(rcu_pending[--rcu_nr]);
}

/* Modules */
bool try_module_get(struct module *mod)
{
	if (!mod)
		return true;
	if (mod->going)
		return false;
	mod->refcnt++;
	return true;
}

void module_put(struct module *mod)
{
	if (!mod)
		return;
	if (mod->refcnt <= 0)
		klp_shim_fail("module_put() below zero", __FILE__, __LINE__);
	mod->refcnt--;
}

struct module *__module_address(unsigned long addr)
{
	(void)addr;
	return klp_shim_current_mod;
}

int request_module(const char *fmt, ...)
{
	(void)fmt;
	return 0;	/* every policy is registered at start */
}

/* sysfs */
int sysfs_create_group(struct kobject *kobj, const struct attribute_group *grp)
{
	(void)kobj;
	(void)grp;
	return 0;
}

int sysfs_emit(char *buf, const char *fmt, ...)
{
	va_list args;
	int n;

	va_start(args, fmt);
	n = vsnprintf(buf, PAGE_SIZE, fmt, args);
	va_end(args);
	return n < PAGE_SIZE ? n : PAGE_SIZE - 1;
}

int sysfs_emit_at(char *buf, int at, const char *fmt, ...)
{
	va_list args;
	int n;

	if (at < 0 || at >= PAGE_SIZE)
		return 0;
	va_start(args, fmt);
	n = vsnprintf(buf + at, PAGE_SIZE - at, fmt, args);
	va_end(args);
	return n < PAGE_SIZE - at ? n : PAGE_SIZE - at - 1;
}

/* kobjects: a reference count and the ktype's release */
const int klp_shim_kobj_sysfs_ops;

void kobject_init(struct kobject *kobj, const struct kobj_type *ktype)
{
	kobj->ktype = ktype;
	kobj->refcount = 1;
	kobj->in_sysfs = false;
}

int kobject_add(struct kobject *kobj, struct kobject *parent, const char *fmt, ...)
{
	(void)parent;
	(void)fmt;
	if (kobj->refcount <= 0)
		klp_shim_fail("kobject_add() of an uninitialized kobject", __FILE__, __LINE__);
	kobj->in_sysfs = true;
	return 0;
}

void kobject_put(struct kobject *kobj)
{
	if (kobj->refcount <= 0) {
		klp_shim_fail("kobject_put() below zero", __FILE__, __LINE__);
		return;
	}
	if (--kobj->refcount)
		return;
	kobj->in_sysfs = false;
	if (kobj->ktype && kobj->ktype->release)
		kobj->ktype->release(kobj);
}

int kstrtobool(const char *s, bool *res)
{
	if (!s)
		return -EINVAL;
	switch (s[0]) {
	case 'y': case 'Y': case '1':
		*res = true;
		return 0;
	case 'n': case 'N': case '0':
		*res = false;
		return 0;
	}
	return -EINVAL;
}

char *klp_shim_kstrdup(const char *s)
{
	char *p = klp_shim_alloc(strlen(s) + 1, false);

	if (p)
		strcpy(p, s);
	return p;
}

/* The workqueue: work runs when the harness says (after each operation). */
static struct work_struct *work_head, **work_tail = &work_head;

bool schedule_work(struct work_struct *work)
{
	if (work->queued)
		return false;
	work->queued = true;
	work->next = NULL;
	*work_tail = work;
	work_tail = &work->next;
	return true;
}

void klp_shim_run_work(void)
{
	struct work_struct *work;

	while ((work = work_head)) {
		work_head = work->next;
		if (!work_head)
			work_tail = &work_head;
		work->queued = false;
		work->func(work);
	}
}

struct task_struct klp_shim_task = { .patch_state = -1 };
