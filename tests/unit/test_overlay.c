/* tests/unit/test_overlay.c: the overlay rootfs over two tmpfs layers (the
 * lower one stands in for the Gofer's read-only rootfs): reads through,
 * copy-up on write (data, holes, mode, owner, times, xattrs), whiteouts,
 * opaque directories, merged readdir, renames, and that the lower layer is
 * never changed. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "sentry/fs/fs.h"
#include "sentry/vfs/vfs.h"

/* lower: /etc/ (passwd "root:x", suid 4755 owned 7:8 with user.tag),
 *        /etc/sub/ (x, y), /usr/big (1 MiB hole then "end"), /empty/ */
static struct dentry *lower, *upper, *root;
static struct mount *mnt;
static struct fs_ctx *fs;
static struct inode *l_etc, *l_passwd, *l_sub, *l_big;

static void put_bytes(struct inode *ino, uint64_t off, const char *s)
{
    struct file *f = file_new(NULL, ino, O_WRONLY);
    cr_assert_eq(f->ops->write(f, s, strlen(s), off), (long)strlen(s));
    file_put(f);
}

static void setup(void)
{
    struct vpath rp;
    struct setattr sa = { .valid = SA_UID | SA_GID | SA_MTIME, .uid = 7, .gid = 8 };

    vfs_cur_cred = (struct vfs_cred){ .fsuid = 0, .fsgid = 0, .dac_override = true };
    lower = tmpfs_new("tmpfs", 0755);
    upper = tmpfs_new("tmpfs", 0755);
    l_etc = tmpfs_add(lower->inode, "etc", S_IFDIR | 0755, 0, NULL, NULL);
    l_passwd = tmpfs_add(l_etc, "passwd", S_IFREG | 04755, 0, NULL, NULL);
    put_bytes(l_passwd, 0, "root:x");
    sa.mtime.tv_sec = 1000000000;
    cr_assert_eq(l_passwd->iops->setattr(l_passwd, &sa), 0);
    cr_assert_eq(l_passwd->iops->setxattr(l_passwd, "user.tag", "v1", 2, 0), 0);
    l_sub = tmpfs_add(l_etc, "sub", S_IFDIR | 0700, 0, NULL, NULL);
    tmpfs_add(l_sub, "x", S_IFREG | 0644, 0, NULL, NULL);
    tmpfs_add(l_sub, "y", S_IFREG | 0644, 0, NULL, NULL);
    tmpfs_add(l_etc, "link", S_IFLNK | 0777, 0, NULL, "passwd");
    l_big = tmpfs_add(tmpfs_add(lower->inode, "usr", S_IFDIR | 0755, 0, NULL, NULL), "big",
                      S_IFREG | 0644, 0, NULL, NULL);
    put_bytes(l_big, 1 << 20, "end");
    tmpfs_add(lower->inode, "empty", S_IFDIR | 0755, 0, NULL, NULL);

    dentry_get(lower);
    dentry_get(upper);
    root = overlay_new(lower, upper);
    mnt = vfs_mount_root(root, "overlay", "overlay");
    rp = (struct vpath){ mnt, root };
    fs = fs_ctx_new(&rp);
}

TestSuite(overlay, .init = setup);

/* Whole content of a path in the overlay (or -errno). */
static long slurp(const char *path, char *buf, size_t cap)
{
    struct file *f;
    long n;
    int r = vfs_open(fs, NULL, path, O_RDONLY, 0, &f);

    if (r)
        return r;
    n = f->ops->read(f, buf, cap - 1, 0);
    if (n >= 0)
        buf[n] = '\0';
    file_put(f);
    return n;
}

static int lookup(const char *path, struct vpath *out)
{
    return vfs_walk(fs, NULL, path, 0, out);
}

static struct inode *layer_child(struct inode *dir, const char *name)
{
    struct inode *c = NULL;

    if (dir->iops->lookup(dir, name, &c))
        return NULL;
    return c;
}

static int do_unlink(const char *dirpath, const char *name, bool dir)
{
    struct vpath p;
    int r = lookup(dirpath, &p);

    cr_assert_eq(r, 0);
    r = dir ? p.d->inode->iops->rmdir(p.d->inode, name) : p.d->inode->iops->unlink(p.d->inode, name);
    if (r == 0)
        dentry_forget(p.d, name);
    vpath_put(&p);
    return r;
}

struct names {
    struct dir_emit de;
    char all[1024];
};

static bool name_emit(struct dir_emit *de, const char *name, size_t len, uint64_t ino,
                      unsigned type, uint64_t next)
{
    struct names *n = (struct names *)de;

    strncat(n->all, name, len);
    strcat(n->all, " ");
    return true;
}

/* The listing of a directory in the overlay, names in order of arrival. */
static void list(const char *path, char *out)
{
    struct names n = { .de.emit = name_emit };
    struct file *f;

    cr_assert_eq(vfs_open(fs, NULL, path, O_RDONLY | O_DIRECTORY, 0, &f), 0);
    cr_assert_eq(f->ops->getdents(f, &n.de), 0);
    file_put(f);
    strcpy(out, n.all);
}

