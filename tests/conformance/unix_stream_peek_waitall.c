/* unix_stream_peek_waitall: MSG_PEEK leaves data queued (and crosses
 * writes), MSG_WAITALL waits for the whole length, MSG_DONTWAIT, FIONREAD
 * and SIOCOUTQ. */
#include "conf.h"
#include "unixconf.h"
#include <linux/sockios.h>
#include <sys/ioctl.h>

int main(void)
{
    int sv[2], n, st;
    char buf[64];
    pid_t pid;

    MUST(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    ERR("MSG_DONTWAIT on empty", recv(sv[0], buf, 8, MSG_DONTWAIT), EAGAIN);
    OK("FIONREAD empty", ioctl(sv[0], FIONREAD, &n));
    EQ("  0", n, 0);
    EQ("write abc", write(sv[1], "abc", 3), 3);
    EQ("write defg", write(sv[1], "defg", 4), 4);
    OK("FIONREAD", ioctl(sv[0], FIONREAD, &n));
    EQ("  7", n, 7);
    OK("SIOCOUTQ of the writer", ioctl(sv[1], SIOCOUTQ, &n));
    TRUE("  > 0", n > 0);
    EQ("peek 5 (across writes)", recv(sv[0], buf, 5, MSG_PEEK), 5);
    TRUE("  abcde", !memcmp(buf, "abcde", 5));
    EQ("peek again: same", recv(sv[0], buf, 2, MSG_PEEK), 2);
    TRUE("  ab", !memcmp(buf, "ab", 2));
    EQ("read 2", read(sv[0], buf, 2), 2);
    EQ("peek all", recv(sv[0], buf, sizeof(buf), MSG_PEEK), 5);
    TRUE("  cdefg", !memcmp(buf, "cdefg", 5));
    EQ("read all", recv(sv[0], buf, sizeof(buf), 0), 5);
    OK("SIOCOUTQ after reading", ioctl(sv[1], SIOCOUTQ, &n));
    EQ("  0", n, 0);

    pid = fork();
    MUST(pid);
    if (pid == 0) {
        for (int i = 0; i < 4; i++) {
            usleep(20000);
            write(sv[1], "xyz", 3);
        }
        _exit(0);
    }
    EQ("MSG_WAITALL 12 bytes from 4 writes", recv(sv[0], buf, 12, MSG_WAITALL), 12);
    MUST(waitpid(pid, &st, 0));
    EQ("peek with MSG_DONTWAIT on empty", recv(sv[0], buf, 1, MSG_PEEK | MSG_DONTWAIT), -1);
    EQ("write 2 then close", write(sv[1], "zz", 2), 2);
    close(sv[1]);
    EQ("MSG_WAITALL stops at EOF", recv(sv[0], buf, 10, MSG_WAITALL), 2);
    close(sv[0]);
    return conf_done();
}
