// SPDX-License-Identifier: GPL-2.0
/*
 * klp_st_target.c - the module the randomized model test (make model,
 * make stress) livepatches, loads and unloads.
 *
 * Four functions klp_st_f0 .. klp_st_f3, each observed through
 * /proc/klp_st_f<N>: reading it calls the function, whose original code
 * prints "klp:orig" and a patch's prints "klp:<patch module>". The
 * original code sleeps while the task reading is the one whose pid is
 * in the sleep_pid parameter (a task sleeping in an unpatched function,
 * so that transitions stall); "sleeping" reads 1 while it sleeps.
 */

#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/sched.h>
#include <linux/seq_file.h>

static int sleep_pid;
module_param(sleep_pid, int, 0644);
MODULE_PARM_DESC(sleep_pid, "the task with this pid sleeps in the original functions while set");

static int sleeping;
module_param(sleeping, int, 0444);
MODULE_PARM_DESC(sleeping, "1 while a task sleeps in an original function");

static void st_sleep(void)
{
	if (READ_ONCE(sleep_pid) != task_pid_nr(current))
		return;
	WRITE_ONCE(sleeping, 1);
	while (READ_ONCE(sleep_pid) == task_pid_nr(current))
		msleep(20);
	WRITE_ONCE(sleeping, 0);
}

#define ST_FN(n)						\
static noinline int klp_st_f##n(struct seq_file *m)		\
{								\
	st_sleep();						\
	seq_puts(m, "klp:orig\n");				\
	return 0;						\
}

ST_FN(0)
ST_FN(1)
ST_FN(2)
ST_FN(3)

/* Called through this table, so that the compiler keeps them whole. */
static int (*const st_fns[])(struct seq_file *) = {
	klp_st_f0, klp_st_f1, klp_st_f2, klp_st_f3,
};

static int st_show(struct seq_file *m, void *v)
{
	int (*const *fn)(struct seq_file *) = m->private;

	return (*fn)(m);
}

static int __init klp_st_target_init(void)
{
	char name[16];
	int i;

	for (i = 0; i < ARRAY_SIZE(st_fns); i++) {
		snprintf(name, sizeof(name), "klp_st_f%d", i);
		if (!proc_create_single_data(name, 0444, NULL, st_show,
					     (void *)&st_fns[i]))
			goto err;
	}
	return 0;
err:
	while (i--) {
		snprintf(name, sizeof(name), "klp_st_f%d", i);
		remove_proc_entry(name, NULL);
	}
	return -ENOMEM;
}

static void __exit klp_st_target_exit(void)
{
	char name[16];
	int i;

	for (i = 0; i < ARRAY_SIZE(st_fns); i++) {
		snprintf(name, sizeof(name), "klp_st_f%d", i);
		remove_proc_entry(name, NULL);
	}
}

module_init(klp_st_target_init);
module_exit(klp_st_target_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Target of the livepatch model test");