Test(overlay, reads_through_to_the_lower_layer)
{
    char buf[64];
    struct vpath p;
    struct stat st;

    cr_assert_eq(slurp("/etc/passwd", buf, sizeof(buf)), 6);
    cr_assert_str_eq(buf, "root:x");
    cr_assert_eq(slurp("/etc/link", buf, sizeof(buf)), 6); /* symlink followed */
    cr_assert_eq(lookup("/etc/passwd", &p), 0);
    cr_assert_eq(vfs_getattr(p.d->inode, &st), 0);
    cr_assert_eq(st.st_mode, S_IFREG | 04755);
    cr_assert_eq(st.st_uid, 7);
    cr_assert_eq(st.st_ino, l_passwd->ino, "lower inode numbers show through");
    vpath_put(&p);
    cr_assert_null(layer_child(upper->inode, "etc"), "reading copies nothing up");
}

Test(overlay, write_copies_up_and_leaves_lower_alone)
{
    struct file *f;
    struct inode *ue, *up;
    struct stat st, before;
    char buf[64];

    cr_assert_eq(vfs_getattr(l_passwd, &before), 0);
    cr_assert_eq(vfs_open(fs, NULL, "/etc/passwd", O_WRONLY | O_APPEND, 0, &f), 0);
    cr_assert_eq(f->ops->write(f, ":0", 2, 0), 2);
    file_put(f);
    cr_assert_eq(slurp("/etc/passwd", buf, sizeof(buf)), 8);
    cr_assert_str_eq(buf, "root:x:0");

    /* lower unchanged */
    struct file *lf = file_new(NULL, l_passwd, O_RDONLY);
    cr_assert_eq(lf->ops->read(lf, buf, sizeof(buf), 0), 6);
    file_put(lf);

    /* upper has the copy, with the parent directory made as the lower one */
    ue = layer_child(upper->inode, "etc");
    cr_assert_not_null(ue);
    cr_assert_eq(vfs_getattr(ue, &st), 0);
    cr_assert_eq(st.st_mode & 07777, 0755);
    up = layer_child(ue, "passwd");
    cr_assert_not_null(up);
    cr_assert_eq(vfs_getattr(up, &st), 0);
    cr_assert_eq(st.st_mode, S_IFREG | 04755, "mode kept");
    cr_assert_eq(st.st_uid, 7, "owner kept");
    cr_assert_eq(st.st_gid, 8);
    cr_assert_eq(up->iops->getxattr(up, "user.tag", buf, sizeof(buf)), 2, "xattrs kept");
    cr_assert_eq(memcmp(buf, "v1", 2), 0);
    inode_put(up);
    inode_put(ue);
}

Test(overlay, copy_up_keeps_times_and_holes)
{
    struct vpath p;
    struct stat st;
    struct setattr sa = { .valid = SA_MODE, .mode = 0600 };
    struct inode *ub;
    char buf[8];
    struct file *f;

    cr_assert_eq(lookup("/usr/big", &p), 0);
    cr_assert_eq(p.d->inode->iops->setattr(p.d->inode, &sa), 0); /* chmod copies up */
    vpath_put(&p);
    cr_assert_eq(lookup("/etc/passwd", &p), 0);
    cr_assert_eq(p.d->inode->iops->setxattr(p.d->inode, "user.new", "z", 1, 0), 0);
    cr_assert_eq(vfs_getattr(p.d->inode, &st), 0);
    cr_assert_eq(st.st_mtim.tv_sec, 1000000000, "mtime kept by copy-up");
    vpath_put(&p);

    ub = layer_child(layer_child(upper->inode, "usr"), "big");
    cr_assert_not_null(ub);
    cr_assert_eq(vfs_getattr(ub, &st), 0);
    cr_assert_eq(st.st_size, (1 << 20) + 3);
    cr_assert_eq(st.st_mode & 07777, 0600);
    cr_assert_leq(st.st_blocks, 16, "the 1 MiB hole stays a hole (%ld blocks)", (long)st.st_blocks);
    f = file_new(NULL, ub, O_RDONLY);
    cr_assert_eq(f->ops->read(f, buf, 3, 1 << 20), 3);
    cr_assert_eq(memcmp(buf, "end", 3), 0);
    cr_assert_eq(f->ops->read(f, buf, 4, 4096), 4);
    cr_assert_eq(memcmp(buf, "\0\0\0\0", 4), 0);
    file_put(f);
}

