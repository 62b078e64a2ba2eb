/* ifaddrs_lo: getifaddrs (glibc's, over netlink RTM_GETLINK and
 * RTM_GETADDR) shows lo: its AF_PACKET entry, 127.0.0.1 with netmask
 * 255.0.0.0, flags UP|LOOPBACK|RUNNING, and only ::1 as an IPv6 address.
 * The host's other interfaces are not printed. */
#include "conf.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

int main(void)
{
    struct ifaddrs *ifa;
    int packet = 0, inet = 0, mask = 0, flags_ok = 0, v6_other = 0, lo_entries = 0;

    OK("getifaddrs", getifaddrs(&ifa));
    for (struct ifaddrs *p = ifa; p; p = p->ifa_next) {
        if (strcmp(p->ifa_name, "lo"))
            continue;
        lo_entries++;
        if ((p->ifa_flags & (IFF_UP | IFF_LOOPBACK | IFF_RUNNING)) == (IFF_UP | IFF_LOOPBACK | IFF_RUNNING))
            flags_ok++;
        if (!p->ifa_addr)
            continue;
        switch (p->ifa_addr->sa_family) {
        case AF_PACKET:
            packet++;
            break;
        case AF_INET: {
            struct sockaddr_in *a = (void *)p->ifa_addr, *m = (void *)p->ifa_netmask;
            if (a->sin_addr.s_addr == htonl(INADDR_LOOPBACK)) {
                inet++;
                mask += m && m->sin_addr.s_addr == htonl(0xff000000);
            }
            break;
        }
        case AF_INET6: {
            struct sockaddr_in6 *a = (void *)p->ifa_addr;
            v6_other += !IN6_IS_ADDR_LOOPBACK(&a->sin6_addr);
            break;
        }
        }
    }
    TRUE("lo entries", lo_entries >= 2);
    TRUE("lo flags up+loopback+running on every entry", flags_ok == lo_entries);
    EQ("lo AF_PACKET", packet, 1);
    EQ("lo 127.0.0.1", inet, 1);
    EQ("lo netmask 255.0.0.0", mask, 1);
    EQ("lo IPv6 other than ::1", v6_other, 0);
    freeifaddrs(ifa);
    return conf_done();
}
