/* sentry/socket/netif.c: the sandbox's interfaces (`lo` only: the default
 * --network=none view), the SIOCGIF* ioctls any socket answers, and the
 * text of /proc/net/dev and /proc/net/if_inet6.
 *
 * `lo` is described statically, as Linux shows it: index 1, flags
 * UP|LOOPBACK|RUNNING (plus LOWER_UP in netlink), MTU 65536, txqueuelen
 * 1000, 127.0.0.1/8 and ::1/128 of host scope, ARPHRD_LOOPBACK with an
 * all-zero address, qdisc noqueue. Nothing here may be changed from inside:
 * SIOCSIF* answer EPERM (the sandbox holds no CAP_NET_ADMIN over its view).
 */
#include "sentry/socket/netif.h"

#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <stdio.h>
#include <string.h>

#include "sentry/kernel/kernel.h"
#include "sentry/socket/socket.h"

static const struct netif_addr lo_addrs[] = {
    { AF_INET, { 127, 0, 0, 1 }, 8, RT_SCOPE_HOST },
    { AF_INET6, { [15] = 1 }, 128, RT_SCOPE_HOST },
};

static const struct netif ifaces[] = {
    {
        .name = "lo",
        .index = 1,
        .flags = IFF_UP | IFF_LOOPBACK | IFF_RUNNING,
        .mtu = 65536,
        .txqlen = 1000,
        .type = ARPHRD_LOOPBACK,
        .qdisc = "noqueue",
        .operstate = "unknown",
        .naddrs = 2,
        .addrs = lo_addrs,
    },
};

int netif_count(void)
{
    return (int)SB_ARRAY_SIZE(ifaces);
}

const struct netif *netif_at(int i)
{
    return i >= 0 && i < netif_count() ? &ifaces[i] : NULL;
}

const struct netif *netif_by_name(const char *name)
{
    for (int i = 0; i < netif_count(); i++)
        if (!strcmp(ifaces[i].name, name))
            return &ifaces[i];
    return NULL;
}

const struct netif *netif_by_index(int index)
{
    for (int i = 0; i < netif_count(); i++)
        if (ifaces[i].index == index)
            return &ifaces[i];
    return NULL;
}

static const struct netif_addr *first_inet(const struct netif *nif)
{
    for (int i = 0; i < nif->naddrs; i++)
        if (nif->addrs[i].family == AF_INET)
            return &nif->addrs[i];
    return NULL;
}

static void put_sin(struct sockaddr *sa, const uint8_t *a4)
{
    struct sockaddr_in sin = { .sin_family = AF_INET };

    if (a4)
        memcpy(&sin.sin_addr, a4, 4);
    memcpy(sa, &sin, sizeof(sin));
}

/* The kernel's struct ifconf on x86-64: int, padding, pointer. */
struct k_ifconf {
    int32_t len;
    int32_t pad;
    uint64_t buf;
};

static long ifconf(struct task *t, uint64_t arg)
{
    struct k_ifconf c;
    uint64_t pos;
    int done = 0;

    if (mm_copy_in(t->mm, &c, arg, sizeof(c)))
        return -EFAULT;
    pos = c.buf;
    for (int i = 0; i < netif_count(); i++) {
        const struct netif *nif = &ifaces[i];
        const struct netif_addr *a = first_inet(nif);
        struct ifreq r;

        if (!a)
            continue;
        if (!c.buf) {
            done += (int)sizeof(r);
            continue;
        }
        if (c.len - done < (int)sizeof(r))
            break;
        memset(&r, 0, sizeof(r));
        snprintf(r.ifr_name, sizeof(r.ifr_name), "%s", nif->name);
        put_sin(&r.ifr_addr, a->addr);
        if (mm_copy_out(t->mm, pos, &r, sizeof(r)))
            return -EFAULT;
        pos += sizeof(r);
        done += (int)sizeof(r);
    }
    c.len = done;
    if (mm_copy_out(t->mm, arg, &c.len, sizeof(c.len)))
        return -EFAULT;
    return 0;
}

