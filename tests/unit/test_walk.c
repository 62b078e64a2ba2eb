/* tests/unit/test_walk.c: path resolution over tmpfs trees: components,
 * "." and "..", symlinks and their limits, mounts, the parent walk, path
 * names, and open(2) on top of the walk. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "sentry/fs/fs.h"
#include "sentry/vfs/vfs.h"

/* The tree every test starts from:
 *
 *   /a/            /a/b/           /a/b/f
 *   /a/file        /a/mnt/ (empty, for mounts)
 *   /a/b/rel  -> f             relative, same directory
 *   /a/rel2   -> b/f           relative, downwards
 *   /a/up     -> ../a/b/f      relative, through ".."
 *   /a/b/abs  -> /a/file       absolute
 *   /lnk_dir  -> a/b           to a directory
 *   /lnk_file -> /a/b/f        to a file
 *   /dangling -> nowhere
 *   /loop1 -> loop2, /loop2 -> loop1, /self -> self
 *   /chain/ for link chains
 */
static struct dentry *root_d;
static struct mount *root_mnt;
static struct fs_ctx *fs;
static struct inode *a, *b, *f, *file, *mntdir, *chain, *lnk_file;

static void setup(void)
{
    struct vpath rp;

    vfs_cur_cred = (struct vfs_cred){0, 0};
    root_d = tmpfs_new("tmpfs", 0755);
    root_mnt = vfs_mount_root(root_d, "tmpfs", "root");
    rp = (struct vpath){root_mnt, root_d};
    fs = fs_ctx_new(&rp);

    struct inode *r = root_d->inode;
    a = tmpfs_add(r, "a", S_IFDIR | 0755, 0, NULL, NULL);
    b = tmpfs_add(a, "b", S_IFDIR | 0755, 0, NULL, NULL);
    f = tmpfs_add(b, "f", S_IFREG | 0644, 0, NULL, NULL);
    file = tmpfs_add(a, "file", S_IFREG | 0644, 0, NULL, NULL);
    mntdir = tmpfs_add(a, "mnt", S_IFDIR | 0755, 0, NULL, NULL);
    chain = tmpfs_add(r, "chain", S_IFDIR | 0755, 0, NULL, NULL);
    tmpfs_add(b, "rel", S_IFLNK | 0777, 0, NULL, "f");
    tmpfs_add(a, "rel2", S_IFLNK | 0777, 0, NULL, "b/f");
    tmpfs_add(a, "up", S_IFLNK | 0777, 0, NULL, "../a/b/f");
    tmpfs_add(b, "abs", S_IFLNK | 0777, 0, NULL, "/a/file");
    tmpfs_add(r, "lnk_dir", S_IFLNK | 0777, 0, NULL, "a/b");
    lnk_file = tmpfs_add(r, "lnk_file", S_IFLNK | 0777, 0, NULL, "/a/b/f");
    tmpfs_add(r, "dangling", S_IFLNK | 0777, 0, NULL, "nowhere");
    tmpfs_add(r, "loop1", S_IFLNK | 0777, 0, NULL, "loop2");
    tmpfs_add(r, "loop2", S_IFLNK | 0777, 0, NULL, "loop1");
    tmpfs_add(r, "self", S_IFLNK | 0777, 0, NULL, "self");
}

static void teardown(void)
{
    fs_ctx_put(fs);
}

TestSuite(walk, .init = setup, .fini = teardown);
TestSuite(walk_parent, .init = setup, .fini = teardown);
TestSuite(walk_mount, .init = setup, .fini = teardown);
TestSuite(walk_open, .init = setup, .fini = teardown);

static int walk_from(const struct vpath *start, const char *path, unsigned flags, struct vpath *out)
{
    out->mnt = NULL;
    out->d = NULL;
    return vfs_walk(fs, start, path, flags, out);
}

/* Walk must succeed and land on inode `want` (in mount `mnt` if given). */
static void expect_at(const struct vpath *start, const char *path, unsigned flags,
                      struct inode *want, struct mount *mnt)
{
    struct vpath p;
    int r = walk_from(start, path, flags, &p);

    cr_assert_eq(r, 0, "walk \"%s\" flags %u: %d (%s)", path, flags, r, strerror(-r));
    cr_assert_eq(p.d->inode, want, "walk \"%s\" landed on ino %llu (%s), want ino %llu", path,
                 (unsigned long long)p.d->inode->ino, p.d->name, (unsigned long long)want->ino);
    cr_assert_eq(p.mnt, mnt ? mnt : root_mnt, "walk \"%s\" in the wrong mount", path);
    vpath_put(&p);
}

static void expect_err(const struct vpath *start, const char *path, unsigned flags, int err)
{
    struct vpath p;
    int r = walk_from(start, path, flags, &p);

    if (r == 0)
        vpath_put(&p);
    cr_assert_eq(r, err, "walk \"%.60s\" flags %u: got %d (%s), want %d (%s)", path, flags, r,
                 strerror(-r), err, strerror(-err));
}

