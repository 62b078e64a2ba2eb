/* int80: the i386 syscall gate from a 64-bit process. The sandbox refuses
 * it (ENOSYS) instead of emulating 32-bit calls. Prints the raw result. */
#include <stdio.h>

int main(void)
{
    long ret;
    __asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) /* i386 getpid */ : "memory");
    printf("%ld\n", ret);
    return 0;
}
