/* mmap_huge_len: lengths near 2^64, 2^63 and the whole address space get
 * ENOMEM, with and without a hint. The sandbox once wrapped around when
 * looking for room and hit an internal assertion (found by sys_fuzz). */
#include "conf.h"
#include <stdint.h>
#include <sys/mman.h>

int main(void)
{
    static const uint64_t lens[] = { 1ULL << 63, 1ULL << 47, (1ULL << 47) - 4096,
                                     0xfffffffffffff000ULL, (1ULL << 62) + 12345,
                                     0x7ffffffff000ULL };

    for (unsigned i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        ERR("huge anonymous mapping refused",
            (long)mmap(NULL, lens[i], PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0),
            ENOMEM);
        ERR("with a low hint too",
            (long)mmap((void *)0x10000, lens[i], PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
            ENOMEM);
        ERR("with a high hint too",
            (long)mmap((void *)0x7fff00000000ULL, lens[i], PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
                       -1, 0),
            ENOMEM);
    }
    return conf_done();
}
