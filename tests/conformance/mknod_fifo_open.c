/* mknod_fifo_open: FIFO open semantics: O_NONBLOCK reader opens alone,
 * O_NONBLOCK writer without reader gets ENXIO, a blocking open waits for
 * the other end; EOF when the writer closes. */
#include "conf.h"

static const char *fifo;

static int writer(void)
{
    int fd = open(fifo, O_WRONLY); /* blocks until the parent opens */
    if (fd < 0)
        return 1;
    if (write(fd, "hello", 5) != 5)
        return 2;
    close(fd);
    return 0;
}

int main(void)
{
    const char *d = conf_mkdtemp("mknod_fifo_open");
    char buf[16];
    int r, w, st;
    pid_t pid;

    fifo = conf_join(d, "fifo");
    MUST(mkfifo(fifo, 0600));
    ERR("O_WRONLY|O_NONBLOCK without reader", open(fifo, O_WRONLY | O_NONBLOCK), ENXIO);
    OK("O_RDONLY|O_NONBLOCK without writer", r = open(fifo, O_RDONLY | O_NONBLOCK));
    EQ("read with no writer ever: EOF", read(r, buf, sizeof(buf)), 0);
    OK("O_WRONLY|O_NONBLOCK with a reader", w = open(fifo, O_WRONLY | O_NONBLOCK));
    ERR("read empty with writer: EAGAIN", read(r, buf, sizeof(buf)), EAGAIN);
    EQ("write", write(w, "abc", 3), 3);
    EQ("read", read(r, buf, sizeof(buf)), 3);
    close(w);
    EQ("read after writer closed: EOF", read(r, buf, sizeof(buf)), 0);
    close(r);

    pid = fork();
    MUST(pid);
    if (pid == 0)
        _exit(writer());
    r = open(fifo, O_RDONLY); /* blocks until the child opens */
    OK("blocking open meets the writer", r);
    memset(buf, 0, sizeof(buf));
    {
        int n = 0, k;
        while ((k = read(r, buf + n, sizeof(buf) - 1 - n)) > 0)
            n += k;
        EQ("read all until EOF", n, 5);
    }
    STREQ("  data", buf, "hello");
    close(r);
    MUST(waitpid(pid, &st, 0));
    EQ("writer exit", WIFEXITED(st) ? WEXITSTATUS(st) : 1000, 0);
    conf_rmtree(d);
    return conf_done();
}