static struct vpath walk_ok(const char *path)
{
    struct vpath p;
    int r = walk_from(NULL, path, WALK_FOLLOW, &p);

    cr_assert_eq(r, 0, "walk \"%s\": %d", path, r);
    return p;
}

Test(walk, absolute_paths)
{
    expect_at(NULL, "/", 0, root_d->inode, NULL);
    expect_at(NULL, "/a", 0, a, NULL);
    expect_at(NULL, "/a/b", 0, b, NULL);
    expect_at(NULL, "/a/b/f", 0, f, NULL);
    expect_at(NULL, "//a///b//f", 0, f, NULL);
    expect_at(NULL, "/a/b/", 0, b, NULL);
}

Test(walk, relative_paths_from_cwd_and_from_start)
{
    struct vpath ab = walk_ok("/a/b");

    expect_at(NULL, "a/b/f", 0, f, NULL);
    expect_at(&ab, "f", 0, f, NULL);
    expect_at(&ab, "./f", 0, f, NULL);
    /* An absolute path ignores the start. */
    expect_at(&ab, "/a/file", 0, file, NULL);
    expect_err(&ab, "file", 0, -ENOENT);
    vpath_put(&ab);
}

Test(walk, relative_paths_follow_a_changed_cwd)
{
    struct vpath ab = walk_ok("/a/b");

    vpath_put(&fs->cwd);
    fs->cwd = ab;
    expect_at(NULL, "f", 0, f, NULL);
    expect_at(NULL, "..", 0, a, NULL);
    expect_at(NULL, "/a", 0, a, NULL);
}

Test(walk, dot_and_dotdot)
{
    struct vpath ab = walk_ok("/a/b");

    expect_at(NULL, ".", 0, root_d->inode, NULL);
    expect_at(NULL, "/a/.", 0, a, NULL);
    expect_at(NULL, "/a/./b/../b/./f", 0, f, NULL);
    expect_at(NULL, "/a/b/..", 0, a, NULL);
    expect_at(NULL, "/a/b/../..", 0, root_d->inode, NULL);
    expect_at(&ab, "..", 0, a, NULL);
    expect_at(&ab, "../../a/file", 0, file, NULL);
    vpath_put(&ab);
}

Test(walk, dotdot_at_the_root_stays_at_the_root)
{
    expect_at(NULL, "/..", 0, root_d->inode, NULL);
    expect_at(NULL, "..", 0, root_d->inode, NULL);
    expect_at(NULL, "/../../..", 0, root_d->inode, NULL);
    expect_at(NULL, "/../a/../../a/b", 0, b, NULL);
}

Test(walk, dotdot_does_not_escape_a_chroot)
{
    struct vpath ap = walk_ok("/a");
    struct fs_ctx *jail = fs_ctx_new(&ap);
    struct vpath p;

    cr_assert_eq(vfs_walk(jail, NULL, "/..", 0, &p), 0);
    cr_assert_eq(p.d->inode, a);
    vpath_put(&p);
    cr_assert_eq(vfs_walk(jail, NULL, "b/../../../file", 0, &p), 0);
    cr_assert_eq(p.d->inode, file);
    vpath_put(&p);
    /* Absolute symlinks resolve from the chroot: /a/b/abs -> /a/file. */
    cr_assert_eq(vfs_walk(jail, NULL, "/b/abs", WALK_FOLLOW, &p), -ENOENT);
    vpath_put(&ap);
    fs_ctx_put(jail);
}

Test(walk, trailing_slash_on_a_file_is_enotdir)
{
    expect_err(NULL, "/a/b/f/", 0, -ENOTDIR);
    expect_err(NULL, "/a/file//", WALK_FOLLOW, -ENOTDIR);
    expect_err(NULL, "/a/b/f/.", 0, -ENOTDIR);
    expect_err(NULL, "/a/b/f/..", 0, -ENOTDIR);
}

Test(walk, intermediate_non_directory_is_enotdir)
{
    expect_err(NULL, "/a/b/f/x", 0, -ENOTDIR);
    expect_err(NULL, "/a/file/b/f", 0, -ENOTDIR);
}

Test(walk, missing_components_are_enoent)
{
    expect_err(NULL, "/nope", 0, -ENOENT);
    expect_err(NULL, "/a/nope", 0, -ENOENT);
    expect_err(NULL, "/nope/b", 0, -ENOENT);
    expect_err(NULL, "/a/b/nope/", 0, -ENOENT);
    expect_err(NULL, "nope", 0, -ENOENT);
}

Test(walk, directory_flag_refuses_a_file)
{
    expect_err(NULL, "/a/b/f", WALK_DIRECTORY, -ENOTDIR);
    expect_at(NULL, "/a/b", WALK_DIRECTORY, b, NULL);
    expect_at(NULL, "/lnk_dir", WALK_DIRECTORY | WALK_FOLLOW, b, NULL);
    expect_err(NULL, "/lnk_file", WALK_DIRECTORY | WALK_FOLLOW, -ENOTDIR);
}

