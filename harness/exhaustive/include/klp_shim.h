/* SPDX-License-Identifier: GPL-2.0 */
/*
 * klp_shim.h - the kernel API that kernel/livepatch/{policy,state,shadow}.c
 * and lib/klp_policy/{legacy,replace_set,tag}.c use, in user space, for the exhaustive harness.
 *
 * Like tools/testing/vma: the real files are compiled as they are, each
 * <linux/X.h> of include/linux/ here includes this one header. Only
 * <linux/livepatch.h>, <linux/livepatch_policy.h> and
 * <linux/livepatch_sched.h> are the kernel's own (symlinks the Makefile
 * makes in the build directory). Semantics kept on purpose:
 *  - locks are flags: taking a held lock, releasing a free one, or
 *    lockdep_assert_held() of a free lock is recorded as a shim failure;
 *  - list_del() poisons and the list operations check their neighbours
 *    (CONFIG_DEBUG_LIST): corruption is recorded;
 *  - kfree_rcu() defers the free to the next grace period, which the
 *    harness ends after each operation (klp_shim_rcu_barrier());
 *  - every allocation is counted, for the leak check;
 *  - printk and WARN are recorded in a buffer (klp_shim_log), WARN_ONCE
 *    counts every time (a history must not depend on earlier ones);
 *  - __module_address() answers the module whose code "runs":
 *    klp_shim_current_mod, which the harness sets when a patch's code
 *    allocates a shadow variable.
 */
#ifndef _KLP_SHIM_H
#define _KLP_SHIM_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <elf.h>
#include <sys/types.h>

/* ---- kconfig ---- */
#define __ARG_PLACEHOLDER_1 0,
#define __take_second_arg(__ignored, val, ...) val
#define __is_defined(x)			___is_defined(x)
#define ___is_defined(val)		____is_defined(__ARG_PLACEHOLDER_##val)
#define ____is_defined(arg1_or_junk)	__take_second_arg(arg1_or_junk 1, 0)
#define __or(x, y)			___or(x, y)
#define ___or(x, y)			____or(__ARG_PLACEHOLDER_##x, y)
#define ____or(arg1_or_junk, y)		__take_second_arg(arg1_or_junk 1, y)
#define IS_BUILTIN(option) __is_defined(option)
#define IS_MODULE(option) __is_defined(option##_MODULE)
#define IS_ENABLED(option) __or(IS_BUILTIN(option), IS_MODULE(option))

/* ---- types, compiler ---- */
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;
typedef unsigned int gfp_t;
typedef unsigned short umode_t;
typedef Elf64_Shdr Elf_Shdr;

#define GFP_KERNEL	0u
#define GFP_ATOMIC	1u
#define PAGE_SIZE	4096

#define __init		__attribute__((unused))
#define __exit		__attribute__((unused))
#undef __always_inline
#define __always_inline	inline __attribute__((always_inline))
#define __must_check	__attribute__((warn_unused_result))
#define __weak		__attribute__((weak))
#define __read_mostly
#define noinline	__attribute__((noinline))
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#define fallthrough	__attribute__((__fallthrough__))
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define sizeof_field(TYPE, MEMBER) sizeof((((TYPE *)0)->MEMBER))
#define offsetofend(TYPE, MEMBER) \
	(offsetof(TYPE, MEMBER) + sizeof_field(TYPE, MEMBER))
#define _RET_IP_	((unsigned long)__builtin_return_address(0))
#define smp_wmb()	do { } while (0)

#define container_of(ptr, type, member) ({				\
	void *__mptr = (void *)(ptr);					\
	((type *)((char *)__mptr - offsetof(type, member))); })
#define container_of_const(ptr, type, member)				\
	_Generic(ptr,							\
		const typeof(*(ptr)) *: ((const type *)container_of(ptr, type, member)),\
		default: ((type *)container_of(ptr, type, member)))

/* ---- the record the harness reads ---- */
struct module;
extern struct module *klp_shim_current_mod;
extern char klp_shim_log[];
extern size_t klp_shim_log_len;
extern unsigned long klp_shim_warnings;	/* WARN*() that fired */
extern unsigned long klp_shim_failures;	/* lock or list misuse */
extern long klp_shim_live_allocs;
extern int klp_shim_verbose;
__attribute__((format(printf, 2, 3)))
void klp_shim_printk(const char *level, const char *fmt, ...);
void klp_shim_fail(const char *what, const char *file, int line);
void klp_shim_rcu_barrier(void);

