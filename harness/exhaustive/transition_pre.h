/* SPDX-License-Identifier: GPL-2.0 */
/*
 * transition_pre.h - what the functions extract.awk takes from
 * transition.c need of the rest of it, ahead of them.
 */
#include <linux/livepatch.h>
#include "core.h"
#include "patch.h"
#include "transition.h"
#include "policy.h"
#include "state.h"

#define SIGNALS_TIMEOUT 15
static int klp_target_state = KLP_TRANSITION_IDLE;
static unsigned int klp_signals_cnt;
#define klp_cond_resched_enable() do { } while (0)
#define klp_cond_resched_disable() do { } while (0)
static struct delayed_work klp_transition_work;
static void klp_send_signals(void) { }

/*
 * klp_try_switch_task(): the stack check of a task. The harness has one
 * task, which sleeps in the functions of a transition it decided to stall
 * (harness_try_switch()).
 */
bool harness_try_switch(struct task_struct *task, int target);
static bool klp_try_switch_task(struct task_struct *task)
{
	if (task->patch_state == klp_target_state)
		return true;
	if (!harness_try_switch(task, klp_target_state))
		return false;
	clear_tsk_thread_flag(task, TIF_PATCH_PENDING);
	task->patch_state = klp_target_state;
	return true;
}