Test(walk, final_symlink_followed_only_with_follow)
{
    struct vpath p;

    cr_assert_eq(walk_from(NULL, "/lnk_file", 0, &p), 0);
    cr_assert(S_ISLNK(p.d->inode->mode));
    cr_assert_eq(p.d->inode, lnk_file);
    vpath_put(&p);
    expect_at(NULL, "/lnk_file", WALK_FOLLOW, f, NULL);
    cr_assert_eq(walk_from(NULL, "/lnk_dir", 0, &p), 0);
    cr_assert(S_ISLNK(p.d->inode->mode));
    vpath_put(&p);
    expect_at(NULL, "/lnk_dir", WALK_FOLLOW, b, NULL);
}

Test(walk, symlink_in_the_middle_is_always_followed)
{
    expect_at(NULL, "/lnk_dir/f", 0, f, NULL);
    expect_at(NULL, "lnk_dir/../file", 0, file, NULL);
    expect_at(NULL, "/lnk_dir/rel", WALK_FOLLOW, f, NULL);
}

Test(walk, symlink_to_a_file_in_the_middle_is_enotdir)
{
    expect_err(NULL, "/lnk_file/x", 0, -ENOTDIR);
    expect_err(NULL, "/a/b/abs/x", WALK_FOLLOW, -ENOTDIR);
}

Test(walk, trailing_slash_follows_a_final_symlink)
{
    expect_at(NULL, "/lnk_dir/", 0, b, NULL);
    expect_err(NULL, "/lnk_file/", 0, -ENOTDIR);
}

Test(walk, relative_targets_resolve_from_the_link_directory)
{
    expect_at(NULL, "/a/b/rel", WALK_FOLLOW, f, NULL);
    expect_at(NULL, "/a/rel2", WALK_FOLLOW, f, NULL);
    expect_at(NULL, "/a/up", WALK_FOLLOW, f, NULL);
    /* Even when reached from somewhere else. */
    struct vpath ab = walk_ok("/a/b");
    expect_at(&ab, "../rel2", WALK_FOLLOW, f, NULL);
    vpath_put(&ab);
}

Test(walk, absolute_targets_resolve_from_the_root)
{
    struct vpath ab = walk_ok("/a/b");

    expect_at(NULL, "/a/b/abs", WALK_FOLLOW, file, NULL);
    expect_at(&ab, "abs", WALK_FOLLOW, file, NULL);
    vpath_put(&ab);
}

Test(walk, empty_symlink_target_is_enoent)
{
    struct vpath p;

    tmpfs_add(root_d->inode, "empty", S_IFLNK | 0777, 0, NULL, "");
    expect_err(NULL, "/empty", WALK_FOLLOW, -ENOENT);
    expect_err(NULL, "/empty/x", 0, -ENOENT);
    cr_assert_eq(walk_from(NULL, "/empty", 0, &p), 0);
    vpath_put(&p);
}

Test(walk, dangling_symlink_is_enoent_when_followed)
{
    struct vpath p;

    expect_err(NULL, "/dangling", WALK_FOLLOW, -ENOENT);
    cr_assert_eq(walk_from(NULL, "/dangling", 0, &p), 0);
    cr_assert(S_ISLNK(p.d->inode->mode));
    vpath_put(&p);
}

Test(walk, symlink_loops_are_eloop)
{
    expect_err(NULL, "/loop1", WALK_FOLLOW, -ELOOP);
    expect_err(NULL, "/self", WALK_FOLLOW, -ELOOP);
    expect_err(NULL, "/loop1/x", 0, -ELOOP);
    expect_err(NULL, "/self/", 0, -ELOOP);
}

/* /chain/<tag>0 -> <tag>1 -> ... -> <tag>(n-1) -> /a/b/f: n links. */
static void make_chain(const char *tag, int n)
{
    char name[32], target[32];

    for (int i = 0; i < n; i++) {
        snprintf(name, sizeof(name), "%s%d", tag, i);
        if (i == n - 1)
            snprintf(target, sizeof(target), "/a/b/f");
        else
            snprintf(target, sizeof(target), "%s%d", tag, i + 1);
        tmpfs_add(chain, name, S_IFLNK | 0777, 0, NULL, target);
    }
}

Test(walk, forty_links_resolve_but_forty_one_are_eloop)
{
    cr_assert_eq(VFS_SYMLOOP_MAX, 40);
    make_chain("x", VFS_SYMLOOP_MAX);
    make_chain("y", VFS_SYMLOOP_MAX + 1);
    expect_at(NULL, "/chain/x0", WALK_FOLLOW, f, NULL);
    expect_err(NULL, "/chain/y0", WALK_FOLLOW, -ELOOP);
    expect_at(NULL, "/chain/y1", WALK_FOLLOW, f, NULL);
    expect_err(NULL, "/chain/y0/", 0, -ELOOP);
}