/* ---- printk, WARN ---- */
#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif
#define pr_emerg(fmt, ...)  klp_shim_printk("emerg", pr_fmt(fmt), ##__VA_ARGS__)
#define pr_err(fmt, ...)    klp_shim_printk("err", pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...)   klp_shim_printk("warn", pr_fmt(fmt), ##__VA_ARGS__)
#define pr_notice(fmt, ...) klp_shim_printk("notice", pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...)   klp_shim_printk("info", pr_fmt(fmt), ##__VA_ARGS__)
#define pr_debug(fmt, ...)  do { if (0) printf(pr_fmt(fmt), ##__VA_ARGS__); } while (0)
#define no_printk(fmt, ...) do { if (0) printf(fmt, ##__VA_ARGS__); } while (0)

#define WARN(cond, fmt, ...) ({						\
	int __ret_warn = !!(cond);					\
	if (unlikely(__ret_warn)) {					\
		klp_shim_warnings++;					\
		klp_shim_printk("WARNING", "%s:%d: " fmt, __FILE__, __LINE__, ##__VA_ARGS__); \
	}								\
	unlikely(__ret_warn); })
#define WARN_ONCE(cond, fmt, ...) WARN(cond, fmt, ##__VA_ARGS__)
#define WARN_ON(cond)		WARN(cond, "WARN_ON(%s)\n", #cond)
#define WARN_ON_ONCE(cond)	WARN(cond, "WARN_ON_ONCE(%s)\n", #cond)
#define BUG_ON(cond)		do { if (cond) { klp_shim_fail("BUG_ON(" #cond ")", __FILE__, __LINE__); abort(); } } while (0)

/* ---- strings ---- */
static inline ssize_t strscpy_shim(char *dst, const char *src, size_t size)
{
	size_t len = strnlen(src, size);

	if (!size)
		return -E2BIG;
	if (len == size) {
		memcpy(dst, src, size - 1);
		dst[size - 1] = 0;
		return -E2BIG;
	}
	memcpy(dst, src, len + 1);
	return len;
}
#define __strscpy3(dst, src, size, ...) strscpy_shim(dst, src, size)
#define strscpy(dst, src, ...) __strscpy3(dst, src, ##__VA_ARGS__, sizeof(dst))

__attribute__((format(printf, 3, 4)))
static inline int scnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list args;
	int i;

	if (!size)
		return 0;
	va_start(args, fmt);
	i = vsnprintf(buf, size, fmt, args);
	va_end(args);
	if (i < 0)
		return 0;
	return (size_t)i < size ? i : (int)(size - 1);
}

/* ---- allocation ---- */
void *klp_shim_alloc(size_t size, bool zero);
void klp_shim_free(const void *p);
void klp_shim_kfree_rcu(void *p);
#define kmalloc(size, gfp)	klp_shim_alloc(size, false)
#define kzalloc(size, gfp)	klp_shim_alloc(size, true)
#define kcalloc(n, size, gfp)	klp_shim_alloc((n) * (size), true)
#define kvcalloc(n, size, gfp)	klp_shim_alloc((n) * (size), true)
#define kvmalloc_array(n, size, gfp) klp_shim_alloc((n) * (size), false)
#define kfree(p)		klp_shim_free(p)
#define kvfree(p)		klp_shim_free(p)
#define kfree_rcu(p, field)	klp_shim_kfree_rcu(p)

/* ---- locks ---- */
struct mutex { int held; };
typedef struct { int held; } spinlock_t;
#define DEFINE_MUTEX(name)	struct mutex name = { 0 }
#define DEFINE_SPINLOCK(name)	spinlock_t name = { 0 }
#define klp_shim_take(l) do {						\
	if ((l)->held) klp_shim_fail("lock taken twice: " #l, __FILE__, __LINE__); \
	(l)->held = 1; } while (0)
