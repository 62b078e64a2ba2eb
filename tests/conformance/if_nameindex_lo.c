/* if_nameindex_lo: glibc's if_nametoindex/if_indextoname (ioctls on a
 * datagram socket) and if_nameindex (netlink) agree about lo, index 1;
 * unknown names and indexes fail with ENODEV/ENXIO as glibc reports. */
#include "conf.h"

#include <net/if.h>

int main(void)
{
    char name[IF_NAMESIZE];
    struct if_nameindex *ni;
    unsigned idx;
    int lo = 0, dup = 0;

    idx = if_nametoindex("lo");
    EQ("if_nametoindex lo", idx, 1);
    STREQ("if_indextoname 1", if_indextoname(idx, name), "lo");
    errno = 0;
    idx = if_nametoindex("nosuchif0");
    printf("if_nametoindex nosuchif0: %u %s\n", idx, errname(errno));
    errno = 0;
    TRUE("if_indextoname 0x7fffffff NULL", if_indextoname(0x7fffffff, name) == NULL);
    printf("errno: %s\n", errname(errno));
    ni = if_nameindex();
    TRUE("if_nameindex", ni != NULL);
    for (int i = 0; ni && ni[i].if_index; i++) {
        if (!strcmp(ni[i].if_name, "lo")) {
            lo++;
            EQ("lo index in list", ni[i].if_index, 1);
        }
        for (int j = 0; j < i; j++)
            dup += ni[j].if_index == ni[i].if_index;
    }
    EQ("lo in list", lo, 1);
    EQ("duplicate indexes", dup, 0);
    if (ni)
        if_freenameindex(ni);
    return conf_done();
}