Test(walk, links_are_counted_over_the_whole_walk)
{
    /* d0 -> d1 -> ... -> d39 -> "/": 40 links; /lnk_dir is then the 41st. */
    char name[32], target[32];

    for (int i = 0; i < VFS_SYMLOOP_MAX; i++) {
        snprintf(name, sizeof(name), "d%d", i);
        if (i == VFS_SYMLOOP_MAX - 1)
            snprintf(target, sizeof(target), "/");
        else
            snprintf(target, sizeof(target), "d%d", i + 1);
        tmpfs_add(chain, name, S_IFLNK | 0777, 0, NULL, target);
    }
    expect_at(NULL, "/chain/d0/a/b", 0, b, NULL);
    expect_err(NULL, "/chain/d0/lnk_dir/f", 0, -ELOOP);
    expect_at(NULL, "/chain/d1/lnk_dir/f", 0, f, NULL);
}

Test(walk, component_of_256_chars_is_enametoolong)
{
    char path[300];

    path[0] = '/';
    memset(path + 1, 'n', 256);
    path[257] = 0;
    expect_err(NULL, path, 0, -ENAMETOOLONG);
    path[256] = 0; /* 255 chars: a legal name that doesn't exist */
    expect_err(NULL, path, 0, -ENOENT);
    /* Also in the middle of a path. */
    memset(path, 'n', 256);
    strcpy(path + 256, "/x");
    expect_err(NULL, path, 0, -ENAMETOOLONG);
}

Test(walk, path_of_path_max_is_enametoolong)
{
    static char path[VFS_PATH_MAX + 2];

    for (int i = 0; i < VFS_PATH_MAX; i += 2)
        memcpy(path + i, "./", 2);
    path[VFS_PATH_MAX] = 0;
    expect_err(NULL, path, 0, -ENAMETOOLONG);
    path[VFS_PATH_MAX - 1] = 0; /* 4095 chars is fine */
    expect_at(NULL, path, 0, root_d->inode, NULL);
}

/* Linux resolves a symlink body as its own string: a target and the rest
 * of the path may together exceed PATH_MAX, as long as each fits. */
Test(walk, long_symlink_target_plus_the_rest_of_the_path_resolves)
{
    static char target[VFS_PATH_MAX], path[VFS_PATH_MAX];
    size_t n = 0;

    while (n < 3980) {
        memcpy(target + n, "./", 2);
        n += 2;
    }
    strcpy(target + n, "a"); /* 3981 chars naming /a */
    tmpfs_add(root_d->inode, "longlnk", S_IFLNK | 0777, 0, NULL, target);
    strcpy(path, "/longlnk/");
    for (int i = 0; i < 100; i++)
        strcat(path, "./");
    strcat(path, "b/f"); /* 212 chars */
    cr_assert_gt(strlen(target) + strlen(path), VFS_PATH_MAX);
    expect_at(NULL, "/longlnk", WALK_FOLLOW, a, NULL);
    expect_at(NULL, path, 0, f, NULL);
}

Test(walk, empty_path_is_enoent_unless_walk_empty)
{
    struct vpath ab = walk_ok("/a/b");

    expect_err(NULL, "", 0, -ENOENT);
    expect_err(NULL, "", WALK_FOLLOW, -ENOENT);
    expect_err(&ab, "", 0, -ENOENT);
    expect_at(NULL, "", WALK_EMPTY, root_d->inode, NULL);
    expect_at(&ab, "", WALK_EMPTY, b, NULL);
    vpath_put(&ab);
}

Test(walk, dentries_are_cached_and_refcounts_balance)
{
    struct vpath p1 = walk_ok("/a/b/f"), p2 = walk_ok("/a/b/../b/f");
    int ref;

    cr_assert_eq(p1.d, p2.d, "the same dentry is found twice");
    ref = p1.d->ref;
    vpath_put(&p2);
    cr_assert_eq(p1.d->ref, ref - 1);
    for (int i = 0; i < 100; i++) {
        struct vpath p = walk_ok("/lnk_dir/../b/./rel");
        vpath_put(&p);
    }
    cr_assert_eq(p1.d->ref, ref - 1, "walks leaked references");
    vpath_put(&p1);
}

Test(walk_parent, returns_the_parent_and_the_last_name)
{
    char last[VFS_NAME_MAX + 1];
    struct vpath p;

    cr_assert_eq(vfs_walk_parent(fs, NULL, "/a/b/f", &p, last), 0);
    cr_assert_eq(p.d->inode, b);
    cr_assert_str_eq(last, "f");
    vpath_put(&p);

    cr_assert_eq(vfs_walk_parent(fs, NULL, "/a/b/newname", &p, last), 0);
    cr_assert_eq(p.d->inode, b, "the last name need not exist");
    cr_assert_str_eq(last, "newname");
    vpath_put(&p);

    cr_assert_eq(vfs_walk_parent(fs, NULL, "a/b/", &p, last), 0);
    cr_assert_eq(p.d->inode, a);
    cr_assert_str_eq(last, "b");
    vpath_put(&p);

    cr_assert_eq(vfs_walk_parent(fs, NULL, "file", &p, last), 0);
    cr_assert_eq(p.d->inode, root_d->inode);
    cr_assert_str_eq(last, "file");
    vpath_put(&p);
}

