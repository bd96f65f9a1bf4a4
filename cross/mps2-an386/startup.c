/* Reset for the mps2-an386 board (Cortex-M4F): the vector table, then
 * what C expects before main: initialised data copied from flash,
 * zeroed .bss, the FPU switched on. Every fault ends the program through
 * semihosting with a failure status, so an emulated run stops instead of
 * hanging. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Symbols of mps2-an386.ld. */
extern uint32_t __data_start[], __data_end[], __data_load[];
extern uint32_t __bss_start[], __bss_end[], __stack_top[];

int main(void);
void reset_handler(void);
void fault_handler(void);

/* Coprocessor Access Control Register: bits 20-23 grant full access to
 * CP10 and CP11, the FPU. Without them the first float instruction
 * faults. */
#define CPACR (*(volatile uint32_t *)0xE000ED88u)
#define CPACR_FPU_FULL_ACCESS (0xFu << 20)

void reset_handler(void)
{
    const size_t data_bytes =
        (size_t)((char *)__data_end - (char *)__data_start);
    const size_t bss_bytes = (size_t)((char *)__bss_end - (char *)__bss_start);
    CPACR |= CPACR_FPU_FULL_ACCESS;
    __asm__ volatile("dsb\n\tisb" ::: "memory"); /* before any FPU use */
    memcpy(__data_start, __data_load, data_bytes);
    memset(__bss_start, 0, bss_bytes);
    exit(main());
}

void fault_handler(void)
{
    _Exit(70); /* EX_SOFTWARE: a fault is a bug, never a result */
}

/* The first 16 entries of the table: the stack's top, then the handlers
 * of the core's own exceptions. The board's interrupts would follow;
 * none is enabled. */
typedef void (*vector)(void);
__attribute__((section(".vectors"), used)) static const vector vectors[16] = {
    (vector)(uintptr_t)__stack_top,
    reset_handler,
    fault_handler, /* NMI */
    fault_handler, /* HardFault */
    fault_handler, /* MemManage */
    fault_handler, /* BusFault */
    fault_handler, /* UsageFault */
    0, 0, 0, 0,    /* reserved */
    fault_handler, /* SVCall */
    fault_handler, /* DebugMonitor */
    0,             /* reserved */
    fault_handler, /* PendSV */
    fault_handler, /* SysTick */
};
