/* sentry/kernel/cred.c: credentials and capabilities, as capabilities(7).
 *
 * The sandbox's uid 0 holds every capability in its own (user namespace
 * like) world; dropping uids drops capabilities the way Linux does, and
 * capset only ever narrows. None of this grants anything on the host.
 */
#include "sentry/kernel/kernel.h"

#include <errno.h>
#include <linux/capability.h>
#include <string.h>

#define CAP_ALL ((1ULL << (CAP_LAST_CAP + 1)) - 1)
#define CAP_FS_MASK                                                                        \
    ((1ULL << CAP_CHOWN) | (1ULL << CAP_DAC_OVERRIDE) | (1ULL << CAP_DAC_READ_SEARCH) |     \
     (1ULL << CAP_FOWNER) | (1ULL << CAP_FSETID) | (1ULL << CAP_LINUX_IMMUTABLE) |         \
     (1ULL << CAP_MAC_OVERRIDE) | (1ULL << CAP_MKNOD))

void cred_init(struct creds *c, uid_t uid, gid_t gid)
{
    memset(c, 0, sizeof(*c));
    c->uid = c->euid = c->suid = c->fsuid = uid;
    c->gid = c->egid = c->sgid = c->fsgid = gid;
    c->cap_bnd = CAP_ALL;
    if (uid == 0)
        c->cap_eff = c->cap_prm = CAP_ALL;
}

bool capable(const struct task *t, int cap)
{
    return (t->cred.cap_eff >> cap) & 1;
}

/* After a uid change from old to new (capabilities(7), "Effect of user ID
 * changes on capabilities"). */
void cred_fixup_caps(struct creds *n, const struct creds *o)
{
    bool old_root = o->uid == 0 || o->euid == 0 || o->suid == 0;
    bool new_root = n->uid == 0 || n->euid == 0 || n->suid == 0;

    if (n->keep_caps)
        goto fs;
    if (old_root && !new_root) {
        n->cap_prm = 0;
        n->cap_eff = 0;
        n->cap_amb = 0;
    }
    if (o->euid == 0 && n->euid != 0)
        n->cap_eff = 0;
    if (o->euid != 0 && n->euid == 0)
        n->cap_eff = n->cap_prm;
fs:
    if (o->fsuid == 0 && n->fsuid != 0)
        n->cap_eff &= ~CAP_FS_MASK;
    if (o->fsuid != 0 && n->fsuid == 0)
        n->cap_eff |= n->cap_prm & CAP_FS_MASK;
}

/* execve: no file capabilities, no set-id bits honoured in this slice. */
void cred_exec(struct creds *c)
{
    if (c->uid == 0 || c->euid == 0) {
        c->cap_prm = (c->cap_inh | c->cap_bnd) & CAP_ALL;
        c->cap_eff = c->euid == 0 ? c->cap_prm : 0;
    } else {
        c->cap_prm = c->cap_amb;
        c->cap_eff = c->cap_amb;
    }
    c->keep_caps = false;
}

int cred_capset(struct task *t, uint64_t eff, uint64_t prm, uint64_t inh)
{
    struct creds *c = &t->cred;

    if (prm & ~c->cap_prm)
        return -EPERM;
    if (eff & ~prm)
        return -EPERM;
    if (inh & ~(c->cap_inh | c->cap_prm) && !capable(t, CAP_SETPCAP))
        return -EPERM;
    if (inh & ~(c->cap_inh | c->cap_bnd))
        return -EPERM;
    c->cap_eff = eff;
    c->cap_prm = prm;
    c->cap_inh = inh;
    c->cap_amb &= prm & inh;
    return 0;
}

bool cred_in_group(const struct creds *c, gid_t g)
{
    if (c->fsgid == g || c->egid == g)
        return true;
    for (int i = 0; i < c->ngroups; i++)
        if (c->groups[i] == g)
            return true;
    return false;
}

bool cred_may_ptrace(const struct task *t, const struct task *target)
{
    const struct creds *c = &t->cred, *tc = &target->cred;

    if (t->proc == target->proc)
        return true;
    if (!(c->uid == tc->uid && c->uid == tc->euid && c->uid == tc->suid && c->gid == tc->gid &&
          c->gid == tc->egid && c->gid == tc->sgid) &&
        !capable(t, CAP_SYS_PTRACE))
        return false;
    return target->proc->dumpable == 1 || capable(t, CAP_SYS_PTRACE);
}
