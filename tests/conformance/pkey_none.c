/* pkey_none: memory protection keys on a machine that has none (node and
 * other JITs probe pkey_alloc and carry on without). Skips natively when
 * the host CPU offers keys. */
#include "conf.h"
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
    long k = syscall(SYS_pkey_alloc, 0, 0);
    char *p;

    if (k >= 0)
        conf_skip("this CPU has protection keys");
    ERR("pkey_alloc bad flags", syscall(SYS_pkey_alloc, 1, 0), EINVAL);
    ERR("pkey_alloc bad rights", syscall(SYS_pkey_alloc, 0, 4), EINVAL);
    ERR("pkey_alloc none free", syscall(SYS_pkey_alloc, 0, 1), ENOSPC);
    ERR("pkey_free never allocated", syscall(SYS_pkey_free, 1), EINVAL);
    MUST((p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)) !=
         MAP_FAILED);
    OK("pkey_mprotect key -1 is mprotect", syscall(SYS_pkey_mprotect, p, 4096, PROT_READ, -1));
    ERR("key -1 unaligned", syscall(SYS_pkey_mprotect, p + 1, 4096, PROT_READ, -1), EINVAL);
    ERR("key 1 not allocated", syscall(SYS_pkey_mprotect, p, 4096, PROT_READ, 1), EINVAL);
    OK("key 1, length 0", syscall(SYS_pkey_mprotect, p, 0, PROT_READ, 1));
    p[4096] = 1; /* the second page still writable */
    EQ("first page now read-only", mprotect(p, 4096, PROT_READ | PROT_WRITE), 0);
    return conf_done();
}
