// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tests/checks/check_tpfork.c: tpfork's check. The test process forks one
 * child once the program filters on its pid; the record must name this
 * process as the parent and the child by its pid, exactly once.
 */
#include "checks.h"
#include "tpfork.h"

#include <bpf/bpf.h>
#include <sys/wait.h>
#include <unistd.h>

void check_tpfork(struct uzc *c)
{
	struct tpfork_config cfg = { 0 };
	struct tpfork_result res = { 0 };
	struct uz_runner r;
	__u32 zero = 0;
	int status;
	pid_t pid;

	if (!uzc_start(c, &r, "tpfork"))
		return;
	cfg.parent = (__u32)getpid();
	cfg.enabled = 1;
	if (uz_runner_set_config(&r, "config", &cfg)) {
		uzc_fail(c, "cannot write the config map");
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		uzc_fail(c, "fork failed");
		goto out;
	}
	if (pid == 0)
		_exit(0);
	if (waitpid(pid, &status, 0) != pid) {
		uzc_fail(c, "waitpid failed");
		goto out;
	}
	if (bpf_map_lookup_elem(uz_runner_map_fd(&r, "result"), &zero, &res)) {
		uzc_fail(c, "cannot read the result map");
		goto out;
	}
	uzc_eq(c, "fork records of this process", res.hits, 1);
	uzc_eq(c, "parent pid in the record", res.parent_pid, getpid());
	uzc_eq(c, "child pid in the record", res.child_pid, pid);
out:
	uz_runner_close(&r);
}
