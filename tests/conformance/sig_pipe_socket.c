/* sig_pipe_socket: sig_pipe with its socket checks (EPIPE/SIGPIPE on sockets, MSG_NOSIGNAL).
 * The socket parts need issue 5; the rest runs in sig_pipe. */
#define CONF_WITH_SOCKETS
#include "sig_pipe.c"
