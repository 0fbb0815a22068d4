// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tests/checks/check_net.c: the network samples' checks.
 * lo_filter: UDP datagrams over loopback must be counted as "lo"; frames
 * sent over a veth pair inside a private network namespace (created here,
 * never touching real interfaces) as filtered out.
 * dropmon: datagrams sent to a closed UDP port must be counted as drops with
 * reason SKB_DROP_REASON_NO_SOCKET, whose value is read from this kernel's
 * BTF by libbpf (it differs between kernels).
 * Each program filters on an skb length only these checks produce.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "checks.h"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/btf.h>

#define LO_PAYLOAD 777			/* skb->len at receive: IP + UDP + payload */
#define LO_LEN (20 + 8 + LO_PAYLOAD)
#define LO_COUNT 25
#define VETH_COUNT 15
#define DROP_PAYLOAD 1234		/* skb->len at the drop: UDP + payload */
#define DROP_LEN (8 + DROP_PAYLOAD)
#define DROP_COUNT 20

/* A UDP socket bound to an ephemeral port on 127.0.0.1; -1 on error. */
static int udp_socket_on_lo(struct uzc *c, struct sockaddr_in *addr)
{
	socklen_t len = sizeof(*addr);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	memset(addr, 0, sizeof(*addr));
	addr->sin_family = AF_INET;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)addr, sizeof(*addr)) ||
	    getsockname(fd, (struct sockaddr *)addr, &len)) {
		uzc_fail(c, "cannot bind a UDP socket on 127.0.0.1 (is lo up?)");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* Send @n datagrams of @size bytes to @to; the number sent. */
static int udp_send(const struct sockaddr_in *to, size_t size, int n)
{
	static char payload[2048];
	int fd = socket(AF_INET, SOCK_DGRAM, 0), i;

	if (fd < 0)
		return 0;
	for (i = 0; i < n; i++)
		if (sendto(fd, payload, size, 0, (const struct sockaddr *)to, sizeof(*to)) !=
		    (ssize_t)size)
			break;
	close(fd);
	return i;
}

/* Frames of exactly @want bytes that arrive on @rx within @ms milliseconds (up to @max). */
static int count_frames(int rx, size_t want, int max, unsigned int ms)
{
	unsigned char buf[ETH_HLEN + 2048];
	uint64_t until = uzc_now_ns() + (uint64_t)ms * 1000000u;
	int got = 0;
	ssize_t n;

	while (got < max && uzc_now_ns() < until) {
		n = recv(rx, buf, sizeof(buf), 0);
		if (n == (ssize_t)want)
			got++;
	}
	return got;
}

/*
 * In a child with its own network namespace: veth pair uzva/uzvb, both up,
 * @n raw frames of @len payload bytes out of uzva, received on uzvb
 * (netif_receive_skb with skb->len == @len). A new link drops what it is
 * sent until the kernel has activated it, so probe frames of another length
 * (which the program ignores) go first, until one arrives; then the @n
 * frames are sent and all of them must arrive (a packet socket on uzvb
 * counts them). Exit codes are explained by check_lo_filter().
 */
static int veth_child(struct uzc *c, int n, size_t len)
{
	unsigned char frame[ETH_HLEN + 2048];
	struct sockaddr_ll ll = { 0 }, rl = { 0 };
	struct timeval tmo = { .tv_usec = 20000 };
	int fd, rx, i;

	if (unshare(CLONE_NEWNET))
		return 10;
	if (uzc_veth_pair(c, "uzva", "uzvb"))
		return 11;
	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	rx = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (fd < 0 || rx < 0)
		return 12;
	rl.sll_family = AF_PACKET;
	rl.sll_protocol = htons(ETH_P_ALL);
	rl.sll_ifindex = (int)if_nametoindex("uzvb");
	if (bind(rx, (struct sockaddr *)&rl, sizeof(rl)) ||
	    setsockopt(rx, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo)))
		return 12;
	ll.sll_family = AF_PACKET;
	ll.sll_ifindex = (int)if_nametoindex("uzva");
	ll.sll_halen = ETH_ALEN;
	memset(ll.sll_addr, 0xff, ETH_ALEN);
	memset(frame, 0, sizeof(frame));
	memset(frame, 0xff, ETH_ALEN);			/* broadcast */
	frame[6] = 0x02;				/* locally administered source */
	frame[12] = 0x88;				/* ETH_P_802_EX1: local experiments */
	frame[13] = 0xb5;
	for (i = 0; i < 250; i++) {			/* probes: up to ~5 s */
		if (sendto(fd, frame, ETH_HLEN + len + 1, 0, (struct sockaddr *)&ll,
			   sizeof(ll)) != (ssize_t)(ETH_HLEN + len + 1))
			return 13;
		if (count_frames(rx, ETH_HLEN + len + 1, 1, 20))
			break;
	}
	if (i == 250)
		return 14;
	count_frames(rx, 0, 1000, 50);			/* drain late probes */
	for (i = 0; i < n; i++)
		if (sendto(fd, frame, ETH_HLEN + len, 0, (struct sockaddr *)&ll,
			   sizeof(ll)) != (ssize_t)(ETH_HLEN + len))
			return 13;
	if (count_frames(rx, ETH_HLEN + len, n, 3000) != n)
		return 15;
	close(rx);
	close(fd);
	return 0;
}

