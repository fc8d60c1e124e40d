// SPDX-License-Identifier: GPL-2.0
/*
 * nsm_canary - the negative controls of `make check-debug`.
 *
 * Loaded as "insmod nsm_canary.ko fault=<name>" in the guest of the debug
 * kernel, after the module's own checks, it commits one deliberate fault
 * for a checker to report. selftests/vm/debug-guest.sh then requires that
 * the kernel log (or kmemleak) holds that checker's report and that its
 * report scanner flags it: a checker that is not really on, or a scanner
 * that no longer recognises its reports, fails the run instead of passing
 * it silently.
 *
 * Faults: lockdep (an AB-BA lock order), atomic_sleep (might_sleep() under
 * a spinlock), ubsan (an array index out of bounds), debugobjects (freeing
 * an active timer), warn (WARN_ON), leak (an unreferenced allocation, for
 * kmemleak), kasan (a use after free), and on the KCSAN kernel race (two
 * threads incrementing one plain counter). lockdep turns itself off at its
 * first report and KASAN's taints the kernel, so the guest runs lockdep
 * first and kasan last, one load each.
 *
 * init always returns 0: busybox insmod runs a failed init a second time.
 */
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timer.h>

static char *fault = "";
module_param(fault, charp, 0444);
MODULE_PARM_DESC(fault, "lockdep|atomic_sleep|ubsan|debugobjects|warn|leak|kasan|race");

static DEFINE_MUTEX(canary_a);
static DEFINE_MUTEX(canary_b);
static DEFINE_SPINLOCK(canary_lock);

/* A field after the array, so the bad index stays inside the object. */
static struct {
	int slot[4];
	int after;
} canary_table;

static void *canary_leaked;

static void canary_lockdep(void)
{
	mutex_lock(&canary_a);
	mutex_lock(&canary_b);
	mutex_unlock(&canary_b);
	mutex_unlock(&canary_a);

	mutex_lock(&canary_b);
	mutex_lock(&canary_a);
	mutex_unlock(&canary_a);
	mutex_unlock(&canary_b);
}

static void canary_atomic_sleep(void)
{
	spin_lock(&canary_lock);
	might_sleep();
	spin_unlock(&canary_lock);
}

static void canary_ubsan(void)
{
	int i = ARRAY_SIZE(canary_table.slot);

	OPTIMIZER_HIDE_VAR(i);
	canary_table.slot[i] = 1;
	pr_info("nsm_canary: slot %d written (%d)\n", i, canary_table.after);
}

static void canary_timer_fn(struct timer_list *t)
{
}

static void canary_debugobjects(void)
{
	struct timer_list *t = kmalloc(sizeof(*t), GFP_KERNEL);

	if (!t)
		return;
	timer_setup(t, canary_timer_fn, 0);
	mod_timer(t, jiffies + 3600 * HZ);
	/* debugobjects reports and deactivates the timer before the free. */
	kfree(t);
}

static void canary_leak(void)
{
	char *p = kmalloc(64, GFP_KERNEL);

	if (!p)
		return;
	strscpy(p, "nsm_canary: leaked on purpose", 64);
	/* Lost: the pointer is scrambled so no scan finds a reference. */
	canary_leaked = (void *)((unsigned long)p ^ ~0UL);
}

static void canary_kasan(void)
{
	char *p = kmalloc(32, GFP_KERNEL);

	if (!p)
		return;
	kfree(p);
	OPTIMIZER_HIDE_VAR(p);
	pr_info("nsm_canary: read after free: %d\n", READ_ONCE(p[8]));
}

static unsigned long canary_counter;

static int canary_racer(void *unused)
{
	while (!kthread_should_stop()) {
		canary_counter++;
		cond_resched();
	}
	return 0;
}

static void canary_race(void)
{
	struct task_struct *t[2];
	int i;

	for (i = 0; i < 2; i++) {
		t[i] = kthread_run(canary_racer, NULL, "nsm_canary/%d", i);
		if (IS_ERR(t[i])) {
			while (i--)
				kthread_stop(t[i]);
			return;
		}
	}
	msleep(3000);
	for (i = 0; i < 2; i++)
		kthread_stop(t[i]);
	pr_info("nsm_canary: counter %lu\n", canary_counter);
}

static int __init canary_init(void)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} faults[] = {
		{ "lockdep", canary_lockdep },
		{ "atomic_sleep", canary_atomic_sleep },
		{ "ubsan", canary_ubsan },
		{ "debugobjects", canary_debugobjects },
		{ "warn", NULL },
		{ "leak", canary_leak },
		{ "kasan", canary_kasan },
		{ "race", canary_race },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(faults); i++) {
		if (strcmp(fault, faults[i].name))
			continue;
		pr_info("nsm_canary: fault %s\n", fault);
		if (faults[i].fn)
			faults[i].fn();
		else
			WARN_ON(1);
		return 0;
	}
	pr_err("nsm_canary: unknown fault '%s'\n", fault);
	return 0;
}

static void __exit canary_exit(void)
{
}

module_init(canary_init);
module_exit(canary_exit);
MODULE_DESCRIPTION("Deliberate faults for the debug kernel's checkers (nsm-emu tests)");
MODULE_LICENSE("GPL");
