/* sentry/fs/sysfs.c: the small /sys that programs read: the CPU lists
 * glibc's get_nprocs and sysconf use, and the transparent huge page mode
 * allocators look at, and /sys/class/net/IF/ of the sandbox's interfaces
 * (directories here, not links into devices/). A read-only tmpfs filled at boot; nothing of the
 * host's /sys is reachable. */
#include "sentry/fs/fs.h"
#include "sentry/socket/netif.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>

static struct inode *dir(struct inode *parent, const char *name)
{
    return tmpfs_add(parent, name, S_IFDIR | 0755, 0, NULL, NULL);
}

static void file(struct inode *parent, const char *name, const char *text)
{
    struct inode *ino = tmpfs_add(parent, name, S_IFREG | 0444, 0, NULL, NULL);
    struct file *f = file_new(NULL, ino, O_WRONLY);

    (void)f->ops->write(f, text, strlen(text), 0);
    file_put(f);
}

static void net_class(struct inode *net)
{
    for (int i = 0; i < netif_count(); i++) {
        const struct netif *nif = netif_at(i);
        struct inode *d = dir(net, nif->name);
        char v[64];
        const uint8_t *h = nif->hwaddr;

        snprintf(v, sizeof(v), "%d\n", nif->index);
        file(d, "ifindex", v);
        file(d, "iflink", v);
        snprintf(v, sizeof(v), "%u\n", nif->mtu);
        file(d, "mtu", v);
        snprintf(v, sizeof(v), "%u\n", nif->txqlen);
        file(d, "tx_queue_len", v);
        snprintf(v, sizeof(v), "%u\n", (unsigned)nif->type);
        file(d, "type", v);
        snprintf(v, sizeof(v), "0x%x\n", nif->flags & ~0x40u /* IFF_RUNNING: not in sysfs flags */);
        file(d, "flags", v);
        snprintf(v, sizeof(v), "%s\n", nif->operstate);
        file(d, "operstate", v);
        snprintf(v, sizeof(v), "%02x:%02x:%02x:%02x:%02x:%02x\n", h[0], h[1], h[2], h[3], h[4],
                 h[5]);
        file(d, "address", v);
        file(d, "broadcast", v);
        file(d, "addr_len", "6\n");
        file(d, "carrier", "1\n");
    }
}

struct dentry *sysfs_new(int ncpus)
{
    struct dentry *root = tmpfs_new("sysfs", 0555);
    struct inode *cpu, *mm, *thp;
    char list[32];

    cpu = dir(dir(dir(root->inode, "devices"), "system"), "cpu");
    if (ncpus <= 1)
        snprintf(list, sizeof(list), "0\n");
    else
        snprintf(list, sizeof(list), "0-%d\n", ncpus - 1);
    file(cpu, "online", list);
    file(cpu, "possible", list);
    file(cpu, "present", list);
    for (int i = 0; i < ncpus && i < 1024; i++) {
        char name[16];
        snprintf(name, sizeof(name), "cpu%d", i);
        file(dir(cpu, name), "online", "1\n");
    }
    mm = dir(dir(root->inode, "kernel"), "mm");
    thp = dir(mm, "transparent_hugepage");
    file(thp, "enabled", "always [madvise] never\n");
    file(thp, "defrag", "always defer defer+madvise [madvise] never\n");
    file(thp, "hpage_pmd_size", "2097152\n");
    dir(dir(root->inode, "fs"), "cgroup");
    net_class(dir(dir(root->inode, "class"), "net"));
    dir(root->inode, "block");
    dir(root->inode, "bus");
    return root;
}
