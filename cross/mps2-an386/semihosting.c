/* The system calls newlib needs, over Arm semihosting: the debugger (here
 * qemu-system-arm with -semihosting-config enable=on) carries out a
 * request when the core executes `bkpt 0xAB` with the request's number in
 * r0 and its argument in r1. Output goes to the host's console, the exit
 * status becomes qemu's. On a real board without a debugger attached,
 * bkpt would halt the core: send output to a UART there instead. The
 * calls newlib wants beyond these (read, seek, close) come from
 * --specs=nosys.specs and fail. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#define SYS_WRITE0 0x04u        /* print a NUL-terminated string */
#define SYS_EXIT 0x18u          /* end the program */
#define SYS_EXIT_EXTENDED 0x20u /* end it with a status code */
/* SYS_EXIT's reason for a normal end of the application. */
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u

static uintptr_t semihost(uintptr_t request, const void *argument)
{
    register uintptr_t r0 __asm__("r0") = request;
    register const void *r1 __asm__("r1") = argument;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

int _write(int fd, const char *data, int size);
int _isatty(int fd);
int _fstat(int fd, struct stat *st);
void *_sbrk(ptrdiff_t increment);
void _exit(int status);

/* stdout and stderr alike, in chunks of a small NUL-terminated copy. */
int _write(int fd, const char *data, int size)
{
    char chunk[64];
    int done = 0;
    (void)fd;
    while (done < size) {
        size_t n = 0;
        while (n < sizeof(chunk) - 1 && done < size) {
            chunk[n++] = data[done++];
        }
        chunk[n] = '\0';
        (void)semihost(SYS_WRITE0, chunk);
    }
    return size;
}

/* A console: newlib then flushes stdout at each newline. */
int _isatty(int fd)
{
    (void)fd;
    return 1;
}

int _fstat(int fd, struct stat *st)
{
    (void)fd;
    memset(st, 0, sizeof(*st));
    st->st_mode = S_IFCHR;
    return 0;
}

/* newlib's malloc (used by stdio for its buffers) grows into the heap
 * region of mps2-an386.ld and fails beyond it. */
extern char __heap_start[], __heap_end[];

void *_sbrk(ptrdiff_t increment)
{
    static char *end = __heap_start;
    char *old = end;
    if (increment > __heap_end - end || increment < __heap_start - end) {
        errno = ENOMEM;
        return (void *)-1;
    }
    end += increment;
    return old;
}

void _exit(int status)
{
    /* Reason and status: qemu exits with `status`. */
    const uintptr_t block[2] = {ADP_STOPPED_APPLICATION_EXIT,
                                (uintptr_t)(unsigned)status};
    (void)semihost(SYS_EXIT_EXTENDED, block);
    /* A host without the extended call: success or not is all it says. */
    (void)semihost(SYS_EXIT, status == 0
                                 ? (const void *)ADP_STOPPED_APPLICATION_EXIT
                                 : (const void *)0x20023u);
    for (;;) {
    }
}
