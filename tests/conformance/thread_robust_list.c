/* thread_robust_list: set_robust_list/get_robust_list and what the kernel
 * does with the list at exit: a robust mutex held by a dead thread or
 * process (exited or SIGKILLed) comes back EOWNERDEAD; left inconsistent it
 * becomes ENOTRECOVERABLE. */
#include "conf.h"
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

static pthread_mutex_t *m;

static void *lock_and_die(void *arg)
{
    pthread_mutex_lock(m);
    return NULL; /* exits holding it */
}

static void init_robust(pthread_mutex_t *mx, int pshared)
{
    pthread_mutexattr_t a;

    pthread_mutexattr_init(&a);
    pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
    if (pshared)
        pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
    pthread_mutex_init(mx, &a);
    pthread_mutexattr_destroy(&a);
}

int main(void)
{
    struct robust_list_head *head = NULL;
    size_t len = 0;
    pthread_t t;
    pid_t pid;
    int st;

    /* glibc registers a list head for every thread. */
    OK("get_robust_list(0)", syscall(SYS_get_robust_list, 0, &head, &len));
    TRUE("a head is registered", head != NULL);
    EQ("its length", len, sizeof(struct robust_list_head));
    ERR("set_robust_list wrong length", syscall(SYS_set_robust_list, head, len + 1), EINVAL);
    ERR("get_robust_list no such pid", syscall(SYS_get_robust_list, 0x3ffffff0, &head, &len), ESRCH);
    {
        struct robust_list_head *h2 = NULL;
        size_t l2 = 0;
        OK("set_robust_list same head", syscall(SYS_set_robust_list, head, len));
        syscall(SYS_get_robust_list, 0, &h2, &l2);
        TRUE("reads back", h2 == head && l2 == len);
    }

    /* A thread dies holding a robust mutex. */
    m = malloc(sizeof(*m));
    init_robust(m, 0);
    pthread_create(&t, NULL, lock_and_die, NULL);
    pthread_join(t, NULL);
    STREQ("lock after the owner thread died", errname(pthread_mutex_lock(m)), "EOWNERDEAD");
    EQ("pthread_mutex_consistent", pthread_mutex_consistent(m), 0);
    EQ("unlock", pthread_mutex_unlock(m), 0);
    EQ("lock again: 0", pthread_mutex_lock(m), 0);
    pthread_mutex_unlock(m);

    /* Left inconsistent: unrecoverable. */
    pthread_create(&t, NULL, lock_and_die, NULL);
    pthread_join(t, NULL);
    STREQ("owner died again", errname(pthread_mutex_lock(m)), "EOWNERDEAD");
    EQ("unlock without consistent", pthread_mutex_unlock(m), 0);
    STREQ("now ENOTRECOVERABLE", errname(pthread_mutex_lock(m)), "ENOTRECOVERABLE");

    /* Across processes: the owner exits, or is killed. */
    m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    init_robust(m, 1);
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        pthread_mutex_lock(m);
        _exit(0);
    }
    MUST(waitpid(pid, &st, 0));
    STREQ("owner process exited holding it", errname(pthread_mutex_lock(m)), "EOWNERDEAD");
    pthread_mutex_consistent(m);
    pthread_mutex_unlock(m);

    {
        int p[2];
        char c;
        MUST(pipe(p));
        pid = fork();
        MUST(pid);
        if (pid == 0) {
            pthread_mutex_lock(m);
            if (write(p[1], "l", 1) != 1)
                _exit(1);
            for (;;)
                pause();
        }
        EQ("child holds it", read(p[0], &c, 1), 1);
        STREQ("trylock while the owner lives", errname(pthread_mutex_trylock(m)), "EBUSY");
        kill(pid, SIGKILL);
        MUST(waitpid(pid, &st, 0));
        STREQ("owner process SIGKILLed holding it", errname(pthread_mutex_lock(m)), "EOWNERDEAD");
        pthread_mutex_consistent(m);
        EQ("unlock", pthread_mutex_unlock(m), 0);
        EQ("trylock then: 0", pthread_mutex_trylock(m), 0);
    }
    return conf_done();
}
