// SPDX-License-Identifier: GPL-2.0
/*
 * klp-load - load and remove many livepatch modules from one process
 *
 * Built statically on the host for make bench-scale's guest, where every
 * fork costs up to a second. Reads commands from stdin, one per line:
 *
 *   load <file.ko> [params]     finit_module(); waits until the livepatch
 *                               named after the file ends its transition,
 *                               prints "load <name> <rc> <enable_us>
 *                               <transition_us>"
 *   rmmod <name>...             delete_module() each, retrying while a
 *                               freed livepatch still holds it; prints
 *                               "rmmod 0" or "rmmod <name> <errno>"
 *   disable <name>              writes 0 to its enabled file and waits
 *                               until the livepatch is gone; prints
 *                               "disable <name> 0" or its errno
 *
 * Every command prints one line, so that a shell driving this program
 * as a coprocess reads exactly one reply per command.
 *
 * enable_us is the time finit_module() took (module load, init and
 * klp_enable_patch()), transition_us the time from its return to the end
 * of the transition.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define KLP "/sys/kernel/livepatch"

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

/* The first character of a sysfs file, or 0 when it cannot be read. */
static char read_char(const char *path)
{
	char c = 0;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return 0;
	if (read(fd, &c, 1) != 1)
		c = 0;
	close(fd);
	return c;
}

static int exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* Until @name's transition file reads 0; 60 s at most. */
static int wait_transition(const char *name)
{
	char path[256];
	long long end = now_us() + 60000000LL;

	snprintf(path, sizeof(path), KLP "/%s/transition", name);
	while (now_us() < end) {
		if (read_char(path) == '0')
			return 0;
		usleep(200);
	}
	return -1;
}

static void do_load(char *args)
{
	char *file = strtok(args, " \t\n"), *params = strtok(NULL, "\n");
	char name[128], *base;
	long long t0, t1, t2;
	int fd, rc;

	if (!file) {
		printf("load - EINVAL 0 0\n");
		return;
	}
	base = basename(strdupa(file));
	snprintf(name, sizeof(name), "%.*s", (int)strcspn(base, "."), base);
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		printf("load %s %s 0 0\n", name, strerrorname_np(errno));
		return;
	}
	t0 = now_us();
	rc = syscall(SYS_finit_module, fd, params ? params : "", 0);
	t1 = now_us();
	close(fd);
	if (rc) {
		printf("load %s %s %lld 0\n", name, strerrorname_np(errno), t1 - t0);
		return;
	}
	if (wait_transition(name)) {
		printf("load %s ETIMEDOUT %lld 0\n", name, t1 - t0);
		return;
	}
	t2 = now_us();
	printf("load %s 0 %lld %lld\n", name, t1 - t0, t2 - t1);
}

static void do_rmmod(char *args)
{
	char *name;
	int i, failed = 0;

	for (name = strtok(args, " \t\n"); name; name = strtok(NULL, " \t\n")) {
		for (i = 0; i < 1000; i++) {
			if (!syscall(SYS_delete_module, name, O_NONBLOCK) ||
			    errno == ENOENT)
				break;
			usleep(10000);
		}
		if (i == 1000 && !failed++)
			printf("rmmod %s %s\n", name, strerrorname_np(errno));
	}
	if (!failed)
		printf("rmmod 0\n");
}

static void do_disable(char *args)
{
	char *name = strtok(args, " \t\n"), path[256];
	long long end = now_us() + 60000000LL;
	int fd;

	if (!name) {
		printf("disable - EINVAL\n");
		return;
	}
	snprintf(path, sizeof(path), KLP "/%s/enabled", name);
	fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, "0", 1) != 1) {
		printf("disable %s %s\n", name, strerrorname_np(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	close(fd);
	snprintf(path, sizeof(path), KLP "/%s", name);
	while (exists(path) && now_us() < end)
		usleep(200);
	printf("disable %s %s\n", name, exists(path) ? "ETIMEDOUT" : "0");
}

int main(void)
{
	char line[4096];

	setvbuf(stdout, NULL, _IOLBF, 0);
	while (fgets(line, sizeof(line), stdin)) {
		if (!strncmp(line, "load ", 5))
			do_load(line + 5);
		else if (!strncmp(line, "rmmod ", 6))
			do_rmmod(line + 6);
		else if (!strncmp(line, "disable ", 8))
			do_disable(line + 8);
		else if (line[0] != '\n' && line[0] != '#')
			printf("error unknown command: %s", line);
	}
	return 0;
}