Test(overlay, unlink_of_lower_file_leaves_a_whiteout)
{
    struct vpath p;
    struct inode *w;
    struct stat st;
    char buf[64];

    cr_assert_eq(do_unlink("/etc", "passwd", false), 0);
    cr_assert_eq(lookup("/etc/passwd", &p), -ENOENT);
    w = layer_child(layer_child(upper->inode, "etc"), "passwd");
    cr_assert_not_null(w);
    cr_assert_eq(vfs_getattr(w, &st), 0);
    cr_assert(S_ISCHR(st.st_mode) && st.st_rdev == 0, "a 0:0 character device");
    inode_put(w);
    cr_assert_not_null(layer_child(l_etc, "passwd"), "lower keeps it");

    list("/etc", buf);
    cr_assert_null(strstr(buf, "passwd"), "listing: %s", buf);

    /* Making the name again replaces the whiteout. */
    cr_assert_eq(lookup("/etc", &p), 0);
    struct inode *n;
    cr_assert_eq(p.d->inode->iops->create(p.d->inode, "passwd", S_IFREG | 0600, &n), 0);
    inode_put(n);
    vpath_put(&p);
    cr_assert_eq(slurp("/etc/passwd", buf, sizeof(buf)), 0, "the new file is empty");
    cr_assert_eq(p.d, NULL);
}

Test(overlay, rmdir_needs_a_merged_empty_dir_and_mkdir_is_opaque)
{
    char buf[256];

    cr_assert_eq(do_unlink("/etc", "sub", true), -ENOTEMPTY);
    cr_assert_eq(do_unlink("/etc/sub", "x", false), 0);
    cr_assert_eq(do_unlink("/etc", "sub", true), -ENOTEMPTY);
    cr_assert_eq(do_unlink("/etc/sub", "y", false), 0);
    list("/etc/sub", buf);
    cr_assert_str_eq(buf, ". .. ");
    cr_assert_eq(do_unlink("/etc", "sub", true), 0, "only whiteouts left: removable");
    cr_assert_not_null(layer_child(l_sub, "x"), "lower untouched");

    struct vpath p;
    cr_assert_eq(lookup("/etc", &p), 0);
    cr_assert_eq(p.d->inode->iops->mkdir(p.d->inode, "sub", 0755), 0);
    vpath_put(&p);
    list("/etc/sub", buf);
    cr_assert_str_eq(buf, ". .. ", "the old lower entries do not show through");
    struct inode *u = layer_child(layer_child(upper->inode, "etc"), "sub");
    cr_assert_eq(u->iops->getxattr(u, "trusted.overlay.opaque", buf, 1), 1);
    inode_put(u);
    /* and the private attribute is hidden from the app */
    cr_assert_eq(lookup("/etc/sub", &p), 0);
    cr_assert_eq(p.d->inode->iops->getxattr(p.d->inode, "trusted.overlay.opaque", buf, 1),
                 -ENODATA);
    cr_assert_eq(p.d->inode->iops->listxattr(p.d->inode, NULL, 0), 0);
    vpath_put(&p);
}

Test(overlay, readdir_merges_layers)
{
    char buf[256];
    struct vpath p;
    struct inode *n;

    cr_assert_eq(lookup("/etc", &p), 0);
    cr_assert_eq(p.d->inode->iops->create(p.d->inode, "new", S_IFREG | 0644, &n), 0);
    inode_put(n);
    vpath_put(&p);
    cr_assert_eq(do_unlink("/etc", "link", false), 0);
    list("/etc", buf);
    /* upper entries first, then the lower ones not hidden; each once */
    cr_assert_str_eq(buf, ". .. new passwd sub ", "got %s", buf);
}

Test(overlay, rename_of_lower_directory)
{
    char buf[256];
    struct vpath p, q;

    cr_assert_eq(lookup("/etc", &p), 0);
    cr_assert_eq(lookup("/", &q), 0);
    cr_assert_eq(p.d->inode->iops->rename(p.d->inode, "sub", q.d->inode, "moved", 0), 0);
    dentry_rename(p.d, "sub", q.d, "moved", false);
    vpath_put(&p);
    vpath_put(&q);
    list("/moved", buf);
    cr_assert_str_eq(buf, ". .. x y ");
    cr_assert_eq(lookup("/etc/sub", &p), -ENOENT);
    cr_assert_not_null(layer_child(l_etc, "sub"), "lower untouched");
    /* a new directory at the old name shows nothing of the lower one */
    cr_assert_eq(lookup("/etc", &p), 0);
    cr_assert_eq(p.d->inode->iops->mkdir(p.d->inode, "sub", 0755), 0);
    vpath_put(&p);
    list("/etc/sub", buf);
    cr_assert_str_eq(buf, ". .. ");
}

Test(overlay, rename_noreplace_and_exchange)
{
    struct vpath p;
    char buf[64];

    cr_assert_eq(lookup("/etc", &p), 0);
    cr_assert_eq(p.d->inode->iops->rename(p.d->inode, "passwd", p.d->inode, "link", 1), -EEXIST);
    cr_assert_eq(p.d->inode->iops->rename(p.d->inode, "passwd", p.d->inode, "sub", 2), 0);
    dentry_rename(p.d, "passwd", p.d, "sub", true);
    vpath_put(&p);
    cr_assert_eq(slurp("/etc/sub", buf, sizeof(buf)), 6);
    list("/etc/passwd", buf);
    cr_assert_str_eq(buf, ". .. x y ");
}