void check_lo_filter(struct uzc *c)
{
	struct lo_filter_config cfg = { .match_len = LO_LEN, .enabled = 1 };
	struct timeval tmo = { .tv_sec = 5 };
	char buf[2048];
	struct sockaddr_in addr;
	struct uz_runner r;
	int rx, i, status, got = 0;
	pid_t pid;

	uzc_link_up("lo");
	if (!uzc_start(c, &r, "lo_filter"))
		return;
	if (uz_runner_set_config(&r, "config", &cfg))
		uzc_fail(c, "cannot write the config map");
	rx = udp_socket_on_lo(c, &addr);
	if (rx < 0)
		goto out;
	uzc_eq(c, "datagrams sent over lo", udp_send(&addr, LO_PAYLOAD, LO_COUNT), LO_COUNT);
	setsockopt(rx, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo));
	for (i = 0; i < LO_COUNT; i++)
		got += recv(rx, buf, sizeof(buf), 0) == LO_PAYLOAD;
	close(rx);
	uzc_eq(c, "datagrams received over lo", got, LO_COUNT);

	fflush(c->log);
	pid = fork();
	if (pid < 0) {
		uzc_fail(c, "fork failed");
		goto out;
	}
	if (pid == 0)
		_exit(veth_child(c, VETH_COUNT, LO_LEN));
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
		uzc_fail(c, "veth child failed with status 0x%x (exit 10 unshare, 11 veth pair, "
			 "12 packet socket, 13 send, 14 link never came up, 15 frames lost)", status);
		goto out;
	}
	uzc_eq(c, "lo packets", (long long)uz_runner_array_u64(&r, "stats", LO_PACKETS),
	       LO_COUNT);
	uzc_eq(c, "lo bytes", (long long)uz_runner_array_u64(&r, "stats", LO_BYTES),
	       LO_COUNT * LO_LEN);
	uzc_eq(c, "other (veth) packets",
	       (long long)uz_runner_array_u64(&r, "stats", OTHER_PACKETS), VETH_COUNT);
	uzc_eq(c, "other (veth) bytes", (long long)uz_runner_array_u64(&r, "stats", OTHER_BYTES),
	       VETH_COUNT * LO_LEN);
out:
	uz_runner_close(&r);
}

/*
 * SKB_DROP_REASON_NO_SOCKET as the kernel defines it, read by libbpf from
 * the same types the sample is relocated against (uzc_btf(): the archive
 * entry in use, c->target, or the kernel's BTF); -1 when the kernel has no such enumerator (before
 * 5.17), -2 when those types cannot be read.
 */
