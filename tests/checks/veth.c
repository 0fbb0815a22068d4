// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tests/checks/veth.c: create a veth pair over rtnetlink and bring it up,
 * so the network checks need no `ip` binary (a guest has only busybox).
 */
#include "checks.h"

#include <errno.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

struct nlbuf {
	unsigned char data[1024];
	size_t len;
};

/* Append attribute @type with @len bytes of @val; returns its offset. */
static size_t nl_put(struct nlbuf *b, unsigned short type, const void *val, size_t len)
{
	struct rtattr *a = (struct rtattr *)(b->data + b->len);
	size_t off = b->len;

	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(a), val, len);
	b->len += RTA_ALIGN(a->rta_len);
	return off;
}

/* Close a nested attribute opened at @off. */
static void nl_end(struct nlbuf *b, size_t off)
{
	((struct rtattr *)(b->data + off))->rta_len = (unsigned short)(b->len - off);
}

int uzc_link_up(const char *name)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM, 0), ret = 0;

	if (fd < 0)
		return -errno;
	strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
		ret = -errno;
	} else {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
			ret = -errno;
	}
	close(fd);
	return ret;
}

/* Wait up to 5 s for @name to report IFF_RUNNING. */
static bool wait_running(const char *name)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM, 0), i;
	bool up = false;

	if (fd < 0)
		return false;
	strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
	for (i = 0; i < 500 && !up; i++) {
		up = ioctl(fd, SIOCGIFFLAGS, &ifr) == 0 && (ifr.ifr_flags & IFF_RUNNING);
		if (!up)
			uzc_sleep_ms(10);
	}
	close(fd);
	return up;
}

int uzc_veth_pair(struct uzc *c, const char *a, const char *b)
{
	struct nlbuf m = { .len = NLMSG_LENGTH(sizeof(struct ifinfomsg)) };
	struct nlmsghdr *h = (struct nlmsghdr *)m.data;
	struct ifinfomsg peer = { .ifi_family = AF_UNSPEC };
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	union {
		struct nlmsghdr h;
		unsigned char raw[512];
	} ack;
	size_t info, data, pinfo;
	ssize_t n;
	int fd, ret;

	h->nlmsg_type = RTM_NEWLINK;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK;
	h->nlmsg_seq = 1;
	((struct ifinfomsg *)NLMSG_DATA(h))->ifi_family = AF_UNSPEC;
	nl_put(&m, IFLA_IFNAME, a, strlen(a) + 1);
	info = nl_put(&m, IFLA_LINKINFO, NULL, 0);
	nl_put(&m, IFLA_INFO_KIND, "veth", 5);
	data = nl_put(&m, IFLA_INFO_DATA, NULL, 0);
	pinfo = nl_put(&m, VETH_INFO_PEER, &peer, sizeof(peer));
	nl_put(&m, IFLA_IFNAME, b, strlen(b) + 1);
	nl_end(&m, pinfo);
	nl_end(&m, data);
	nl_end(&m, info);
	h->nlmsg_len = (unsigned int)m.len;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0) {
		ret = -errno;
		uzc_note(c, "netlink socket: %s", strerror(-ret));
		return ret;
	}
	if (sendto(fd, m.data, m.len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		ret = -errno;
		uzc_note(c, "netlink send: %s", strerror(-ret));
		close(fd);
		return ret;
	}
	n = recv(fd, ack.raw, sizeof(ack.raw), 0);
	close(fd);
	if (n < (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr)) || ack.h.nlmsg_type != NLMSG_ERROR) {
		uzc_note(c, "netlink: no acknowledgement for the veth request");
		return -EPROTO;
	}
	ret = ((struct nlmsgerr *)NLMSG_DATA(&ack.h))->error;
	if (ret) {
		uzc_note(c, "creating veth pair %s/%s: %s (is the veth module loaded?)", a, b,
			 strerror(-ret));
		return ret;
	}
	ret = uzc_link_up(a);
	if (!ret)
		ret = uzc_link_up(b);
	if (ret) {
		uzc_note(c, "bringing %s/%s up: %s", a, b, strerror(-ret));
		return ret;
	}
	/*
	 * The kernel activates the queueing discipline from its link-watch
	 * work, up to a second after the carrier comes on; frames sent before
	 * that are dropped. IFF_RUNNING is set by the same work.
	 */
	if (!wait_running(a) || !wait_running(b)) {
		uzc_note(c, "veth pair %s/%s did not come up within 5 s", a, b);
		return -ETIMEDOUT;
	}
	return 0;
}
