// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tests/live/live_net.c: lo_filter and dropmon on the running kernel.
 * lo_filter: UDP datagrams over loopback must be counted as "lo", frames
 * sent over a veth pair inside a private network namespace (created here,
 * never touching real interfaces or addresses) as filtered out.
 * dropmon: datagrams sent to a closed UDP port must be counted as drops
 * with reason SKB_DROP_REASON_NO_SOCKET (value read from the kernel's BTF).
 * Each program filters on an skb length only this test produces.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "live_util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
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

static int udp_socket_on_lo(struct sockaddr_in *addr)
{
	socklen_t len = sizeof(*addr);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	assert_true(fd >= 0);
	memset(addr, 0, sizeof(*addr));
	addr->sin_family = AF_INET;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)addr, sizeof(*addr)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)addr, &len), 0);
	return fd;
}

/* Send @n datagrams of @size bytes to @to from an unconnected socket. */
static void udp_send(const struct sockaddr_in *to, size_t size, int n)
{
	static char payload[2048];
	int fd = socket(AF_INET, SOCK_DGRAM, 0), i;

	assert_true(fd >= 0);
	for (i = 0; i < n; i++)
		assert_int_equal(sendto(fd, payload, size, 0, (const struct sockaddr *)to,
					sizeof(*to)), (ssize_t)size);
	close(fd);
}

/*
 * In a child with its own network namespace: create veth pair uzva/uzvb,
 * bring both up and send @n raw frames whose payload is @len bytes out of
 * uzva; the kernel receives them on uzvb (netif_receive_skb, skb->len @len).
 */
static int veth_child(int n, size_t len)
{
	unsigned char frame[ETH_HLEN + 2048];
	struct sockaddr_ll ll = { 0 };
	int fd, i;

	if (unshare(CLONE_NEWNET))
		return 10;
	if (system("ip link add uzva type veth peer name uzvb && "
		   "ip link set uzva up && ip link set uzvb up"))
		return 11;
	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (fd < 0)
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
	for (i = 0; i < n; i++)
		if (sendto(fd, frame, ETH_HLEN + len, 0, (struct sockaddr *)&ll,
			   sizeof(ll)) != (ssize_t)(ETH_HLEN + len))
			return 13;
	live_sleep_ms(200);	/* let the receive backlog drain before the netns goes */
	close(fd);
	return 0;
}

static void test_lo_filter(void **state)
{
	struct lo_filter_config cfg = { .match_len = LO_LEN, .enabled = 1 };
	char buf[2048];
	struct sockaddr_in addr;
	struct uz_runner r;
	int rx, i, status;
	pid_t pid;

	(void)state;
	live_start(&r, "lo_filter");
	assert_int_equal(uz_runner_set_config(&r, "config", &cfg), 0);

	rx = udp_socket_on_lo(&addr);
	udp_send(&addr, LO_PAYLOAD, LO_COUNT);
	for (i = 0; i < LO_COUNT; i++)
		assert_int_equal(recv(rx, buf, sizeof(buf), 0), LO_PAYLOAD);
	close(rx);

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(veth_child(VETH_COUNT, LO_LEN));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status))
		fail_msg("veth child failed with %d (10 unshare, 11 ip link, 12 socket, 13 send)",
			 WEXITSTATUS(status));

	print_message("lo: %llu packets %llu bytes; other: %llu packets %llu bytes\n",
		      uz_runner_array_u64(&r, "stats", LO_PACKETS),
		      uz_runner_array_u64(&r, "stats", LO_BYTES),
		      uz_runner_array_u64(&r, "stats", OTHER_PACKETS),
		      uz_runner_array_u64(&r, "stats", OTHER_BYTES));
	assert_int_equal(uz_runner_array_u64(&r, "stats", LO_PACKETS), LO_COUNT);
	assert_int_equal(uz_runner_array_u64(&r, "stats", LO_BYTES), LO_COUNT * LO_LEN);
	assert_int_equal(uz_runner_array_u64(&r, "stats", OTHER_PACKETS), VETH_COUNT);
	assert_int_equal(uz_runner_array_u64(&r, "stats", OTHER_BYTES), VETH_COUNT * LO_LEN);
	uz_runner_close(&r);
}

/* SKB_DROP_REASON_NO_SOCKET as the running kernel defines it. */
static long kernel_no_socket_reason(void)
{
	struct btf *btf = btf__load_vmlinux_btf();
	const struct btf_enum *e;
	const struct btf_type *t;
	long val = -1;
	int id, i;

	assert_non_null(btf);
	id = btf__find_by_name_kind(btf, "skb_drop_reason", BTF_KIND_ENUM);
	assert_true(id > 0);
	t = btf__type_by_id(btf, id);
	e = btf_enum(t);
	for (i = 0; i < btf_vlen(t); i++, e++)
		if (!strcmp(btf__name_by_offset(btf, e->name_off), "SKB_DROP_REASON_NO_SOCKET"))
			val = e->val;
	btf__free(btf);
	assert_true(val >= 0);
	return val;
}

static void test_dropmon_closed_port(void **state)
{
	struct dropmon_config cfg = { .match_len = DROP_LEN, .enabled = 1 };
	struct dropmon_row rows[8];
	struct sockaddr_in addr;
	struct uz_runner r;
	long reason = kernel_no_socket_reason();
	size_t n, i;
	int fd;

	(void)state;
	live_start(&r, "dropmon");
	assert_int_equal(uz_runner_set_config(&r, "config", &cfg), 0);

	/* A port that was just free: bind, learn it, close. */
	fd = udp_socket_on_lo(&addr);
	close(fd);
	udp_send(&addr, DROP_PAYLOAD, DROP_COUNT);
	live_sleep_ms(100);

	n = dropmon_collect(&r, rows, 8);
	for (i = 0; i < n; i++)
		print_message("drop location 0x%llx reason %u: %llu\n",
			      (unsigned long long)rows[i].key.location, rows[i].key.reason,
			      rows[i].count);
	assert_int_equal(uz_runner_array_u64(&r, "totals", DROPMON_DROPS), DROP_COUNT);
	assert_int_equal(uz_runner_array_u64(&r, "totals", DROPMON_NO_SOCKET), DROP_COUNT);
	assert_int_equal(uz_runner_array_u64(&r, "totals", DROPMON_BYTES),
			 DROP_COUNT * DROP_LEN);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].count, DROP_COUNT);
	assert_int_equal(rows[0].key.reason, reason);
	assert_true(rows[0].key.location != 0);
	uz_runner_close(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lo_filter),
		cmocka_unit_test(test_dropmon_closed_port),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