static bool is_set_cmd(unsigned cmd)
{
    switch (cmd) {
    case SIOCADDRT:
    case SIOCDELRT:
    case SIOCSIFLINK:
    case SIOCSIFFLAGS:
    case SIOCSIFADDR:
    case SIOCSIFDSTADDR:
    case SIOCSIFBRDADDR:
    case SIOCSIFNETMASK:
    case SIOCSIFMETRIC:
    case SIOCSIFMEM:
    case SIOCSIFMTU:
    case SIOCSIFNAME:
    case SIOCSIFHWADDR:
    case SIOCADDMULTI:
    case SIOCDELMULTI:
    case SIOCSIFPFLAGS:
    case SIOCDIFADDR:
    case SIOCSIFHWBROADCAST:
    case SIOCSIFBR:
    case SIOCSIFTXQLEN:
    case SIOCSIFMAP:
    case SIOCDARP:
    case SIOCSARP:
    case SIOCDRARP:
    case SIOCSRARP:
    case SIOCADDDLCI:
    case SIOCDELDLCI:
    case SIOCBONDENSLAVE:
    case SIOCBONDRELEASE:
    case SIOCBRADDBR:
    case SIOCBRDELBR:
    case SIOCBRADDIF:
    case SIOCBRDELIF:
        return true;
    }
    return false;
}

/* Per-interface reads every socket family answers (Linux: dev_ioctl). */
static bool is_dev_get(unsigned cmd)
{
    switch (cmd) {
    case SIOCGIFFLAGS:
    case SIOCGIFMETRIC:
    case SIOCGIFMTU:
    case SIOCGIFHWADDR:
    case SIOCGIFINDEX:
    case SIOCGIFTXQLEN:
    case SIOCGIFMAP:
        return true;
    }
    return false;
}

/* IPv4 address reads: AF_INET sockets only (Linux: devinet_ioctl). */
static bool is_inet_get(unsigned cmd)
{
    return cmd == SIOCGIFADDR || cmd == SIOCGIFDSTADDR || cmd == SIOCGIFBRDADDR ||
           cmd == SIOCGIFNETMASK;
}

static long dev_get(const struct netif *nif, unsigned cmd, struct ifreq *r)
{
    switch (cmd) {
    case SIOCGIFFLAGS:
        r->ifr_flags = (short)(nif->flags & 0xffff);
        return 0;
    case SIOCGIFMETRIC:
        r->ifr_metric = 0;
        return 0;
    case SIOCGIFMTU:
        r->ifr_mtu = (int)nif->mtu;
        return 0;
    case SIOCGIFHWADDR:
        memset(&r->ifr_hwaddr, 0, sizeof(r->ifr_hwaddr));
        r->ifr_hwaddr.sa_family = nif->type;
        memcpy(r->ifr_hwaddr.sa_data, nif->hwaddr, sizeof(nif->hwaddr));
        return 0;
    case SIOCGIFINDEX:
        r->ifr_ifindex = nif->index;
        return 0;
    case SIOCGIFTXQLEN:
        r->ifr_qlen = (int)nif->txqlen;
        return 0;
    case SIOCGIFMAP:
        memset(&r->ifr_map, 0, sizeof(r->ifr_map));
        return 0;
    }
    return -ENOTTY;
}

static long inet_get(const struct netif *nif, unsigned cmd, struct ifreq *r)
{
    const struct netif_addr *a = first_inet(nif);
    uint8_t mask[4] = { 0 };

    if (!a)
        return -EADDRNOTAVAIL;
    switch (cmd) {
    case SIOCGIFADDR:
    case SIOCGIFDSTADDR: /* Linux gives the local address for both */
        put_sin(&r->ifr_addr, a->addr);
        return 0;
    case SIOCGIFBRDADDR: /* none on lo: 0.0.0.0, as Linux */
        put_sin(&r->ifr_broadaddr, NULL);
        return 0;
    case SIOCGIFNETMASK:
        for (int i = 0; i < a->prefix && i < 32; i++)
            mask[i / 8] |= (uint8_t)(0x80 >> (i % 8));
        put_sin(&r->ifr_netmask, mask);
        return 0;
    }
    return -ENOTTY;
}