Test(walk_parent, root_gives_an_empty_last_name)
{
    char last[VFS_NAME_MAX + 1] = "junk";
    struct vpath p;

    cr_assert_eq(vfs_walk_parent(fs, NULL, "/", &p, last), 0);
    cr_assert_eq(p.d->inode, root_d->inode);
    cr_assert_str_eq(last, "");
    vpath_put(&p);
    strcpy(last, "junk");
    cr_assert_eq(vfs_walk_parent(fs, NULL, "///", &p, last), 0);
    cr_assert_str_eq(last, "");
    vpath_put(&p);
}

Test(walk_parent, dot_and_dotdot_come_back_as_is)
{
    char last[VFS_NAME_MAX + 1];
    struct vpath p;

    cr_assert_eq(vfs_walk_parent(fs, NULL, "/a/..", &p, last), 0);
    cr_assert_eq(p.d->inode, a);
    cr_assert_str_eq(last, "..");
    vpath_put(&p);
    cr_assert_eq(vfs_walk_parent(fs, NULL, "/a/b/.", &p, last), 0);
    cr_assert_eq(p.d->inode, b);
    cr_assert_str_eq(last, ".");
    vpath_put(&p);
}

Test(walk_parent, final_symlink_is_not_followed_but_middle_ones_are)
{
    char last[VFS_NAME_MAX + 1];
    struct vpath p;

    cr_assert_eq(vfs_walk_parent(fs, NULL, "/lnk_dir", &p, last), 0);
    cr_assert_eq(p.d->inode, root_d->inode);
    cr_assert_str_eq(last, "lnk_dir");
    vpath_put(&p);
    cr_assert_eq(vfs_walk_parent(fs, NULL, "/lnk_dir/new", &p, last), 0);
    cr_assert_eq(p.d->inode, b);
    cr_assert_str_eq(last, "new");
    vpath_put(&p);
}

Test(walk_parent, errors_in_the_parent_path)
{
    char last[VFS_NAME_MAX + 1];
    struct vpath p;

    cr_assert_eq(vfs_walk_parent(fs, NULL, "/nope/x", &p, last), -ENOENT);
    cr_assert_eq(vfs_walk_parent(fs, NULL, "/a/b/f/x", &p, last), -ENOTDIR);
    cr_assert_eq(vfs_walk_parent(fs, NULL, "/loop1/x", &p, last), -ELOOP);
    cr_assert_eq(vfs_walk_parent(fs, NULL, "", &p, last), -ENOENT);
}

/* A second tmpfs mounted on /a/mnt, holding /x (file) and /sub/ and
 * /sub/back -> /a/file (absolute, resolved from the sandbox root). */
static struct dentry *t2;
static struct inode *t2x, *t2sub;
static struct mount *t2mnt;

static void mount_t2(void)
{
    struct vpath where = walk_ok("/a/mnt");

    t2 = tmpfs_new("tmpfs", 01777);
    t2x = tmpfs_add(t2->inode, "x", S_IFREG | 0600, 0, NULL, NULL);
    t2sub = tmpfs_add(t2->inode, "sub", S_IFDIR | 0700, 0, NULL, NULL);
    tmpfs_add(t2sub, "back", S_IFLNK | 0777, 0, NULL, "/a/file");
    tmpfs_add(t2sub, "up", S_IFLNK | 0777, 0, NULL, "../..");
    cr_assert_eq(vfs_mount_at(&where, t2, "tmpfs", "t2", 0), 0);
    t2mnt = where.d->mounted;
    cr_assert_not_null(t2mnt);
    cr_assert_eq(t2mnt->root, t2);
    cr_assert_eq(t2mnt->parent, root_mnt);
    vpath_put(&where);
}

Test(walk_mount, walking_into_a_mountpoint_lands_on_the_mounted_root)
{
    struct vpath p;

    mount_t2();
    cr_assert_eq(walk_from(NULL, "/a/mnt", 0, &p), 0);
    cr_assert_eq(p.mnt, t2mnt);
    cr_assert_eq(p.d, t2);
    vpath_put(&p);
    expect_at(NULL, "/a/mnt/x", 0, t2x, t2mnt);
    expect_at(NULL, "/a/mnt/sub/../x", 0, t2x, t2mnt);
    expect_at(NULL, "/a/mnt/.", 0, t2->inode, t2mnt);
    expect_at(NULL, "/a/mnt/", 0, t2->inode, t2mnt);
    expect_err(NULL, "/a/mnt/nope", 0, -ENOENT);
}

Test(walk_mount, dotdot_from_the_mounted_root_goes_to_the_mountpoint_parent)
{
    struct vpath m;

    mount_t2();
    expect_at(NULL, "/a/mnt/..", 0, a, NULL);
    expect_at(NULL, "/a/mnt/../file", 0, file, NULL);
    expect_at(NULL, "/a/mnt/sub/../..", 0, a, NULL);
    expect_at(NULL, "/a/mnt/sub/../../..", 0, root_d->inode, NULL);
    m = walk_ok("/a/mnt");
    expect_at(&m, "..", 0, a, NULL);
    vpath_put(&m);
}

