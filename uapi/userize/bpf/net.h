/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * uapi/userize/bpf/net.h: networking views (sk_buff, net_device, sock with its
 * sock_common reached through dotted aliases) and their helpers.
 * Fields are only ever added (docs/uapi.md lists the kernels each resolves on).
 */
#ifndef __USERIZE_NET_H
#define __USERIZE_NET_H

#include "view.h"

#define UZ_IFNAMSIZ 16

struct net_device_user {
	char name[UZ_IFNAMSIZ];
	int ifindex;
	unsigned int mtu;
	unsigned int flags;
} UZ_VIEW UZ_KERNEL("net_device");

struct sock_user {
	/* All sock_common fields, reached through the embedded __sk_common. */
	unsigned short family UZ_ALIAS("__sk_common.skc_family");
	/* Local port, host byte order. */
	unsigned short num UZ_ALIAS("__sk_common.skc_num");
	/* Remote port, network byte order. */
	unsigned short dport UZ_ALIAS("__sk_common.skc_dport");
	/* IPv4 addresses, network byte order. */
	unsigned int rcv_saddr UZ_ALIAS("__sk_common.skc_rcv_saddr");
	unsigned int daddr UZ_ALIAS("__sk_common.skc_daddr");
	/* Bitfield before 5.6, u16 since: read with UZ_READ_INT(). */
	unsigned short protocol UZ_ALIAS("sk_protocol");
	unsigned short type UZ_ALIAS("sk_type");
} UZ_VIEW UZ_KERNEL("sock");

struct sk_buff_user {
	unsigned int len;
	unsigned int data_len;
	/* Network byte order (ETH_P_* as on the wire). */
	unsigned short protocol;
	unsigned int mark;
	unsigned int priority;
	int skb_iif;
	struct net_device_user *dev;
	struct sock_user *sk;
} UZ_VIEW UZ_KERNEL("sk_buff");

static __always_inline unsigned int uz_skb_len(struct sk_buff_user *skb)
{
	return (unsigned int)UZ_READ_INT(skb, len);
}

static __always_inline struct net_device_user *uz_skb_dev(struct sk_buff_user *skb)
{
	return UZ_READ_PTR(skb, dev);
}

/* Copy the device name of @skb into @buf (UZ_IFNAMSIZ); 0 if no device. */
static __always_inline long uz_skb_dev_name(struct sk_buff_user *skb, char *buf)
{
	struct net_device_user *dev = uz_skb_dev(skb);

	if (!dev) {
		buf[0] = 0;
		return 0;
	}
	return UZ_READ_STR(buf, UZ_IFNAMSIZ, dev, name);
}

static __always_inline int uz_skb_ifindex(struct sk_buff_user *skb)
{
	struct net_device_user *dev = uz_skb_dev(skb);

	return dev ? (int)UZ_READ_INT(dev, ifindex) : 0;
}

static __always_inline unsigned short uz_sock_family(struct sock_user *sk)
{
	return (unsigned short)UZ_READ_INT(sk, family);
}

static __always_inline unsigned short uz_sock_protocol(struct sock_user *sk)
{
	return (unsigned short)UZ_READ_INT(sk, protocol);
}

/* Local port in host order, remote port converted to host order. */
static __always_inline unsigned short uz_sock_sport(struct sock_user *sk)
{
	return (unsigned short)UZ_READ_INT(sk, num);
}

static __always_inline unsigned short uz_sock_dport(struct sock_user *sk)
{
	return __builtin_bswap16((unsigned short)UZ_READ_INT(sk, dport));
}

#endif /* __USERIZE_NET_H */