#define klp_shim_release(l) do {					\
	if (!(l)->held) klp_shim_fail("free lock released: " #l, __FILE__, __LINE__); \
	(l)->held = 0; } while (0)
#define mutex_lock(l)		klp_shim_take(l)
#define mutex_unlock(l)		klp_shim_release(l)
#define spin_lock(l)		klp_shim_take(l)
#define spin_unlock(l)		klp_shim_release(l)
#define spin_lock_irqsave(l, flags) do { (flags) = 0; klp_shim_take(l); } while (0)
#define spin_unlock_irqrestore(l, flags) do { (void)(flags); klp_shim_release(l); } while (0)
#define lockdep_assert_held(l) do {					\
	if (!(l)->held) klp_shim_fail("lockdep_assert_held(" #l ")", __FILE__, __LINE__); \
	} while (0)
#define rcu_read_lock()		do { } while (0)
#define rcu_read_unlock()	do { } while (0)
#define rcu_read_lock_sched()	do { } while (0)
#define rcu_read_unlock_sched()	do { } while (0)
struct rcu_head { void *next; void (*func)(struct rcu_head *); };

/* ---- lists (include/linux/list.h semantics, DEBUG_LIST checks) ---- */
struct list_head { struct list_head *next, *prev; };
struct hlist_head { struct hlist_node *first; };
struct hlist_node { struct hlist_node *next, **pprev; };

#define LIST_POISON1	((void *)0x100)
#define LIST_POISON2	((void *)0x122)
#define LIST_HEAD_INIT(name) { &(name), &(name) }
#define LIST_HEAD(name) struct list_head name = LIST_HEAD_INIT(name)

static inline void INIT_LIST_HEAD(struct list_head *list)
{
	list->next = list;
	list->prev = list;
}

static inline void __list_add(struct list_head *new, struct list_head *prev,
			      struct list_head *next)
{
	if (next->prev != prev || prev->next != next || new == prev || new == next)
		klp_shim_fail("list_add corruption", __FILE__, __LINE__);
	next->prev = new;
	new->next = next;
	new->prev = prev;
	prev->next = new;
}

static inline void list_add(struct list_head *new, struct list_head *head)
{
	__list_add(new, head, head->next);
}

static inline void list_add_tail(struct list_head *new, struct list_head *head)
{
	__list_add(new, head->prev, head);
}

static inline void __list_del_entry(struct list_head *entry)
{
	if (entry->next == LIST_POISON1 || entry->prev == LIST_POISON2 ||
	    entry->prev->next != entry || entry->next->prev != entry) {
		klp_shim_fail("list_del corruption", __FILE__, __LINE__);
		return;
	}
	entry->next->prev = entry->prev;
	entry->prev->next = entry->next;
}

static inline void list_del(struct list_head *entry)
{
	__list_del_entry(entry);
	entry->next = LIST_POISON1;
	entry->prev = LIST_POISON2;
}

static inline void list_del_init(struct list_head *entry)
{
	__list_del_entry(entry);
	INIT_LIST_HEAD(entry);
}

static inline int list_empty(const struct list_head *head)
{
	return head->next == head;
}
static inline int list_empty_careful(const struct list_head *head)
{
	return list_empty(head);
}
/* One task, no preemption. */
#define preempt_disable()	do { } while (0)
#define preempt_enable()	do { } while (0)

static inline int list_is_last(const struct list_head *list,
			       const struct list_head *head)
{
	return list->next == head;
}

#define list_entry(ptr, type, member)	container_of(ptr, type, member)
#define list_first_entry(ptr, type, member) list_entry((ptr)->next, type, member)
#define list_last_entry(ptr, type, member) list_entry((ptr)->prev, type, member)
#define list_next_entry(pos, member) \
	list_entry((pos)->member.next, typeof(*(pos)), member)
#define list_prev_entry(pos, member) \
	list_entry((pos)->member.prev, typeof(*(pos)), member)
#define list_entry_is_head(pos, head, member) (&pos->member == (head))
#define list_for_each(pos, head) \
	for (pos = (head)->next; pos != (head); pos = pos->next)