Test(walk_mount, symlinks_inside_a_mount)
{
    mount_t2();
    expect_at(NULL, "/a/mnt/sub/back", WALK_FOLLOW, file, NULL);
    expect_at(NULL, "/a/mnt/sub/up", WALK_FOLLOW, a, NULL);
    expect_at(NULL, "/a/mnt/sub/up/mnt/x", 0, t2x, t2mnt);
}

Test(walk_mount, a_symlink_to_a_mountpoint_crosses_it)
{
    mount_t2();
    tmpfs_add(root_d->inode, "to_mnt", S_IFLNK | 0777, 0, NULL, "/a/mnt");
    expect_at(NULL, "/to_mnt", WALK_FOLLOW, t2->inode, t2mnt);
    expect_at(NULL, "/to_mnt/x", 0, t2x, t2mnt);
}

Test(walk_mount, stacked_mounts_show_the_top_one)
{
    struct vpath where;
    struct dentry *t3;
    struct inode *t3y;
    struct mount *t3mnt;

    mount_t2();
    where = walk_ok("/a/mnt");
    t3 = tmpfs_new("tmpfs", 0755);
    t3y = tmpfs_add(t3->inode, "y", S_IFREG | 0644, 0, NULL, NULL);
    cr_assert_eq(vfs_mount_at(&where, t3, "tmpfs", "t3", 0), 0);
    vpath_put(&where);
    t3mnt = t2->mounted; /* stacked on the top mount's root */
    cr_assert_not_null(t3mnt);
    cr_assert_eq(t3mnt->root, t3);
    cr_assert_eq(t3mnt->parent, t2mnt);
    expect_at(NULL, "/a/mnt", 0, t3->inode, t3mnt);
    expect_err(NULL, "/a/mnt/x", 0, -ENOENT);
    {
        struct vpath p = walk_ok("/a/mnt/y");
        char buf[64];
        cr_assert_eq(p.d->inode, t3y);
        cr_assert_eq(p.mnt, t3mnt);
        cr_assert_geq(vfs_path_name(fs, &p, buf, sizeof(buf)), 0);
        cr_assert_str_eq(buf, "/a/mnt/y");
        vpath_put(&p);
    }
    /* ".." goes through both mounts. */
    expect_at(NULL, "/a/mnt/..", 0, a, NULL);
}

Test(walk_mount, path_name_gives_the_absolute_path_across_mounts)
{
    char buf[VFS_PATH_MAX];
    struct vpath p;

    mount_t2();
    p = walk_ok("/a/mnt/sub/../x");
    cr_assert_eq(vfs_path_name(fs, &p, buf, sizeof(buf)), (int)strlen("/a/mnt/x"));
    cr_assert_str_eq(buf, "/a/mnt/x");
    vpath_put(&p);
    p = walk_ok("/a/mnt");
    cr_assert_eq(vfs_path_name(fs, &p, buf, sizeof(buf)), 6);
    cr_assert_str_eq(buf, "/a/mnt");
    vpath_put(&p);
    p = walk_ok("/lnk_dir/rel");
    cr_assert_geq(vfs_path_name(fs, &p, buf, sizeof(buf)), 0);
    cr_assert_str_eq(buf, "/a/b/f");
    vpath_put(&p);
    p = walk_ok("/");
    cr_assert_eq(vfs_path_name(fs, &p, buf, sizeof(buf)), 1);
    cr_assert_str_eq(buf, "/");
    vpath_put(&p);
}

Test(walk_mount, path_name_is_relative_to_the_chroot)
{
    char buf[VFS_PATH_MAX];
    struct vpath ap, p;
    struct fs_ctx *jail;

    mount_t2();
    ap = walk_ok("/a");
    jail = fs_ctx_new(&ap);
    p = walk_ok("/a/mnt/x");
    cr_assert_geq(vfs_path_name(jail, &p, buf, sizeof(buf)), 0);
    cr_assert_str_eq(buf, "/mnt/x");
    cr_assert_geq(vfs_path_name(jail, &ap, buf, sizeof(buf)), 0);
    cr_assert_str_eq(buf, "/");
    vpath_put(&p);
    vpath_put(&ap);
    fs_ctx_put(jail);
}

Test(walk, path_name_refuses_a_small_buffer)
{
    char buf[8];
    struct vpath p = walk_ok("/a/b/f");

    cr_assert_eq(vfs_path_name(fs, &p, buf, 7), 6);
    cr_assert_str_eq(buf, "/a/b/f");
    cr_assert_eq(vfs_path_name(fs, &p, buf, 6), -ERANGE);
    vpath_put(&p);
}

/* open(2) */

static struct stat stat_of(const char *path)
{
    struct vpath p = walk_ok(path);
    struct stat st;

    cr_assert_eq(vfs_getattr(p.d->inode, &st), 0);
    vpath_put(&p);
    return st;
}

