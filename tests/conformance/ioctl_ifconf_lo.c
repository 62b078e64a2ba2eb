/* ioctl_ifconf_lo: the interface ioctls on an AF_UNIX datagram socket (the
 * socket glibc's if_nametoindex opens): SIOCGIFCONF lists lo with
 * 127.0.0.1 (NULL buffer: the length needed; a buffer too small for one
 * entry: length 0), and SIOCGIFFLAGS/MTU/INDEX/NAME/HWADDR describe lo;
 * unknown names are ENODEV; IPv4 address ioctls are AF_INET's (ENOTTY
 * here); a bad pointer is EFAULT. */
#include "conf.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

static void name(struct ifreq *r, const char *n)
{
    memset(r, 0, sizeof(*r));
    snprintf(r->ifr_name, sizeof(r->ifr_name), "%s", n);
}

int main(void)
{
    struct ifreq r, reqs[64];
    struct ifconf c;
    int fd, lo = 0, need;

    MUST(fd = socket(AF_UNIX, SOCK_DGRAM, 0));

    memset(&c, 0, sizeof(c));
    OK("SIOCGIFCONF NULL", ioctl(fd, SIOCGIFCONF, &c));
    need = c.ifc_len;
    TRUE("needed length > 0", need > 0);
    EQ("needed length % sizeof(ifreq)", need % (int)sizeof(struct ifreq), 0);
    c.ifc_len = sizeof(reqs);
    c.ifc_req = reqs;
    OK("SIOCGIFCONF", ioctl(fd, SIOCGIFCONF, &c));
    TRUE("length = needed", c.ifc_len == need);
    for (int i = 0; i < c.ifc_len / (int)sizeof(struct ifreq); i++) {
        struct sockaddr_in *a = (void *)&reqs[i].ifr_addr;
        if (!strcmp(reqs[i].ifr_name, "lo") && a->sin_family == AF_INET &&
            a->sin_addr.s_addr == htonl(INADDR_LOOPBACK))
            lo++;
    }
    EQ("lo 127.0.0.1 listed", lo, 1);
    c.ifc_len = 10;
    OK("SIOCGIFCONF small", ioctl(fd, SIOCGIFCONF, &c));
    EQ("small length", c.ifc_len, 0);
    ERR("SIOCGIFCONF bad pointer", ioctl(fd, SIOCGIFCONF, BADPTR), EFAULT);

    name(&r, "lo");
    OK("SIOCGIFFLAGS", ioctl(fd, SIOCGIFFLAGS, &r));
    TRUE("up+loopback+running", (r.ifr_flags & (IFF_UP | IFF_LOOPBACK | IFF_RUNNING)) ==
                                    (IFF_UP | IFF_LOOPBACK | IFF_RUNNING));
    name(&r, "lo");
    OK("SIOCGIFMTU", ioctl(fd, SIOCGIFMTU, &r));
    TRUE("mtu > 0", r.ifr_mtu > 0);
    name(&r, "lo");
    OK("SIOCGIFINDEX", ioctl(fd, SIOCGIFINDEX, &r));
    EQ("index", r.ifr_ifindex, 1);
    memset(&r, 0, sizeof(r));
    r.ifr_ifindex = 1;
    OK("SIOCGIFNAME", ioctl(fd, SIOCGIFNAME, &r));
    STREQ("name", r.ifr_name, "lo");
    name(&r, "lo");
    OK("SIOCGIFHWADDR", ioctl(fd, SIOCGIFHWADDR, &r));
    EQ("hwaddr family ARPHRD_LOOPBACK", r.ifr_hwaddr.sa_family, 772);
    TRUE("hwaddr zero", !memcmp(r.ifr_hwaddr.sa_data, "\0\0\0\0\0\0", 6));
    name(&r, "lo:0");
    OK("SIOCGIFFLAGS alias", ioctl(fd, SIOCGIFFLAGS, &r));
    STREQ("alias name kept", r.ifr_name, "lo:0");

    name(&r, "nosuchif0");
    ERR("SIOCGIFFLAGS nosuchif0", ioctl(fd, SIOCGIFFLAGS, &r), ENODEV);
    ERR("SIOCGIFINDEX nosuchif0", ioctl(fd, SIOCGIFINDEX, &r), ENODEV);
    ERR("SIOCGIFMTU nosuchif0", ioctl(fd, SIOCGIFMTU, &r), ENODEV);
    memset(&r, 0, sizeof(r));
    r.ifr_ifindex = 0x7fffffff;
    ERR("SIOCGIFNAME 0x7fffffff", ioctl(fd, SIOCGIFNAME, &r), ENODEV);
    name(&r, "lo");
    ERR("SIOCGIFADDR on AF_UNIX", ioctl(fd, SIOCGIFADDR, &r), ENOTTY);
    ERR("SIOCGIFNETMASK on AF_UNIX", ioctl(fd, SIOCGIFNETMASK, &r), ENOTTY);
    ERR("SIOCGIFFLAGS bad pointer", ioctl(fd, SIOCGIFFLAGS, BADPTR), EFAULT);
    close(fd);

    /* A netlink socket answers the same device ioctls. */
    MUST(fd = socket(AF_NETLINK, SOCK_RAW, 0));
    name(&r, "lo");
    OK("netlink SIOCGIFINDEX", ioctl(fd, SIOCGIFINDEX, &r));
    EQ("netlink index", r.ifr_ifindex, 1);
    name(&r, "lo");
    ERR("netlink SIOCGIFADDR", ioctl(fd, SIOCGIFADDR, &r), ENOTTY);
    close(fd);
    return conf_done();
}