#define list_for_each_entry(pos, head, member)				\
	for (pos = list_first_entry(head, typeof(*pos), member);	\
	     !list_entry_is_head(pos, head, member);			\
	     pos = list_next_entry(pos, member))
#define list_for_each_entry_reverse(pos, head, member)			\
	for (pos = list_last_entry(head, typeof(*pos), member);		\
	     !list_entry_is_head(pos, head, member);			\
	     pos = list_prev_entry(pos, member))
#define list_for_each_entry_from(pos, head, member)			\
	for (; !list_entry_is_head(pos, head, member);			\
	     pos = list_next_entry(pos, member))
#define list_for_each_entry_continue(pos, head, member)			\
	for (pos = list_next_entry(pos, member);			\
	     !list_entry_is_head(pos, head, member);			\
	     pos = list_next_entry(pos, member))
#define list_for_each_entry_safe(pos, n, head, member)			\
	for (pos = list_first_entry(head, typeof(*pos), member),	\
		n = list_next_entry(pos, member);			\
	     !list_entry_is_head(pos, head, member);			\
	     pos = n, n = list_next_entry(n, member))

#define INIT_HLIST_HEAD(ptr) ((ptr)->first = NULL)
static inline void INIT_HLIST_NODE(struct hlist_node *h)
{
	h->next = NULL;
	h->pprev = NULL;
}

static inline void hlist_add_head(struct hlist_node *n, struct hlist_head *h)
{
	struct hlist_node *first = h->first;

	n->next = first;
	if (first)
		first->pprev = &n->next;
	h->first = n;
	n->pprev = &h->first;
}

static inline void __hlist_del(struct hlist_node *n)
{
	struct hlist_node *next = n->next;
	struct hlist_node **pprev = n->pprev;

	if (!pprev || *pprev != n) {
		klp_shim_fail("hlist_del corruption", __FILE__, __LINE__);
		return;
	}
	*pprev = next;
	if (next)
		next->pprev = pprev;
}

static inline void hlist_del_init(struct hlist_node *n)
{
	if (n->pprev) {
		__hlist_del(n);
		INIT_HLIST_NODE(n);
	}
}

#define hlist_add_head_rcu	hlist_add_head
#define hlist_del_init_rcu	hlist_del_init
#define hlist_entry(ptr, type, member) container_of(ptr, type, member)
#define hlist_entry_safe(ptr, type, member) \
	({ typeof(ptr) ____ptr = (ptr); \
	   ____ptr ? hlist_entry(____ptr, type, member) : NULL; })
#define hlist_for_each_entry(pos, head, member)				\
	for (pos = hlist_entry_safe((head)->first, typeof(*(pos)), member);\
	     pos;							\
	     pos = hlist_entry_safe((pos)->member.next, typeof(*(pos)), member))
#define hlist_for_each_entry_safe(pos, n, head, member)			\
	for (pos = hlist_entry_safe((head)->first, typeof(*pos), member);\
	     pos && ({ n = pos->member.next; 1; });			\
	     pos = hlist_entry_safe(n, typeof(*pos), member))

/* ---- hash, hashtable ---- */
static inline u32 hash_32(u32 val, unsigned int bits)
{
	return (u32)(val * 0x61C88647u) >> (32 - bits);
}

static inline u32 hash_64(u64 val, unsigned int bits)
{
	return (u32)((val * 0x61C8864680B583EBull) >> (64 - bits));
}
#define hash_long(val, bits) hash_64(val, bits)

static inline unsigned int full_name_hash(const void *salt, const char *name,
					  unsigned int len)
{
	unsigned int h = 2166136261u;

	(void)salt;
	while (len--)
		h = (h ^ (unsigned char)*name++) * 16777619u;
	return h;
}

#define ilog2(n) ((int)(63 - __builtin_clzll((unsigned long long)(n))))
static inline unsigned long roundup_pow_of_two(unsigned long n)
{
	return n <= 1 ? 1 : 1UL << (64 - __builtin_clzl(n - 1));
}

#define DEFINE_HASHTABLE(name, bits) struct hlist_head name[1 << (bits)] = { }
#define HASH_SIZE(name) (ARRAY_SIZE(name))
#define HASH_BITS(name) ilog2(HASH_SIZE(name))
#define hash_min(val, bits) \
	(sizeof(val) <= 4 ? hash_32(val, bits) : hash_long(val, bits))
