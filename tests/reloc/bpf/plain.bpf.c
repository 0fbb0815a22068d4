// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * plain.bpf.c: a socket filter with no CO-RE records, compiled without -g
 * (so without .BTF and .BTF.ext): what a generic loader may be handed.
 * `userize reloc` must pass it through byte for byte.
 */
char LICENSE[] __attribute__((section("license"), used)) = "GPL";

__attribute__((section("socket"), used)) int accept_all(void *skb)
{
	(void)skb;
	return -1;
}