long netif_ioctl(struct task *t, struct socket *s, unsigned cmd, uint64_t arg, bool *handled)
{
    const struct netif *nif;
    struct ifreq r;
    char *colon;
    long ret;

    *handled = true;
    if (cmd == SIOCGIFCONF)
        return ifconf(t, arg);
    if (is_set_cmd(cmd))
        return -EPERM;
    if (cmd != SIOCGIFNAME && !is_dev_get(cmd) && !is_inet_get(cmd)) {
        *handled = false;
        return -ENOTTY;
    }
    if (is_inet_get(cmd) && s->family != AF_INET)
        return -ENOTTY; /* as Linux for AF_UNIX, AF_INET6, AF_NETLINK */
    if (mm_copy_in(t->mm, &r, arg, sizeof(r)))
        return -EFAULT;
    r.ifr_name[IFNAMSIZ - 1] = 0;
    if (cmd == SIOCGIFNAME) {
        if (!(nif = netif_by_index(r.ifr_ifindex)))
            return -ENODEV;
        memset(r.ifr_name, 0, sizeof(r.ifr_name));
        snprintf(r.ifr_name, sizeof(r.ifr_name), "%s", nif->name);
        return mm_copy_out(t->mm, arg, &r, sizeof(r)) ? -EFAULT : 0;
    }
    if (is_inet_get(cmd)) {
        /* The name is an address label; `lo` has no aliases. */
        if (!(nif = netif_by_name(r.ifr_name)))
            return -ENODEV;
        ret = inet_get(nif, cmd, &r);
    } else {
        /* "lo:1" names the device lo, as Linux's dev_ioctl. */
        if ((colon = strchr(r.ifr_name, ':')))
            *colon = 0;
        if (!(nif = netif_by_name(r.ifr_name)))
            return -ENODEV;
        ret = dev_get(nif, cmd, &r);
        if (colon)
            *colon = ':';
    }
    if (ret < 0)
        return ret;
    return mm_copy_out(t->mm, arg, &r, sizeof(r)) ? -EFAULT : 0;
}

void netif_proc_dev(void (*emit)(void *arg, const char *line), void *arg)
{
    char line[256];

    emit(arg, "Inter-|   Receive                                                |  Transmit\n");
    emit(arg, " face |bytes    packets errs drop fifo frame compressed multicast|"
              "bytes    packets errs drop fifo colls carrier compressed\n");
    for (int i = 0; i < netif_count(); i++) {
        snprintf(line, sizeof(line),
                 "%6s:%8u %7u %4u %4u %4u %5u %10u %9u %8u %7u %4u %4u %4u %5u %7u %10u\n",
                 ifaces[i].name, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        emit(arg, line);
    }
}

void netif_proc_if_inet6(void (*emit)(void *arg, const char *line), void *arg)
{
    char line[128], hex[33];

    for (int i = 0; i < netif_count(); i++) {
        const struct netif *nif = &ifaces[i];
        for (int j = 0; j < nif->naddrs; j++) {
            const struct netif_addr *a = &nif->addrs[j];
            if (a->family != AF_INET6)
                continue;
            for (int k = 0; k < 16; k++)
                snprintf(hex + 2 * k, 3, "%02x", a->addr[k]);
            /* scope: IPV6_ADDR_LOOPBACK (0x10); flags: IFA_F_PERMANENT */
            snprintf(line, sizeof(line), "%s %02x %02x %02x %02x %8s\n", hex, nif->index,
                     a->prefix, a->scope == RT_SCOPE_HOST ? 0x10 : 0, 0x80, nif->name);
            emit(arg, line);
        }
    }
}