#define hash_add(ht, node, key) \
	hlist_add_head(node, &ht[hash_min(key, HASH_BITS(ht))])
#define hash_add_rcu hash_add
#define hash_del(node)		hlist_del_init(node)
#define hash_del_rcu(node)	hlist_del_init_rcu(node)
#define hash_for_each(name, bkt, obj, member)				\
	for ((bkt) = 0, obj = NULL; obj == NULL && (bkt) < (int)HASH_SIZE(name);\
	     (bkt)++)							\
		hlist_for_each_entry(obj, &name[bkt], member)
#define hash_for_each_safe(name, bkt, tmp, obj, member)			\
	for ((bkt) = 0, obj = NULL; obj == NULL && (bkt) < (int)HASH_SIZE(name);\
	     (bkt)++)							\
		hlist_for_each_entry_safe(obj, tmp, &name[bkt], member)
#define hash_for_each_possible(name, obj, member, key)			\
	hlist_for_each_entry(obj, &name[hash_min(key, HASH_BITS(name))], member)
#define hash_for_each_possible_rcu hash_for_each_possible

/* ---- kobject, sysfs ---- */
struct kobject;
struct kobj_type {
	void (*release)(struct kobject *kobj);
	const void *sysfs_ops;
	const struct attribute_group **default_groups;
};
struct kobject { const char *name; const struct kobj_type *ktype; int refcount; bool in_sysfs; };
extern const int klp_shim_kobj_sysfs_ops;
void kobject_init(struct kobject *kobj, const struct kobj_type *ktype);
__attribute__((format(printf, 3, 4)))
int kobject_add(struct kobject *kobj, struct kobject *parent, const char *fmt, ...);
void kobject_put(struct kobject *kobj);
struct attribute { const char *name; umode_t mode; };
struct kobj_attribute {
	struct attribute attr;
	ssize_t (*show)(struct kobject *kobj, struct kobj_attribute *attr, char *buf);
	ssize_t (*store)(struct kobject *kobj, struct kobj_attribute *attr,
			 const char *buf, size_t count);
};
struct attribute_group {
	const char *name;
	umode_t (*is_visible)(struct kobject *, struct attribute *, int);
	struct attribute **attrs;
};
#define __ATTR_RO(_name) { .attr = { .name = #_name, .mode = 0444 }, .show = _name##_show }
#define __ATTR_WO(_name) { .attr = { .name = #_name, .mode = 0200 }, .store = _name##_store }
#define __ATTR_RW(_name) { .attr = { .name = #_name, .mode = 0644 }, \
			   .show = _name##_show, .store = _name##_store }
int kstrtobool(const char *s, bool *res);
char *klp_shim_kstrdup(const char *s);
#define kstrdup(s, gfp) klp_shim_kstrdup(s)
int sysfs_create_group(struct kobject *kobj, const struct attribute_group *grp);
__attribute__((format(printf, 2, 3)))
int sysfs_emit(char *buf, const char *fmt, ...);
__attribute__((format(printf, 3, 4)))
int sysfs_emit_at(char *buf, int at, const char *fmt, ...);

/* ---- ftrace (patch.h's struct klp_ops; the harness stands in for patch.c) ---- */
struct ftrace_ops { unsigned long flags; };

/* ---- work, completion, tasks ---- */
struct work_struct { void (*func)(struct work_struct *); struct work_struct *next; bool queued; };
struct delayed_work { struct work_struct work; };
#define INIT_WORK(w, f) do { (w)->func = (f); (w)->next = NULL; (w)->queued = false; } while (0)
bool schedule_work(struct work_struct *work);
#define schedule_delayed_work(dw, delay) ({ (void)(dw); (void)(delay); true; })
#define round_jiffies_relative(j) (j)
#define HZ 100
void klp_shim_run_work(void);	/* the workqueue: run what was scheduled */
struct completion { int done; };
#define init_completion(c) ((c)->done = 0)
#define complete(c) ((c)->done++)
#define wait_for_completion(c) do {					\
	if (!(c)->done) klp_shim_fail("wait_for_completion() would sleep forever", __FILE__, __LINE__); \
	} while (0)
