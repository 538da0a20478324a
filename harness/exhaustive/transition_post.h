/* SPDX-License-Identifier: GPL-2.0 */
/* transition_post.h - the harness' way into transition.c's statics. */

/* As transition.c's: the task switches when it leaves the kernel. */
void klp_update_patch_state(struct task_struct *task)
{
	if (test_tsk_thread_flag(task, TIF_PATCH_PENDING)) {
		clear_tsk_thread_flag(task, TIF_PATCH_PENDING);
		task->patch_state = READ_ONCE(klp_target_state);
	}
}

/* The delayed work's run: the tasks are checked again. */
void harness_transition_work(void)
{
	klp_transition_work_fn(&klp_transition_work.work);
}

int harness_target_state(void)
{
	return klp_target_state;
}

void harness_transition_reset(void)
{
	klp_target_state = KLP_TRANSITION_IDLE;
	klp_signals_cnt = 0;
}
