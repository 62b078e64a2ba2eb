/* vdso_present: the process gets a vDSO (AT_SYSINFO_EHDR, [vdso] and
 * [vvar] in /proc/self/maps) whose clock functions agree with the system
 * calls, across threads, fork and exec; clocks it does not serve still
 * work (the syscall fallback); munmap of it works.
 * Static glibc uses the vDSO through AT_SYSINFO_EHDR too. */
#include "conf.h"

#include <elf.h>
#include <pthread.h>
#include <sched.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>

#define NCALLS 100000
#define NTHREADS 4

/* The address of a dynamic symbol of the vDSO image, or 0. */
static unsigned long vdso_sym(unsigned long base, const char *name)
{
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)base;
    const Elf64_Shdr *sh = (const Elf64_Shdr *)(base + eh->e_shoff);

    for (int i = 0; i < eh->e_shnum; i++) {
        const Elf64_Sym *sym = (const Elf64_Sym *)(base + sh[i].sh_offset);
        const char *str = (const char *)(base + sh[sh[i].sh_link].sh_offset);
        if (sh[i].sh_type != SHT_DYNSYM)
            continue;
        for (size_t k = 0; k < sh[i].sh_size / sizeof(*sym); k++)
            if (sym[k].st_shndx != SHN_UNDEF && !strcmp(str + sym[k].st_name, name))
                return base + sym[k].st_value;
    }
    return 0;
}

/* "[vdso]" and friends of /proc/self/maps: the start address, or 0. */
static unsigned long maps_start(const char *name)
{
    char line[512], want[64];
    unsigned long start = 0;
    FILE *f = fopen("/proc/self/maps", "r");

    if (!f)
        return 0;
    snprintf(want, sizeof(want), " %s\n", name);
    while (!start && fgets(line, sizeof(line), f))
        if (strlen(line) > strlen(want) && !strcmp(line + strlen(line) - strlen(want), want))
            start = strtoul(line, NULL, 16);
    fclose(f);
    return start;
}

static long ns_of(const struct timespec *ts)
{
    return ts->tv_sec * 1000000000L + ts->tv_nsec;
}

/* One image's own view: an ELF vDSO that /proc/self/maps names. */
static int vdso_ok(void)
{
    unsigned long base = getauxval(AT_SYSINFO_EHDR);
    return base && !memcmp((const void *)base, ELFMAG, SELFMAG) && maps_start("[vdso]") == base;
}

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long last_ns;
static int backwards;