#define schedule_on_each_cpu(fn) ({ (void)(fn); 0; })

/* One task, the one a stalled transition waits for; no CPU has an idle task. */
struct task_struct { int patch_state; unsigned long flags; };
extern struct task_struct klp_shim_task;
#define TIF_PATCH_PENDING 0
#define test_tsk_thread_flag(t, f) (((t)->flags >> (f)) & 1)
#define set_tsk_thread_flag(t, f) ((t)->flags |= 1UL << (f))
#define clear_tsk_thread_flag(t, f) ((t)->flags &= ~(1UL << (f)))
#define for_each_process_thread(g, t) \
	for ((g) = (t) = &klp_shim_task; (t); (g) = (t) = NULL)
#define for_each_possible_cpu(cpu) for ((cpu) = 0; (cpu) < 0; (cpu)++)
#define idle_task(cpu) ((struct task_struct *)NULL)
#define cpu_online(cpu) 0
#define wake_up_if_idle(cpu) do { } while (0)
#define cpus_read_lock() do { } while (0)
#define cpus_read_unlock() do { } while (0)
#define read_lock(l) do { } while (0)
#define read_unlock(l) do { } while (0)
#define READ_ONCE(x) (x)
#define WRITE_ONCE(x, v) ((x) = (v))
#define smp_rmb() do { } while (0)
#define sort(base, num, size, cmp, swap) qsort(base, num, size, cmp)
/* bsearch(): the kernel's argument order is libc's. */
static inline bool is_livepatch_module(struct module *mod) { (void)mod; return true; }
struct static_key_false { int enabled; };
#define DECLARE_STATIC_KEY_FALSE(name) extern struct static_key_false name
#define static_branch_unlikely(k) unlikely((k)->enabled)

/* ---- modules ---- */
#define MODULE_NAME_LEN (64 - sizeof(unsigned long))
#define TAINT_OOT_MODULE	12
static inline bool test_bit(long nr, const volatile unsigned long *addr)
{
	return (addr[nr / (8 * sizeof(long))] >> (nr % (8 * sizeof(long)))) & 1;
}
struct module {
	char name[MODULE_NAME_LEN];
	unsigned long taints;	/* the plugin policies are out-of-tree: 0 here */
	/* harness */
	int refcnt;		/* try_module_get() references */
	bool going;		/* rmmod started: try_module_get() fails */
	bool klp_alive;
};
struct kernel_param;
struct kernel_param_ops {
	int (*set)(const char *val, const struct kernel_param *kp);
	int (*get)(char *buffer, const struct kernel_param *kp);
};
bool try_module_get(struct module *mod);
void module_put(struct module *mod);
struct module *__module_address(unsigned long addr);
__attribute__((format(printf, 1, 2)))
int request_module(const char *fmt, ...);

#ifdef KLP_SHIM_BUILTIN
#define THIS_MODULE ((struct module *)NULL)
#else
static struct module __this_module __attribute__((unused)) = { .name = KBUILD_MODNAME };
#define THIS_MODULE (&__this_module)
#endif
#define EXPORT_SYMBOL(sym)
#define EXPORT_SYMBOL_GPL(sym)
#define MODULE_LICENSE(x)
#define MODULE_DESCRIPTION(x)
#define MODULE_AUTHOR(x)
#define MODULE_ALIAS(x)
#define MODULE_PARM_DESC(p, d)
#define module_param_string(name, string, len, perm)
#define module_param_cb(name, ops, arg, perm) \
	static const void *__param_##name __attribute__((unused)) = (ops)
/* The policies register when the harness starts, as at boot. */
#define module_init(fn) \
	static void __attribute__((constructor)) __ctor_##fn(void) \
	{ if (fn()) { fprintf(stderr, "%s failed\n", #fn); abort(); } }
#define core_initcall(fn) module_init(fn)
#define late_initcall(fn) \
	static void *__initcall_##fn __attribute__((unused)) = (void *)(fn)
#define module_exit(fn) \
	static void *__exitcall_##fn __attribute__((unused)) = (void *)(fn)

#endif /* _KLP_SHIM_H */