Test(walk_open, creat_excl_creates_then_gives_eexist)
{
    struct file *fp = NULL;
    struct stat st;

    /* A privileged creator (CAP_DAC_OVERRIDE) with its own ids. */
    vfs_cur_cred = (struct vfs_cred){.fsuid = 1234, .fsgid = 5678, .dac_override = true};
    expect_err(NULL, "/a/new", 0, -ENOENT);
    cr_assert_eq(vfs_open(fs, NULL, "/a/new", O_CREAT | O_EXCL | O_RDWR, 0666, &fp), 0);
    cr_assert_not_null(fp);
    cr_assert(S_ISREG(fp->inode->mode));
    cr_assert_eq(fp->path.mnt, root_mnt);
    file_put(fp);
    st = stat_of("/a/new");
    cr_assert_eq(st.st_mode, S_IFREG | 0644, "mode %o: 0666 minus umask 022", st.st_mode);
    cr_assert_eq(st.st_uid, 1234);
    cr_assert_eq(st.st_gid, 5678);
    fp = NULL;
    cr_assert_eq(vfs_open(fs, NULL, "/a/new", O_CREAT | O_EXCL | O_RDWR, 0666, &fp), -EEXIST);
    cr_assert_null(fp);
    cr_assert_eq(vfs_open(fs, NULL, "/a/b/f", O_CREAT | O_EXCL | O_WRONLY, 0666, &fp), -EEXIST);
    cr_assert_eq(vfs_open(fs, NULL, "/a", O_CREAT | O_EXCL | O_RDONLY, 0666, &fp), -EEXIST);
}

Test(walk_open, creat_excl_does_not_follow_a_final_symlink)
{
    struct file *fp = NULL;

    cr_assert_eq(vfs_open(fs, NULL, "/dangling", O_CREAT | O_EXCL | O_WRONLY, 0644, &fp), -EEXIST);
    cr_assert_eq(vfs_open(fs, NULL, "/lnk_file", O_CREAT | O_EXCL | O_WRONLY, 0644, &fp), -EEXIST);
    cr_assert_null(fp);
}

Test(walk_open, creat_without_excl_opens_the_existing_file)
{
    struct file *fp = NULL;

    cr_assert_eq(vfs_open(fs, NULL, "/a/b/f", O_CREAT | O_RDWR, 0600, &fp), 0);
    cr_assert_eq(fp->inode, f);
    file_put(fp);
    /* Through a symlink too. */
    cr_assert_eq(vfs_open(fs, NULL, "/lnk_file", O_CREAT | O_RDONLY, 0600, &fp), 0);
    cr_assert_eq(fp->inode, f);
    file_put(fp);
}

Test(walk_open, creat_relative_to_a_start_and_then_visible_to_walks)
{
    struct vpath ab = walk_ok("/a/b");
    struct file *fp = NULL;

    cr_assert_eq(vfs_open(fs, &ab, "g", O_CREAT | O_WRONLY, 0600, &fp), 0);
    cr_assert_eq(fp->path.d->parent, ab.d);
    expect_at(NULL, "/a/b/g", 0, fp->inode, NULL);
    expect_at(NULL, "/lnk_dir/g", 0, fp->inode, NULL);
    file_put(fp);
    vpath_put(&ab);
}

Test(walk_open, creat_in_a_missing_directory_is_enoent)
{
    struct file *fp = NULL;

    cr_assert_eq(vfs_open(fs, NULL, "/nope/new", O_CREAT | O_WRONLY, 0600, &fp), -ENOENT);
    cr_assert_eq(vfs_open(fs, NULL, "/a/b/f/new", O_CREAT | O_WRONLY, 0600, &fp), -ENOTDIR);
    cr_assert_null(fp);
}

Test(walk_open, creat_with_a_trailing_slash_is_eisdir)
{
    struct file *fp = NULL;

    cr_assert_eq(vfs_open(fs, NULL, "/a/newdir/", O_CREAT | O_WRONLY, 0600, &fp), -EISDIR);
    cr_assert_null(fp);
    expect_err(NULL, "/a/newdir", 0, -ENOENT);
}

Test(walk_open, o_directory_on_a_file_is_enotdir)
{
    struct file *fp = NULL;

    cr_assert_eq(vfs_open(fs, NULL, "/a/b/f", O_RDONLY | O_DIRECTORY, 0, &fp), -ENOTDIR);
    cr_assert_eq(vfs_open(fs, NULL, "/lnk_file", O_RDONLY | O_DIRECTORY, 0, &fp), -ENOTDIR);
    cr_assert_null(fp);
    cr_assert_eq(vfs_open(fs, NULL, "/lnk_dir", O_RDONLY | O_DIRECTORY, 0, &fp), 0);
    cr_assert_eq(fp->inode, b);
    file_put(fp);
}