static long kernel_no_socket_reason(struct uzc *c)
{
	struct btf *btf = uzc_btf(c);
	const struct btf_enum *e;
	const struct btf_type *t;
	long val = -1;
	int id, i;

	if (!btf)
		return -2;
	id = btf__find_by_name_kind(btf, "skb_drop_reason", BTF_KIND_ENUM);
	if (id > 0) {
		t = btf__type_by_id(btf, id);
		e = btf_enum(t);
		for (i = 0; i < btf_vlen(t); i++, e++)
			if (!strcmp(btf__name_by_offset(btf, e->name_off),
				    "SKB_DROP_REASON_NO_SOCKET"))
				val = e->val;
	}
	btf__free(btf);
	return val;
}

void check_dropmon(struct uzc *c)
{
	struct dropmon_config cfg = { .match_len = DROP_LEN, .enabled = 1 };
	struct dropmon_row rows[8];
	struct sockaddr_in addr;
	struct uz_runner r;
	long reason = kernel_no_socket_reason(c);
	size_t n, i;
	int fd;

	if (reason == -2) {
		uzc_fail(c, "libbpf cannot read %s", c->types ? "the archive entry's BTF" :
			 c->target ? c->target : "this kernel's BTF");
		return;
	}
	/*
	 * Before 5.17 there is no drop reason: the program's guarded reads
	 * (field exists, enumerator exists) must take their old-kernel branch,
	 * so every drop is counted with reason 0 and none as NO_SOCKET.
	 */
	fprintf(c->log, "%s dropmon %s\n", UZC_TAG_PATH, reason < 0 ? "fallback" : "direct");
	if (reason < 0)
		uzc_note(c, "this kernel has no enum skb_drop_reason (before 5.17): drops "
			 "must be counted with reason 0");
	uzc_link_up("lo");
	if (!uzc_start(c, &r, "dropmon"))
		return;
	if (uz_runner_set_config(&r, "config", &cfg))
		uzc_fail(c, "cannot write the config map");
	/* A port that was just free: bind, learn it, close. */
	fd = udp_socket_on_lo(c, &addr);
	if (fd < 0)
		goto out;
	close(fd);
	uzc_eq(c, "datagrams sent to the closed port", udp_send(&addr, DROP_PAYLOAD, DROP_COUNT),
	       DROP_COUNT);
	uzc_sleep_ms(100);

	n = dropmon_collect(&r, rows, 8);
	for (i = 0; i < n; i++)
		uzc_note(c, "drop location 0x%llx reason %u: %llu",
			 (unsigned long long)rows[i].key.location, rows[i].key.reason,
			 rows[i].count);
	uzc_eq(c, "drops", (long long)uz_runner_array_u64(&r, "totals", DROPMON_DROPS),
	       DROP_COUNT);
	uzc_eq(c, "drops with reason NO_SOCKET",
	       (long long)uz_runner_array_u64(&r, "totals", DROPMON_NO_SOCKET),
	       reason < 0 ? 0 : DROP_COUNT);
	uzc_eq(c, "dropped bytes", (long long)uz_runner_array_u64(&r, "totals", DROPMON_BYTES),
	       DROP_COUNT * DROP_LEN);
	if (!uzc_eq(c, "drop locations", (long long)n, 1))
		goto out;
	uzc_eq(c, "drops at that location", (long long)rows[0].count, DROP_COUNT);
	uzc_eq(c, reason < 0 ? "reason (none before 5.17)" :
	       "reason (SKB_DROP_REASON_NO_SOCKET in this kernel's BTF)", rows[0].key.reason,
	       reason < 0 ? 0 : reason);
	uzc_true(c, "drop location is a kernel address", rows[0].key.location != 0);
out:
	uz_runner_close(&r);
}