static void *reader(void *arg)
{
    (void)arg;
    for (int i = 0; i < NCALLS / NTHREADS; i++) {
        struct timespec ts;
        pthread_mutex_lock(&mu);
        clock_gettime(CLOCK_MONOTONIC, &ts);
        if (ns_of(&ts) < last_ns)
            backwards++;
        last_ns = ns_of(&ts);
        pthread_mutex_unlock(&mu);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    unsigned long base = getauxval(AT_SYSINFO_EHDR);
    static const char *const syms[] = { "__vdso_clock_gettime", "__vdso_gettimeofday",
                                        "__vdso_time", "__vdso_clock_getres", "__vdso_getcpu" };
    static const clockid_t served[] = { CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME,
                                        CLOCK_REALTIME_COARSE, CLOCK_MONOTONIC_COARSE,
                                        CLOCK_MONOTONIC_RAW, CLOCK_TAI };
    struct timespec a, b, res;
    struct timeval tv;
    pthread_t th[NTHREADS];
    int bad = 0, st;
    unsigned cpu = ~0u, node = ~0u;
    cpu_set_t one;
    pid_t pid;

    if (argc > 1 && !strcmp(argv[1], "exec")) /* the exec'd image */
        return vdso_ok() ? 0 : 1;

    TRUE("AT_SYSINFO_EHDR set", base != 0);
    if (!base)
        return conf_done();
    TRUE("it points at an ELF header", !memcmp((const void *)base, ELFMAG, SELFMAG));
    TRUE("/proc/self/maps: [vdso] at AT_SYSINFO_EHDR", maps_start("[vdso]") == base);
    TRUE("/proc/self/maps: [vvar] below it", maps_start("[vvar]") && maps_start("[vvar]") < base);
    for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
        char what[64];
        snprintf(what, sizeof(what), "vDSO exports %s", syms[i]);
        TRUE(what, vdso_sym(base, syms[i]) != 0);
    }

    /* The clocks the vDSO serves, read through it (glibc) and raw. */
    for (size_t i = 0; i < sizeof(served) / sizeof(served[0]); i++) {
        char what[64];
        snprintf(what, sizeof(what), "clock %d: vDSO read within 1 s of the syscall",
                 (int)served[i]);
        OK(what, clock_gettime(served[i], &a));
        syscall(SYS_clock_gettime, served[i], &b);
        TRUE(what, labs(ns_of(&b) - ns_of(&a)) < 1000000000L);
    }
    OK("clock_getres(MONOTONIC)", clock_getres(CLOCK_MONOTONIC, &res));
    EQ("  1 ns", ns_of(&res), 1);
    {
        int (*vgetres)(clockid_t, struct timespec *) =
            (int (*)(clockid_t, struct timespec *))vdso_sym(base, "__vdso_clock_getres");
        struct timespec raw;
        syscall(SYS_clock_getres, CLOCK_MONOTONIC_COARSE, &raw);
        EQ("__vdso_clock_getres(MONOTONIC_COARSE) = the syscall's", vgetres(CLOCK_MONOTONIC_COARSE, &res), 0);
        TRUE("  same resolution", ns_of(&res) == ns_of(&raw));
    }

    /* MONOTONIC never goes back, in one thread and across threads. */
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int i = 0; i < NCALLS; i++) {
        clock_gettime(CLOCK_MONOTONIC, &b);
        bad += ns_of(&b) < ns_of(&a);
        a = b;
    }
    EQ("MONOTONIC backwards in 100000 reads", bad, 0);
    for (int i = 0; i < NTHREADS; i++)
        MUST(pthread_create(&th[i], NULL, reader, NULL));
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(th[i], NULL);
    EQ("MONOTONIC backwards across 4 threads", backwards, 0);

    /* REALTIME, gettimeofday and time agree. */
    {
        time_t (*vtime)(time_t *) = (time_t (*)(time_t *))vdso_sym(base, "__vdso_time");
        time_t t0 = time(NULL);
        clock_gettime(CLOCK_REALTIME, &a);
        gettimeofday(&tv, NULL);
        TRUE("REALTIME within 1 s of time(NULL)", labs(a.tv_sec - t0) <= 1);
        TRUE("gettimeofday within 1 s of REALTIME", labs(tv.tv_sec - a.tv_sec) <= 1);
        TRUE("__vdso_time within 1 s of time(NULL)", labs(vtime(NULL) - t0) <= 1);
    }

    /* Clocks it does not serve go to the kernel. */
    OK("clock_gettime(PROCESS_CPUTIME_ID)", clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a));
    TRUE("  some CPU time used", ns_of(&a) > 0);
    OK("clock_gettime(THREAD_CPUTIME_ID)", clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a));
    ERR("clock_gettime(bad id)", clock_gettime(12345, &a), EINVAL);

    /* getcpu: the vDSO's and the syscall's agree once pinned. */
    CPU_ZERO(&one);
    CPU_SET(sched_getcpu(), &one);
    OK("pin to the current CPU", sched_setaffinity(0, sizeof(one), &one));
    OK("getcpu syscall", syscall(SYS_getcpu, &cpu, &node, NULL));
    TRUE("sched_getcpu (vDSO) = getcpu (syscall)", sched_getcpu() == (int)cpu);

    /* fork: the child has it at the same place, and it works. */
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        int ok = getauxval(AT_SYSINFO_EHDR) == base && maps_start("[vdso]") == base &&
                 clock_gettime(CLOCK_MONOTONIC, &a) == 0 && ns_of(&a) > 0;
        _exit(ok ? 0 : 1);
    }
    MUST(waitpid(pid, &st, 0));
    EQ("fork child: same vDSO, working clock", WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);

    /* exec: the new image gets one too. */
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        execl("/proc/self/exe", argv[0], "exec", (char *)NULL);
        _exit(127);
    }
    MUST(waitpid(pid, &st, 0));
    EQ("exec'd image: a vDSO maps names", WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);

    /* munmap of it works as for any mapping (in a child: glibc keeps
     * pointers into it). */
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        const Elf64_Ehdr *eh = (const Elf64_Ehdr *)base;
        const Elf64_Phdr *ph = (const Elf64_Phdr *)(base + eh->e_phoff);
        unsigned long len = 0;
        for (int i = 0; i < eh->e_phnum; i++)
            if (ph[i].p_type == PT_LOAD)
                len = (ph[i].p_vaddr + ph[i].p_memsz + 4095) & ~4095UL;
        if (munmap((void *)base, len))
            _exit(2);
        _exit(maps_start("[vdso]") ? 3 : 0);
    }
    MUST(waitpid(pid, &st, 0));
    EQ("munmap of [vdso]: gone from maps", WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
    return conf_done();
}