Test(walk_open, opening_a_directory_for_write_is_eisdir)
{
    struct file *fp = NULL;

    cr_assert_eq(vfs_open(fs, NULL, "/a", O_WRONLY, 0, &fp), -EISDIR);
    cr_assert_eq(vfs_open(fs, NULL, "/a/b/", O_RDWR, 0, &fp), -EISDIR);
    cr_assert_eq(vfs_open(fs, NULL, "/lnk_dir", O_WRONLY, 0, &fp), -EISDIR);
    cr_assert_eq(vfs_open(fs, NULL, "/a", O_CREAT | O_WRONLY, 0600, &fp), -EISDIR);
    cr_assert_eq(vfs_open(fs, NULL, "/lnk_dir", O_CREAT | O_RDWR, 0600, &fp), -EISDIR);
    cr_assert_null(fp);
    cr_assert_eq(vfs_open(fs, NULL, "/a", O_RDONLY, 0, &fp), 0);
    cr_assert_eq(fp->inode, a);
    file_put(fp);
}

/* Linux: O_TRUNC asks for write access, so a directory refuses it even
 * with O_RDONLY (open("/tmp", O_RDONLY | O_TRUNC) is EISDIR). */
Test(walk_open, o_trunc_on_a_directory_is_eisdir)
{
    struct file *fp = NULL;
    int r = vfs_open(fs, NULL, "/a", O_RDONLY | O_TRUNC, 0, &fp);

    if (r == 0)
        file_put(fp);
    cr_assert_eq(r, -EISDIR, "got %d", r);
}

/* Linux: O_CREAT on an existing directory is EISDIR whatever the access
 * mode (open("/tmp", O_RDONLY | O_CREAT) is EISDIR). */
Test(walk_open, o_creat_on_an_existing_directory_is_eisdir)
{
    struct file *fp = NULL;
    int r = vfs_open(fs, NULL, "/a", O_RDONLY | O_CREAT, 0644, &fp);

    if (r == 0)
        file_put(fp);
    cr_assert_eq(r, -EISDIR, "got %d", r);
    r = vfs_open(fs, NULL, "/lnk_dir", O_RDONLY | O_CREAT, 0644, &fp);
    if (r == 0)
        file_put(fp);
    cr_assert_eq(r, -EISDIR, "through a symlink: got %d", r);
}

Test(walk_open, creat_on_a_trailing_slash_or_dot_is_eisdir)
{
    struct file *fp = NULL;

    cr_assert_eq(vfs_open(fs, NULL, "/a/b/f/", O_CREAT | O_WRONLY, 0600, &fp), -EISDIR);
    cr_assert_eq(vfs_open(fs, NULL, "/a/.", O_CREAT | O_WRONLY, 0600, &fp), -EISDIR);
    cr_assert_eq(vfs_open(fs, NULL, "/", O_CREAT | O_WRONLY, 0600, &fp), -EISDIR);
    cr_assert_null(fp);
}

/* Linux would create the link's target; the Sentry may refuse instead, but
 * must never replace the symlink itself. */
Test(walk_open, creat_on_a_dangling_symlink_keeps_the_symlink)
{
    struct file *fp = NULL;
    struct vpath p;
    int r = vfs_open(fs, NULL, "/dangling", O_CREAT | O_WRONLY, 0644, &fp);

    if (r == 0) {
        expect_at(NULL, "/nowhere", 0, fp->inode, NULL);
        file_put(fp);
    }
    cr_assert_eq(walk_from(NULL, "/dangling", 0, &p), 0);
    cr_assert(S_ISLNK(p.d->inode->mode), "the symlink was replaced");
    vpath_put(&p);
}

Test(walk_open, nofollow_on_a_final_symlink_is_eloop)
{
    struct file *fp = NULL;

    cr_assert_eq(vfs_open(fs, NULL, "/lnk_file", O_RDONLY | O_NOFOLLOW, 0, &fp), -ELOOP);
    cr_assert_null(fp);
    /* Middle symlinks are still followed. */
    cr_assert_eq(vfs_open(fs, NULL, "/lnk_dir/f", O_RDONLY | O_NOFOLLOW, 0, &fp), 0);
    cr_assert_eq(fp->inode, f);
    file_put(fp);
}

Test(walk_open, written_data_reads_back_through_another_open)
{
    struct file *w = NULL, *r = NULL;
    char buf[16] = {0};

    cr_assert_eq(vfs_open(fs, NULL, "/a/data", O_CREAT | O_WRONLY, 0644, &w), 0);
    cr_assert_eq(w->ops->write(w, "hello", 5, 0), 5);
    cr_assert_eq(vfs_open(fs, NULL, "a/./data", O_RDONLY, 0, &r), 0);
    cr_assert_eq(r->inode, w->inode);
    cr_assert_eq(vfs_kernel_read(r, buf, sizeof(buf), 0), 5);
    cr_assert_str_eq(buf, "hello");
    file_put(w);
    file_put(r);
}

Test(walk_open, unprivileged_create_needs_write_on_the_directory)
{
    struct file *fp = NULL;

    vfs_cur_cred = (struct vfs_cred){ .fsuid = 1234, .fsgid = 5678 };
    cr_assert_eq(vfs_open(fs, NULL, "/a/nope", O_CREAT | O_RDWR, 0666, &fp), -EACCES);
    cr_assert_null(fp);
    vfs_cur_cred = (struct vfs_cred){ .dac_override = true, .dac_read_search = true, .fowner = true };
}
